import { describe, expect, it } from 'vitest';
import { decodeCode128, pdfInfo, pdfPages } from '../../test/pdf.js';
import { code128Png } from './barcode.js';
import { renderPdf, type Block, type PdfSpec } from './pdf-document.js';

const createdAt = new Date('2026-03-01T09:30:00Z');
const render = (blocks: Iterable<Block> | AsyncIterable<Block>, extra: Partial<PdfSpec> = {}) => renderPdf({ title: 'Test document', createdAt, blocks, ...extra });
/** Text with the layout's line breaks folded away, for checking that wrapped text all came out. */
const flat = (text: string) => text.replace(/\s+/g, ' ');
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('renderPdf', () => {
  it('puts the text of every block type into the PDF, names outside Latin-1 included', async () => {
    const blocks: Block[] = [
      { type: 'heading', text: 'Certificate of destruction — Łukasz Wójcik' },
      { type: 'heading', text: 'Records for Zoë', level: 2 },
      { type: 'heading', text: 'Details for Siân', level: 3 },
      { type: 'paragraph', text: 'It’s confirmed that the records of Łukasz, Zoë and Siân were destroyed.' },
      { type: 'paragraph', text: 'Printed by Dŵr Cymru Ltd', style: 'small' },
      { type: 'paragraph', text: 'DO NOT DESTROY', style: 'warning' },
      { type: 'fields', rows: [['Child', 'Siân Ó Briain'], ['Reason', 'Retention period ended. '.repeat(12).trim()]] },
      { type: 'rule' },
      { type: 'table', columns: ['Carer', 'Town'], rows: [['Grzegorz Brzęczyszczykiewicz', 'Ynys Môn']] },
      { type: 'barcode', value: 'BOX-000123', caption: 'Box BOX-000123' },
      { type: 'page-break' },
      { type: 'paragraph', text: 'Second page: Ævar Þór, Σωκράτης, Дмитрий, 中文' },
    ];
    const { bytes, pages } = await render(blocks, { header: 'Safekeep — Zoë’s record', footer: 'Łódź office' });
    const text = await pdfPages(bytes);
    expect(pages).toBe(2);
    expect(text).toHaveLength(2);
    const first = flat(text[0] ?? '');
    for (const expected of [
      'Certificate of destruction — Łukasz Wójcik', 'Records for Zoë', 'Details for Siân',
      'It’s confirmed that the records of Łukasz, Zoë and Siân were destroyed.', 'Printed by Dŵr Cymru Ltd', 'DO NOT DESTROY',
      'Child', 'Siân Ó Briain', 'Reason', 'Retention period ended. '.repeat(12).trim(),
      'Carer', 'Town', 'Grzegorz Brzęczyszczykiewicz', 'Ynys Môn', 'Box BOX-000123',
      'Safekeep — Zoë’s record', 'Łódź office',
    ]) expect(first).toContain(expected);
    expect(first).not.toContain('Second page');
    // DejaVu has no CJK: rather than an empty box (copied out as U+0000), the code points are printed.
    expect(flat(text[1] ?? '')).toContain('Second page: Ævar Þór, Σωκράτης, Дмитрий, [U+4E2D][U+6587]');
    expect(bytes.includes('/Subtype /Image')).toBe(true);
  });

  it('ignores a page break on a page with nothing on it yet, so none is left blank', async () => {
    const { bytes, pages } = await render([{ type: 'page-break' }, { type: 'heading', text: 'One' }, { type: 'page-break' }, { type: 'page-break' }, { type: 'heading', text: 'Two' }]);
    expect(pages).toBe(2);
    expect((await pdfPages(bytes)).map((page) => page.split('\n')[0])).toEqual(['One', 'Two']);
  });

  it('repeats a long table’s header on every page and keeps every row, in order, once', async () => {
    const rows = Array.from({ length: 160 }, (_, i) => [`R${String(i).padStart(3, '0')}`, i % 7 === 0 ? 'A longer note that wraps onto a second line of its cell. '.repeat(3) : `Note ${i}`, 'Siân']);
    const { bytes, pages } = await render([{ type: 'heading', text: 'Chronology' }, { type: 'table', columns: ['Ref', 'What happened', 'Who'], widths: [1, 4, 1.5], rows }]);
    const text = await pdfPages(bytes);
    expect(pages).toBeGreaterThan(2);
    expect(text).toHaveLength(pages);
    for (const page of text) {
      expect(count(page, 'Ref What happened Who')).toBe(1);
      expect(page).toMatch(/R\d{3}/); // no page is only a header
    }
    expect(text[1]?.startsWith('Ref What happened Who\n')).toBe(true);
    const seen = text.join('\n').match(/R\d{3}/g);
    expect(seen).toEqual(rows.map((row) => row[0]));
  });

  it('prints a row too tall for any page in full rather than cutting it', async () => {
    const long = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    const { bytes, pages } = await render([
      { type: 'table', columns: ['Ref', 'Note'], rows: [['R1', 'short'], ['R2', long], ['R3', 'after']] },
      { type: 'fields', rows: [['Statement', long]] },
    ], { pageNumbers: false }); // so that joining the pages' text rejoins the paragraph
    const text = flat((await pdfPages(bytes)).join(' '));
    expect(pages).toBeGreaterThan(2);
    expect(count(text, long)).toBe(2);
    expect(text).toContain('R3 after');
  });

  it('refuses a table row whose cell count does not match the columns', async () => {
    await expect(render([{ type: 'table', columns: ['A', 'B'], rows: [['1', '2', '3']] }])).rejects.toThrow(RangeError);
    await expect(render([{ type: 'table', columns: ['A', 'B'], rows: [['1']] }])).rejects.toThrow(RangeError);
    await expect(render([{ type: 'table', columns: ['A', 'B'], widths: [1], rows: [] }])).rejects.toThrow(RangeError);
  });

  it('footers every page "Page n of m" with the true page count, under the header and footer lines', async () => {
    const blocks = Array.from({ length: 300 }, (_, i): Block => ({ type: 'paragraph', text: `Paragraph ${i} about the child’s week at school and at home.` }));
    const footer = `SAR-2026-0012 ${'long footer '.repeat(40)}`;
    const { bytes, pages } = await render(blocks, { header: 'Subject access disclosure', footer });
    const text = await pdfPages(bytes);
    expect(pages).toBeGreaterThan(3);
    expect(text).toHaveLength(pages);
    text.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${pages}`);
      expect(page).toContain('Subject access disclosure');
      expect(page).toMatch(/\nSAR-2026-0012 (long footer )+long footer… Page \d+ of \d+$/); // cut to one line, not wrapped onto a new page
    });
    expect(text.join('\n')).not.toContain(`of ${pages + 1}`);
  });

  it('can leave page numbers off, e.g. for a single box label', async () => {
    const { bytes } = await render([{ type: 'paragraph', text: 'DO NOT DESTROY', style: 'warning' }], { size: [288, 432], pageNumbers: false });
    expect(await pdfPages(bytes)).toEqual(['DO NOT DESTROY']);
  });

  it('sets the title, author, subject and creation date', async () => {
    const { bytes } = await render([{ type: 'paragraph', text: 'x' }], { title: 'Destruction certificate for Zoë', author: 'Safekeep records team', subject: 'Retention' });
    expect(await pdfInfo(bytes)).toMatchObject({ Title: 'Destruction certificate for Zoë', Author: 'Safekeep records team', Subject: 'Retention', CreationDate: 'D:20260301093000Z' });
  });

  it('is byte-for-byte reproducible for the same spec and createdAt', async () => {
    const blocks = (): Block[] => [
      { type: 'heading', text: 'Box label' },
      { type: 'barcode', value: 'BOX-000123', caption: 'BOX-000123' },
      { type: 'table', columns: ['A', 'B'], rows: [['Łukasz', 'Zoë']] },
    ];
    const a = await render(blocks(), { footer: 'f' });
    const b = await render(blocks(), { footer: 'f' });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const later = await render(blocks(), { footer: 'f', createdAt: new Date('2026-03-02T09:30:00Z') });
    expect(later.bytes.equals(a.bytes)).toBe(false);
  });

  it('renders an AsyncIterable of 2,000 blocks', async () => {
    let pulled = 0;
    async function* entries(): AsyncGenerator<Block> {
      for (let i = 0; i < 500; i++) {
        await Promise.resolve();
        pulled++;
        yield { type: 'heading', text: `Entry ${i + 1}`, level: 2 };
        yield { type: 'fields', rows: [['Recorded by', 'Siân Evans']] };
        yield { type: 'paragraph', text: `Visit ${i + 1}: the child was seen alone and said she felt safe.` };
        yield { type: 'rule' };
      }
    }
    const { bytes, pages } = await render(entries());
    expect(pulled).toBe(500);
    const text = await pdfPages(bytes);
    expect(text).toHaveLength(pages);
    expect(pages).toBeGreaterThan(20);
    const all = text.join('\n');
    expect(all).toContain('Entry 1\n');
    expect(all).toContain('Visit 500: the child was seen alone and said she felt safe.');
    expect(all.match(/Entry \d+\n/g)).toHaveLength(500);
  });
});

describe('code128Png', () => {
  it.each(['BOX-000123', 'A1b2 C3-/.', '0', '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./', 'X'.repeat(48)])('scans back as %s', async (value) => {
    expect(decodeCode128(await code128Png(value))).toBe(value);
  });

  it.each([
    ['empty', ''],
    ['too long', 'X'.repeat(49)],
    ['non-ASCII', 'Zoë'],
    ['a control character', 'BOX\t1'],
    ['DEL', 'BOX\x7f'],
  ])('refuses a value that is %s', async (_why, value) => {
    await expect(code128Png(value)).rejects.toThrow(RangeError);
    await expect(render([{ type: 'barcode', value }])).rejects.toThrow(/Code 128 value must be/);
  });
});
