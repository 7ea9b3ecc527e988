import { inflateSync } from 'node:zlib';

/**
 * Photographs and scans as they may be placed in a PDF (a disclosure bundle shows a
 * document that is an image). Two things are checked or changed first, because pdfkit
 * takes an image as it comes:
 *
 * - A JPEG is embedded byte for byte (DCTDecode), so whatever else the file holds would
 *   go out with it: EXIF (where and when a photo was taken, the device, a thumbnail of
 *   the picture before it was cropped), XMP, IPTC, comments, and anything after the end
 *   of the image (a phone's "motion photo" video). Only the segments that decode the
 *   picture are kept, with the orientation written back so it still shows upright.
 * - A PNG with transparency or interlacing is decoded by pdfkit in a zlib callback, where
 *   corrupt data would throw outside any caller (and a small file can claim a huge
 *   canvas). Its pixel data is inflated and its rows checked here first, within a size.
 *
 * Anything else, or anything malformed, is refused (`ImageRefused`): the caller lists
 * the document instead of drawing it.
 */

export class ImageRefused extends Error {}

declare const prepared: unique symbol;

/** An image checked (PNG) or cleaned (JPEG) by `prepareImage`: the only kind a PDF image block takes. */
export interface PreparedImage {
  readonly [prepared]: true;
  readonly kind: 'png' | 'jpeg';
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** pdfkit decodes a PNG with transparency in memory, 4 bytes a pixel and more. */
const MAX_PNG_PIXELS = 40_000_000;
/** A JPEG is decoded by the reader, not here; this only refuses absurd sizes. */
const MAX_JPEG_PIXELS = 150_000_000;

export function prepareImage(bytes: Buffer): PreparedImage {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return checkPng(bytes);
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return cleanJpeg(bytes);
  throw new ImageRefused('not a PNG or JPEG image');
}

function made(kind: 'png' | 'jpeg', data: Buffer, width: number, height: number): PreparedImage {
  return { kind, data, width, height } as PreparedImage;
}

// PNG ---------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Bit depths allowed for each colour type, and its channels (PNG spec 11.2.2). */
const PNG_TYPES: Record<number, { depths: number[]; channels: number }> = {
  0: { depths: [1, 2, 4, 8, 16], channels: 1 },
  2: { depths: [8, 16], channels: 3 },
  3: { depths: [1, 2, 4, 8], channels: 1 },
  4: { depths: [8, 16], channels: 2 },
  6: { depths: [8, 16], channels: 4 },
};
/** Adam7 passes: first column and row, then the step in each. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function checkPng(bytes: Buffer): PreparedImage {
  let pos = 8;
  let header: { width: number; height: number; depth: number; type: number; interlace: number } | null = null;
  let palette = false;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos + 12 <= bytes.length && !ended) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const data = pos + 8 + length + 4 <= bytes.length ? bytes.subarray(pos + 8, pos + 8 + length) : null;
    if (data === null) throw new ImageRefused('PNG chunk runs past the end of the file');
    if (header === null && type !== 'IHDR') throw new ImageRefused('PNG does not start with its header');
    if (type === 'IHDR') {
      if (length !== 13) throw new ImageRefused('PNG header is malformed');
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8] ?? 0, type: data[9] ?? 0, interlace: data[12] ?? 0 };
      if (data[10] !== 0 || data[11] !== 0 || header.interlace > 1) throw new ImageRefused('PNG uses an unknown compression, filter or interlace method');
    } else if (type === 'PLTE') palette = true;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    pos += 12 + length;
  }
  if (header === null || !ended || idat.length === 0) throw new ImageRefused('PNG is incomplete');
  const { width, height, depth, type, interlace } = header;
  const kind = PNG_TYPES[type];
  if (kind === undefined || !kind.depths.includes(depth)) throw new ImageRefused('PNG has an invalid colour type or bit depth');
  if (type === 3 && !palette) throw new ImageRefused('PNG palette is missing');
  if (width === 0 || height === 0 || width * height > MAX_PNG_PIXELS) throw new ImageRefused(`PNG is ${width}×${height} pixels: too large to draw`);

  const bitsPerPixel = kind.channels * depth;
  const rowBytes = (w: number) => Math.ceil((w * bitsPerPixel) / 8);
  const passes: Array<[w: number, h: number]> =
    interlace === 0 ? [[width, height]] : ADAM7.map(([x0, y0, dx, dy]) => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)] as [number, number]).filter(([w, h]) => w > 0 && h > 0);
  const expected = passes.reduce((n, [w, h]) => n + h * (1 + rowBytes(w)), 0);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected });
  } catch {
    throw new ImageRefused('PNG image data is corrupt or larger than its header says');
  }
  if (raw.length !== expected) throw new ImageRefused('PNG image data is shorter than its header says');
  let at = 0;
  for (const [w, h] of passes) {
    for (let row = 0; row < h; row++) {
      if ((raw[at] ?? 255) > 4) throw new ImageRefused('PNG row has an unknown filter');
      at += 1 + rowBytes(w);
    }
  }
  return made('png', bytes, width, height);
}

// JPEG --------------------------------------------------------------------------------

/** Start-of-frame markers (pdfkit reads the size and components from one of these). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Kept: everything that decodes the picture. Dropped: APP0–APP15 except Adobe's APP14 (colour transform), and comments. */
function keepSegment(marker: number): boolean {
  if (marker === 0xee) return true;
  return !(marker >= 0xe0 && marker <= 0xef) && marker !== 0xfe;
}

function cleanJpeg(bytes: Buffer): PreparedImage {
  const out: Buffer[] = [Buffer.from([0xff, 0xd8])];
  let orientation = 1;
  let size: { width: number; height: number; components: number } | null = null;
  let pos = 2;
  let inScan = false;
  for (;;) {
    if (inScan) {
      // Entropy-coded data: 0xFF is followed by 0x00 (a stuffed byte), a restart marker, fill, or the next marker.
      const start = pos;
      while (pos + 1 < bytes.length && !(bytes[pos] === 0xff && bytes[pos + 1] !== 0x00 && !((bytes[pos + 1] ?? 0) >= 0xd0 && (bytes[pos + 1] ?? 0) <= 0xd7) && bytes[pos + 1] !== 0xff)) pos++;
      if (pos + 1 >= bytes.length) throw new ImageRefused('JPEG has no end of image');
      out.push(bytes.subarray(start, pos));
    }
    if (bytes[pos] !== 0xff) throw new ImageRefused('JPEG segment does not start with a marker');
    while (bytes[pos + 1] === 0xff) pos++; // fill bytes
    const marker = bytes[pos + 1] ?? 0;
    if (marker === 0xd9) break; // end of image: anything after it is not part of the picture
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      out.push(bytes.subarray(pos, pos + 2));
      pos += 2;
      continue;
    }
    if (pos + 4 > bytes.length) throw new ImageRefused('JPEG is truncated');
    const length = bytes.readUInt16BE(pos + 2);
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) throw new ImageRefused('JPEG segment runs past the end of the file');
    const body = bytes.subarray(pos + 4, end);
    if (marker === 0xe1) orientation = exifOrientation(body) ?? orientation;
    if (SOF.has(marker)) {
      if (body.length < 6) throw new ImageRefused('JPEG frame header is malformed');
      size = { height: body.readUInt16BE(1), width: body.readUInt16BE(3), components: body[5] ?? 0 };
    }
    if (marker === 0xda && size === null) throw new ImageRefused('JPEG scan before its frame header');
    if (keepSegment(marker)) out.push(bytes.subarray(pos, end));
    pos = end;
    inScan = marker === 0xda;
  }
  if (size === null) throw new ImageRefused('JPEG has no frame header');
  if (![1, 3, 4].includes(size.components)) throw new ImageRefused('JPEG has an unsupported number of colour components');
  if (size.width === 0 || size.height === 0 || size.width * size.height > MAX_JPEG_PIXELS) throw new ImageRefused(`JPEG is ${size.width}×${size.height} pixels: too large to draw`);
  out.push(Buffer.from([0xff, 0xd9]));
  // Only the orientation goes back in, as the one tag of a minimal EXIF block (pdfkit reads it from there).
  if (orientation !== 1) out.splice(1, 0, orientationSegment(orientation));
  return made('jpeg', Buffer.concat(out), size.width, size.height);
}

/** The EXIF orientation (1–8) in an APP1 body, or null. */
function exifOrientation(body: Buffer): number | null {
  if (body.length < 14 || body.toString('latin1', 0, 6) !== 'Exif\x00\x00') return null;
  const tiff = body.subarray(6);
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const u16 = (o: number) => (order === 'II' ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (order === 'II' ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

/** APP1 holding EXIF with one tag, Orientation (0x0112, SHORT), big-endian. */
function orientationSegment(orientation: number): Buffer {
  const b = Buffer.alloc(36);
  b.writeUInt16BE(0xffe1, 0);
  b.writeUInt16BE(34, 2); // length, including these two bytes
  b.write('Exif\x00\x00', 4, 'latin1');
  b.write('MM', 10, 'latin1');
  b.writeUInt16BE(42, 12);
  b.writeUInt32BE(8, 14); // first IFD right after the TIFF header
  b.writeUInt16BE(1, 18); // one entry
  b.writeUInt16BE(0x0112, 20);
  b.writeUInt16BE(3, 22); // SHORT
  b.writeUInt32BE(1, 24);
  b.writeUInt16BE(orientation, 28);
  b.writeUInt32BE(0, 32); // no next IFD
  return b;
}
