import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import { code128Png, DEFAULT_BARCODE_SCALE } from './barcode.js';
import type { PreparedImage } from './images.js';

/**
 * Declarative PDF layout for certificates, box labels and disclosure bundles. Callers
 * say what goes on the page; this file owns fonts, spacing, page breaks, headers and
 * footers. Every string is drawn as given, nothing added or dropped (redaction happens
 * before this point); the only changes are tabs and line endings, and [U+XXXX] for a
 * character the font cannot draw (see `drawable`).
 */
export type Block =
  | { type: 'heading'; text: string; level?: 1 | 2 | 3 }
  /** `warning` is large bold text in a ruled box, e.g. DO NOT DESTROY on a box label. */
  | { type: 'paragraph'; text: string; style?: 'normal' | 'small' | 'warning' }
  /** Label/value pairs in two columns; long values wrap within their column. */
  | { type: 'fields'; rows: ReadonlyArray<readonly [label: string, value: string]> }
  /** `widths` are relative weights (e.g. [1, 3]), not points, so one spec fits any page size. The header repeats on every page the table reaches. */
  | { type: 'table'; columns: readonly string[]; rows: ReadonlyArray<readonly string[]>; widths?: readonly number[] }
  /** Code 128 at 1 pt per module (shrunk only if wider than the page), with an optional caption under it. */
  | { type: 'barcode'; value: string; caption?: string }
  /**
   * A photograph or scan (images.ts `prepareImage`), scaled down to fit the text width and
   * one page's height, never up (a pixel is at most a point), starting a page if it does not fit.
   */
  | { type: 'image'; image: PreparedImage }
  /** Starts a new page, unless the current one is still empty (so a break before every entry leaves no blank pages). */
  | { type: 'page-break' }
  | { type: 'rule' };

export interface PdfSpec {
  title: string;
  subject?: string;
  author?: string;
  /** Points (1/72 in) when a pair, e.g. [288, 432] for a 4×6 in label. Default A4. */
  size?: 'A4' | readonly [width: number, height: number];
  /** One line, repeated at the top of every page. */
  header?: string;
  /** One line at the bottom left of every page; the bottom right shows "Page n of m". */
  footer?: string;
  /** Whether to print "Page n of m". Default true; a single-page box label may not want it. */
  pageNumbers?: boolean;
  /** The PDF's CreationDate. Fixing it makes the output byte-for-byte reproducible. */
  createdAt?: Date;
  /** Consumed once, in order, and never collected: pass a generator for large bundles. */
  blocks: Iterable<Block> | AsyncIterable<Block>;
}

export interface RenderedPdf {
  bytes: Buffer;
  pages: number;
}

const resolveModule = createRequire(import.meta.url).resolve;
// DejaVu Sans covers Latin, Greek, Cyrillic and typographic punctuation, so names such as
// Łukasz, Zoë or Siân render; the standard PDF fonts only cover Windows-1252.
const REGULAR = resolveModule('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = resolveModule('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
type Face = 'regular' | 'bold';

// Sizes in points. DejaVu Sans is wide, so 10 pt reads like 11 pt Arial and keeps bundles shorter.
const BODY = 10;
const SMALL = 8;
const WARNING = 20;
const CHROME = 8;
const HEADING = { 1: 16, 2: 13, 3: 11 } as const;
const LINE_GAP = 1.5;
const GAP = 6;
const PAD = { x: 4, y: 3 };
const BAND = 16; // room for the header or footer line inside the margin
const GREY = '#808080';
const HEADER_FILL = '#e6e6e6';
/** Blocks rendered between yields to the event loop, so a long bundle does not starve other requests. */
const YIELD_EVERY = 50;

export async function renderPdf(spec: PdfSpec): Promise<RenderedPdf> {
  const [width, height] = spec.size === undefined || spec.size === 'A4' ? [595.28, 841.89] : spec.size;
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) throw new RangeError(`page size must be positive points, got ${width}×${height}`);
  const numbered = spec.pageNumbers ?? true;
  // Smaller margins on label-sized pages: 8% of the width, between 18 pt and 50 pt.
  const side = Math.round(Math.min(50, Math.max(18, width * 0.08)));
  const info: PDFKit.DocumentInfo = { Title: spec.title, Creator: 'Safekeep', CreationDate: spec.createdAt ?? new Date() };
  if (spec.author !== undefined) info.Author = spec.author;
  if (spec.subject !== undefined) info.Subject = spec.subject;

  const doc = new PDFDocument({
    size: [width, height],
    margins: { left: side, right: side, top: side + (spec.header === undefined ? 0 : BAND), bottom: side + (spec.footer === undefined && !numbered ? 0 : BAND) },
    // Every page stays in memory until the end so "of m" can be written once m is known.
    bufferPages: true,
    font: REGULAR, // never load Helvetica: it would be unused but still written out
    pdfVersion: '1.7',
    lang: 'en-GB',
    displayTitle: true,
    info,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  done.catch(() => undefined); // awaited below; this stops an early render error leaving it unhandled

  const layout = new Layout(doc);
  let n = 0;
  for await (const block of spec.blocks) {
    await layout.draw(block);
    if (++n % YIELD_EVERY === 0) await nextTurn();
  }
  const pages = await drawChrome(doc, spec, side, numbered);
  doc.end();
  return { bytes: await done, pages };
}

/** Header, footer and page numbers, drawn on every buffered page once the page count is known. */
async function drawChrome(doc: PDFKit.PDFDocument, spec: PdfSpec, side: number, numbered: boolean): Promise<number> {
  const { start, count } = doc.bufferedPageRange();
  // Every page has the document's size and margins, so the lines are fitted once.
  const { margins, height } = doc.page;
  const [left, width] = [margins.left, doc.page.width - margins.left - margins.right];
  doc.font(REGULAR).fontSize(CHROME);
  const numberWidth = numbered ? doc.widthOfString(`Page ${count} of ${count}`) + 12 : 0;
  const header = spec.header === undefined ? null : fitLine(doc, spec.header, width);
  const footer = spec.footer === undefined ? null : fitLine(doc, spec.footer, width - numberWidth);
  const footerY = height - side - CHROME - 2;
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % (YIELD_EVERY * 2) === 0) await nextTurn();
    doc.switchToPage(start + i);
    doc.fillColor(GREY).strokeColor(GREY).lineWidth(0.5);
    // lineBreak: false draws one line without pdfkit's wrapper, which would start a new page on seeing text inside the bottom margin.
    if (header !== null) {
      doc.text(header, left, side, { lineBreak: false });
      doc.moveTo(left, side + BAND - 5).lineTo(left + width, side + BAND - 5).stroke();
    }
    if (footer !== null) doc.text(footer, left, footerY, { lineBreak: false });
    if (numbered) {
      const label = `Page ${i + 1} of ${count}`;
      doc.text(label, left + width - doc.widthOfString(label), footerY, { lineBreak: false });
    }
    if (footer !== null || numbered) doc.moveTo(left, footerY - 4).lineTo(left + width, footerY - 4).stroke();
  }
  return count;
}

/** One line of header/footer: newlines flattened, shortened with an ellipsis if too wide. */
function fitLine(doc: PDFKit.PDFDocument, text: string, width: number): string {
  const line = drawable(doc, text.replace(/\s*[\r\n]+\s*/g, ' '));
  if (doc.widthOfString(line) <= width) return line;
  let [lo, hi] = [0, line.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${line.slice(0, mid)}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${line.slice(0, lo).trimEnd()}…`;
}

/**
 * The text as the current font can draw it. Line endings and tabs are normalised. A
 * character the font lacks (CJK, most emoji, control characters) would print as an
 * empty box and copy out as U+0000, silently losing it, so it is written as [U+XXXX]
 * instead; invisible format characters it lacks (e.g. variation selectors) are dropped.
 */
function drawable(doc: PDFKit.PDFDocument, text: string): string {
  const normal = text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ');
  if (!/[^\n\x20-\x7e]/.test(normal)) return normal; // fast path: DejaVu has all of printable ASCII
  return normal.replace(/[^\n\x20-\x7e]/gu, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    if (pdfkitInternals.fontCovers(doc, cp)) return ch;
    return /\p{Default_Ignorable_Code_Point}/u.test(ch) ? '' : `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
  });
}

/**
 * The only reach past @types/pdfkit, kept together; re-check both on a pdfkit upgrade.
 * `fontCovers`: the current font's glyph coverage, from the fontkit font pdfkit wraps.
 * `compactPage`: a buffered page keeps its content as one small array per drawing
 * operation (~100 bytes of overhead each); joining them once the page is finished cuts
 * what a 2,000-page bundle holds until the end several-fold.
 */
const pdfkitInternals = {
  fontCovers(doc: PDFKit.PDFDocument, codePoint: number): boolean {
    return (doc as unknown as { _font: { font: { hasGlyphForCodePoint(cp: number): boolean } } })._font.font.hasGlyphForCodePoint(codePoint);
  },
  /** pdfkit's own reading of an image (its size as shown, after any EXIF orientation), so it is parsed once and drawn from that. */
  openImage(doc: PDFKit.PDFDocument, data: Buffer): { width: number; height: number; orientation?: number } {
    return (doc as unknown as { openImage(src: Buffer): { width: number; height: number; orientation?: number } }).openImage(data);
  },
  compactPage(page: PDFKit.PDFPage): void {
    const content = page.content as unknown as { buffer: Uint8Array[] };
    if (content.buffer.length > 1) content.buffer = [Buffer.concat(content.buffer)];
  },
};

/** Lays blocks out top to bottom, breaking pages where the content needs it. */
class Layout {
  /** Nothing drawn on the current page yet: a page break here would only make a blank page. */
  private fresh = true;

  constructor(private readonly doc: PDFKit.PDFDocument) {
    let finished = doc.page;
    doc.on('pageAdded', () => {
      pdfkitInternals.compactPage(finished);
      finished = doc.page;
      this.fresh = true;
    });
  }

  private get left(): number {
    return this.doc.page.margins.left;
  }

  private get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  /** Height of an empty page's text area. */
  private get bodyHeight(): number {
    return this.doc.page.height - this.doc.page.margins.top - this.doc.page.margins.bottom;
  }

  private room(): number {
    return this.doc.page.maxY() - this.doc.y;
  }

  /** Moves to a new page unless `height` fits below the cursor. On an empty page it stays: the content flows on instead. */
  private ensure(height: number): void {
    if (!this.fresh && height > this.room()) this.doc.addPage();
  }

  private face(face: Face, size: number): PDFKit.PDFDocument {
    return this.doc.font(face === 'bold' ? BOLD : REGULAR, size).fillColor('black');
  }

  private heightOf(text: string, width: number): number {
    return this.doc.heightOfString(drawable(this.doc, text), { width, lineGap: LINE_GAP });
  }

  /** Text that may run on over as many pages as it needs. */
  private flow(text: string, x: number, width: number, align: 'left' | 'center' = 'left'): void {
    this.doc.text(drawable(this.doc, text), x, this.doc.y, { width, lineGap: LINE_GAP, align });
    this.fresh = false;
  }

  async draw(block: Block): Promise<void> {
    switch (block.type) {
      case 'heading': return this.heading(block.text, block.level ?? 1);
      case 'paragraph': return this.paragraph(block.text, block.style ?? 'normal');
      case 'fields': return this.grid(null, block.rows, [1, 2.2], ['bold', 'regular']);
      case 'table': return this.table(block.columns, block.rows, block.widths);
      case 'barcode': return this.barcode(block.value, block.caption);
      case 'image': return this.image(block.image);
      case 'page-break': if (!this.fresh) this.doc.addPage(); return;
      case 'rule': return this.rule();
    }
  }

  private heading(text: string, level: 1 | 2 | 3): void {
    const size = HEADING[level];
    const above = this.fresh ? 0 : size * 0.6;
    this.face('bold', size);
    // Keep a heading with at least two lines of what follows it.
    this.ensure(above + this.heightOf(text, this.width) + 2 * (BODY + LINE_GAP) * 1.2);
    if (!this.fresh) this.doc.y += above;
    this.flow(text, this.left, this.width);
    this.doc.y += GAP / 2;
  }

  private paragraph(text: string, style: 'normal' | 'small' | 'warning'): void {
    if (style !== 'warning') {
      this.face('regular', style === 'small' ? SMALL : BODY);
      this.flow(text, this.left, this.width);
      this.doc.y += GAP;
      return;
    }
    this.face('bold', WARNING);
    const pad = 8;
    const height = this.heightOf(text, this.width - 2 * pad) + 2 * pad;
    if (height > this.bodyHeight) {
      // Too long to box on one page: still print every word, just without the box.
      this.flow(text, this.left, this.width);
    } else {
      this.ensure(height);
      const top = this.doc.y;
      this.doc.lineWidth(2).strokeColor('black').rect(this.left, top, this.width, height).stroke();
      this.doc.y = top + pad;
      this.flow(text, this.left + pad, this.width - 2 * pad, 'center');
      this.doc.y = top + height;
    }
    this.doc.y += GAP;
  }

  private table(columns: readonly string[], rows: ReadonlyArray<readonly string[]>, widths?: readonly number[]): void {
    if (columns.length === 0) throw new RangeError('a table needs at least one column');
    if (widths !== undefined && (widths.length !== columns.length || widths.some((w) => !(w > 0)))) {
      throw new RangeError(`table widths must be ${columns.length} positive weights`);
    }
    const faces = columns.map((): Face => 'regular');
    this.grid(columns, rows, widths ?? columns.map(() => 1), faces);
  }

  /**
   * Rows of wrapped cells, never split across pages; `header` (if any) is drawn again at
   * the top of each page. A row too tall for a whole page is printed as "column: value"
   * paragraphs instead, because splitting side-by-side cells would risk losing text.
   */
  private grid(header: readonly string[] | null, rows: ReadonlyArray<readonly string[]>, weights: readonly number[], faces: readonly Face[]): void {
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (this.width * w) / total);
    const headerFaces = widths.map((): Face => 'bold');
    const headerHeight = header === null ? 0 : this.measureRow(header, widths, headerFaces);
    let headedPage: PDFKit.PDFPage | null = null;
    const drawHeader = (): void => {
      if (header === null) return;
      this.drawRow(header, widths, headerFaces, headerHeight, HEADER_FILL);
      headedPage = this.doc.page;
    };
    if (rows.length === 0) {
      this.ensure(headerHeight);
      drawHeader();
    }
    for (const row of rows) {
      if (row.length !== widths.length) throw new RangeError(`row has ${row.length} cells, expected ${widths.length}: ${JSON.stringify(row)}`);
      const height = this.measureRow(row, widths, faces);
      if (headerHeight + height > this.bodyHeight) {
        this.stackedRow(header, row, faces);
        headedPage = null;
        continue;
      }
      if (this.doc.page !== headedPage || height > this.room()) {
        this.ensure(headerHeight + height);
        drawHeader();
      }
      this.drawRow(row, widths, faces, height, null);
    }
    this.doc.y += GAP;
  }

  private measureRow(cells: readonly string[], widths: readonly number[], faces: readonly Face[]): number {
    let height = 0;
    cells.forEach((cell, i) => {
      this.face(faces[i] ?? 'regular', BODY);
      height = Math.max(height, this.heightOf(cell, (widths[i] ?? 0) - 2 * PAD.x));
    });
    return height + 2 * PAD.y;
  }

  /** Draws a row known to fit; `height: Infinity` stops pdfkit from breaking the page mid-row. */
  private drawRow(cells: readonly string[], widths: readonly number[], faces: readonly Face[], height: number, fill: string | null): void {
    const top = this.doc.y;
    if (fill !== null) this.doc.rect(this.left, top, this.width, height).fill(fill);
    let x = this.left;
    cells.forEach((cell, i) => {
      const width = widths[i] ?? 0;
      this.face(faces[i] ?? 'regular', BODY).text(drawable(this.doc, cell), x + PAD.x, top + PAD.y, { width: width - 2 * PAD.x, lineGap: LINE_GAP, height: Infinity });
      x += width;
    });
    this.doc.lineWidth(0.5).strokeColor(GREY).moveTo(this.left, top + height).lineTo(this.left + this.width, top + height).stroke();
    this.doc.x = this.left;
    this.doc.y = top + height;
    this.fresh = false;
  }

  private stackedRow(labels: readonly string[] | null, cells: readonly string[], faces: readonly Face[]): void {
    cells.forEach((cell, i) => {
      const label = labels?.[i];
      if (label !== undefined) {
        this.face('bold', BODY);
        this.flow(label, this.left, this.width);
      }
      this.face(faces[i] ?? 'regular', BODY);
      this.flow(cell, this.left, this.width);
      this.doc.y += GAP / 2;
    });
    this.rule();
  }

  private async barcode(value: string, caption?: string): Promise<void> {
    const png = await code128Png(value);
    // PNG IHDR: width and height are the big-endian words at bytes 16 and 20.
    const [pxWidth, pxHeight] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const width = Math.min(pxWidth / DEFAULT_BARCODE_SCALE, this.width);
    const height = (pxHeight * width) / pxWidth;
    this.face('regular', BODY);
    const captionHeight = caption === undefined ? 0 : this.heightOf(caption, width);
    this.ensure(height + captionHeight);
    const top = this.doc.y;
    this.doc.image(png, this.left, top, { width, height });
    this.doc.y = top + height;
    this.fresh = false;
    if (caption !== undefined) this.flow(caption, this.left, width, 'center');
    this.doc.y += GAP;
  }

  private image(prepared: PreparedImage): void {
    const opened = pdfkitInternals.openImage(this.doc, prepared.data);
    const turned = (opened.orientation ?? 1) > 4;
    const [w, h] = turned ? [opened.height, opened.width] : [opened.width, opened.height];
    const scale = Math.min(1, this.width / w, this.bodyHeight / h);
    const [width, height] = [w * scale, h * scale];
    this.ensure(height);
    const top = this.doc.y;
    this.doc.image(opened as unknown as Buffer, this.left, top, { width, height });
    this.doc.x = this.left;
    this.doc.y = top + height + GAP;
    this.fresh = false;
  }

  private rule(): void {
    this.ensure(GAP * 2);
    const y = this.doc.y + GAP / 2;
    this.doc.lineWidth(0.5).strokeColor(GREY).moveTo(this.left, y).lineTo(this.left + this.width, y).stroke();
    this.doc.y = y + GAP;
    this.fresh = false;
  }
}
