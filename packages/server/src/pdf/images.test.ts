import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { greyJpeg } from '../../test/images.js';
import { pdfPages, renderPagePng } from '../../test/pdf.js';
import { ImageRefused, prepareImage } from './images.js';
import { renderPdf } from './pdf-document.js';

/** Images for PDFs: JPEG metadata removed, PNGs checked before pdfkit decodes them, and both drawn. */

function png(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) image.data.set(rgba, i * 4);
  return PNG.sync.write(image);
}

/** A PNG whose chunks are well formed but whose pixel data is not what its header says. */
function pngWithData(width: number, height: number, raw: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('prepareImage', () => {
  it('keeps only what decodes a JPEG, and its orientation', () => {
    const original = greyJpeg({ orientation: 6, secret: 'GPS 51.5007N 0.1246W' });
    const prepared = prepareImage(original);
    expect(prepared).toMatchObject({ kind: 'jpeg', width: 16, height: 8 });
    const out = prepared.data.toString('latin1');
    expect(original.toString('latin1')).toContain('51.5007');
    expect(out).not.toContain('51.5007');
    expect(out).not.toContain('MOTION-PHOTO');
    expect(out).not.toContain('JFIF');
    // Ends at the end-of-image marker, and the one EXIF tag left is the orientation.
    expect(prepared.data.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(out).toContain('Exif');
    expect(prepared.data.length).toBeLessThan(original.length);
    // No orientation to keep: no EXIF at all.
    expect(prepareImage(greyJpeg({ orientation: 1 })).data.toString('latin1')).not.toContain('Exif');
  });

  it('accepts a sound PNG and refuses corrupt, truncated or oversized ones', () => {
    expect(prepareImage(png(3, 2, [200, 0, 0, 128]))).toMatchObject({ kind: 'png', width: 3, height: 2 });
    // Rows must be 1 + 4 × 3 bytes each, starting with a filter type 0–4.
    expect(() => prepareImage(pngWithData(3, 2, Buffer.alloc(26, 9)))).toThrow(ImageRefused);
    expect(() => prepareImage(pngWithData(3, 2, Buffer.alloc(10)))).toThrow(ImageRefused);
    // A few bytes claiming a 60,000 × 60,000 canvas.
    expect(() => prepareImage(pngWithData(60_000, 60_000, Buffer.alloc(10)))).toThrow(ImageRefused);
    const good = png(3, 2, [0, 0, 0, 255]);
    expect(() => prepareImage(good.subarray(0, good.length - 20))).toThrow(ImageRefused);
    expect(() => prepareImage(Buffer.from('GIF89a'))).toThrow(ImageRefused);
    expect(() => prepareImage(greyJpeg().subarray(0, 40))).toThrow(ImageRefused);
  });

  it('draws both in a PDF, scaled to the page, and a reader decodes them', async () => {
    const { bytes, pages } = await renderPdf({
      title: 'Images',
      createdAt: new Date('2026-06-15T10:00:00Z'),
      blocks: [
        { type: 'paragraph', text: 'A red band and a grey one follow.' },
        { type: 'image', image: prepareImage(png(400, 3000, [220, 0, 0, 255])) },
        { type: 'image', image: prepareImage(greyJpeg({ blocks: 4 })) },
      ],
    });
    // The tall red band fits no page under the paragraph: it fills page 2, scaled down to one page's height; the grey one follows.
    expect(pages).toBe(3);
    // Three image objects: the PNG, its alpha channel (a soft mask), the JPEG.
    expect(bytes.toString('latin1').match(/\/Subtype \/Image/g)?.length).toBe(3);
    expect(bytes.toString('latin1')).not.toContain('51.5007');
    expect((await pdfPages(bytes))[0]).toContain('A red band');
    const page2 = PNG.sync.read(await renderPagePng(bytes, 2, 1));
    const at = (x: number, y: number) => Array.from(page2.data.subarray((y * page2.width + x) * 4, (y * page2.width + x) * 4 + 3));
    // 400 × 3000 px scaled to the page's height is about 100 pt wide, from the left margin (50 pt); beside it, white paper.
    expect(at(90, Math.round(page2.height / 3))).toEqual([220, 0, 0]);
    expect(at(300, Math.round(page2.height / 3))).toEqual([255, 255, 255]);
    // The cleaned JPEG still decodes: flat mid-grey, 32 × 8 pt at the top left of page 3.
    const page3 = PNG.sync.read(await renderPagePng(bytes, 3, 1));
    const [r = 0, g = 0, b = 0] = page3.data.subarray((54 * page3.width + 60) * 4, (54 * page3.width + 60) * 4 + 3);
    expect([r, g, b].every((v) => Math.abs(v - 128) <= 2)).toBe(true);
  });
});
