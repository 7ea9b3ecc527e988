import bwipjs from 'bwip-js';

export interface Code128Options {
  /** Pixels per module (narrowest bar). 3 prints crisply at 1 pt per module (216 dpi). */
  scale?: number;
  /** Bar height in millimetres. */
  heightMm?: number;
  /** Print the value under the bars as pixels. Off by default: the PDF layout prints an extractable caption instead. */
  includeText?: boolean;
}

/** Quiet zone each side, in modules: ISO/IEC 15417 asks for at least 10, and scanners fail without it. */
export const QUIET_ZONE_MODULES = 10;
export const DEFAULT_BARCODE_SCALE = 3;
const MAX_LENGTH = 48;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * Refuses what a Code 128 label cannot carry faithfully. Code 128 can encode control
 * characters and Latin-1 too, but few scanners hand those back intact, and a box label
 * that scans as something else is worse than no label. 48 characters keeps the symbol
 * narrow enough to print at a scannable size on A4 or a 4×6 in label.
 */
export function assertCode128Value(value: string): void {
  if (value.length < 1 || value.length > MAX_LENGTH) {
    throw new RangeError(`Code 128 value must be 1–${MAX_LENGTH} characters, got ${value.length}`);
  }
  if (!PRINTABLE_ASCII.test(value)) {
    const bad = [...value].find((c) => !PRINTABLE_ASCII.test(c)) ?? '';
    const code = bad.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '?';
    throw new RangeError(`Code 128 value must be printable ASCII (0x20–0x7E); U+${code} is not`);
  }
}

/** A Code 128 barcode as an opaque PNG (white background and quiet zone, so it scans wherever it is placed). */
export async function code128Png(value: string, opts: Code128Options = {}): Promise<Buffer> {
  assertCode128Value(value);
  return bwipjs.toBuffer({
    bcid: 'code128',
    text: value,
    // parse/parsefnc stay off so '^' and friends are encoded literally, never as escapes.
    scale: opts.scale ?? DEFAULT_BARCODE_SCALE,
    height: opts.heightMm ?? 15,
    includetext: opts.includeText ?? false,
    textxalign: 'center',
    paddingwidth: QUIET_ZONE_MODULES,
    paddingheight: 2,
    backgroundcolor: 'FFFFFF',
  });
}
