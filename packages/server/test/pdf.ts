import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { PNG } from 'pngjs';

/**
 * Reads PDFs and barcodes back the way a reader or a scanner would, so tests check what
 * came out rather than what the renderer meant to draw.
 */

type PdfDocument = Awaited<ReturnType<typeof getDocument>['promise']>;

async function withPdf<T>(bytes: Buffer, use: (pdf: PdfDocument) => Promise<T>): Promise<T> {
  // pdf.js takes ownership of (detaches) the array it is given, so hand it a copy.
  const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, verbosity: 0 });
  const pdf = await task.promise;
  try {
    return await use(pdf);
  } finally {
    await task.destroy();
  }
}

/** Each page's text, in content order: items run together, with a newline wherever pdf.js saw a line end. */
export async function pdfPages(bytes: Buffer): Promise<string[]> {
  return withPdf(bytes, async (pdf) => {
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      // Marked-content items carry no text; pdf.js already inserts ' ' items for visual gaps.
      const items = content.items.filter((item): item is TextItem => 'str' in item);
      pages.push(items.map((item) => item.str + (item.hasEOL ? '\n' : '')).join(''));
      page.cleanup();
    }
    return pages;
  });
}

/** The document information dictionary (Title, Author, Subject, CreationDate as a PDF date string…). */
export async function pdfInfo(bytes: Buffer): Promise<Record<string, unknown>> {
  return withPdf(bytes, async (pdf) => {
    const { info } = await pdf.getMetadata();
    return { ...(info as Record<string, unknown>) };
  });
}

/** Decodes a PNG holding one Code 128 symbol; throws (zxing's NotFoundException) if nothing scans. */
export function decodeCode128(png: Buffer): string {
  const { width, height, data } = PNG.sync.read(png);
  const luminance = new Uint8ClampedArray(width * height);
  for (let i = 0; i < luminance.length; i++) {
    const [r = 0, g = 0, b = 0, a = 255] = data.subarray(i * 4, i * 4 + 4);
    // Composite over white, as paper would: a transparent pixel must not read as a black bar.
    const grey = (r * 299 + g * 587 + b * 114) / 1000;
    luminance[i] = Math.round((grey * a + 255 * (255 - a)) / 255);
  }
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height)));
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]],
    [DecodeHintType.TRY_HARDER, true],
  ]);
  const result = reader.decode(bitmap, hints);
  if (result.getBarcodeFormat() !== BarcodeFormat.CODE_128) throw new Error(`expected Code 128, read ${BarcodeFormat[result.getBarcodeFormat()]}`);
  return result.getText();
}

/** Each page's size in points (72 to the inch), as a printer would read it: [width, height]. */
export async function pdfPageSizes(bytes: Buffer): Promise<Array<[number, number]>> {
  return withPdf(bytes, async (pdf) => {
    const sizes: Array<[number, number]> = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const { width, height } = (await pdf.getPage(n)).getViewport({ scale: 1 });
      sizes.push([width, height]);
    }
    return sizes;
  });
}

/** The canvas pdf.js makes for itself in Node (@napi-rs/canvas). */
interface NodeCanvas {
  canvas: { toBuffer(type: 'image/png'): Buffer };
  context: unknown;
}

/**
 * Renders one page (1-based) as a PNG, as a scanner would see the printed page, with
 * pdf.js’s own Node canvas. `scale` 3 is 216 dpi.
 */
export async function renderPagePng(bytes: Buffer, pageNumber = 1, scale = 3): Promise<Buffer> {
  return withPdf(bytes, async (pdf) => {
    const page = await pdf.getPage(pageNumber);
    const viewport = page.getViewport({ scale });
    const factory = pdf.canvasFactory as { create(width: number, height: number): NodeCanvas };
    const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    await page.render({ canvasContext: context, canvas, viewport }).promise;
    const png = canvas.toBuffer('image/png');
    page.cleanup();
    return png;
  });
}
