/**
 * Small image files built byte by byte for tests: a baseline JPEG that real decoders
 * (pdf.js) read, carrying the metadata a phone would add, so tests can check none of
 * it reaches a PDF.
 */

function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(marker, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** EXIF with Orientation (and a GPS note in an ImageDescription the way a camera app might leave one). */
function exif(orientation: number, secret: string): Buffer {
  const description = Buffer.from(`${secret}\0`, 'latin1');
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(2, 8);
  // 0x010e ImageDescription, ASCII, pointing past the IFD.
  tiff.writeUInt16BE(0x010e, 10);
  tiff.writeUInt16BE(2, 12);
  tiff.writeUInt32BE(description.length, 14);
  tiff.writeUInt32BE(tiff.length, 18);
  // 0x0112 Orientation, SHORT.
  tiff.writeUInt16BE(0x0112, 22);
  tiff.writeUInt16BE(3, 24);
  tiff.writeUInt32BE(1, 26);
  tiff.writeUInt16BE(orientation, 30);
  tiff.writeUInt32BE(0, 34);
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, description]);
}

/**
 * A flat grey greyscale JPEG of `blocks` 8×8 blocks side by side (baseline, one Huffman
 * code each for "DC difference 0" and "end of block"), with EXIF (orientation and
 * `secret`), a comment and bytes after its end marker, as a motion photo has.
 */
export function greyJpeg(opts: { blocks?: number; orientation?: number; secret?: string } = {}): Buffer {
  const blocks = opts.blocks ?? 2;
  const secret = opts.secret ?? 'GPS 51.5007N 0.1246W';
  const dqt = Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([8, 0, 8, 0, 0, 1, 1, 0x11, 0]);
  sof.writeUInt16BE(8 * blocks, 3);
  // One code of length 1 for symbol 0: DC category 0 (table class 0) and EOB (class 1).
  const dht = (cls: number) => Buffer.concat([Buffer.from([cls << 4]), Buffer.from([1, ...new Array<number>(15).fill(0)]), Buffer.from([0])]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);
  // Each block is "0" (DC 0) then "0" (EOB): two bits, padded with 1s to a byte.
  const bits = '00'.repeat(blocks).padEnd(Math.ceil((2 * blocks) / 8) * 8, '1');
  const scan = Buffer.from(bits.match(/.{8}/g)?.map((b) => parseInt(b, 2)) ?? []);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xffe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xffe1, exif(opts.orientation ?? 1, secret)),
    segment(0xfffe, Buffer.from(`Comment: ${secret}`, 'latin1')),
    segment(0xffdb, dqt),
    segment(0xffc0, sof),
    segment(0xffc4, dht(0)),
    segment(0xffc4, dht(1)),
    segment(0xffda, sos),
    scan,
    Buffer.from([0xff, 0xd9]),
    Buffer.from(`MOTION-PHOTO-VIDEO ${secret}`, 'latin1'),
  ]);
}
