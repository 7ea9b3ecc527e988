import { fileTypeFromBuffer } from 'file-type';

/**
 * The type of a document is read from its content, never taken from the client's
 * filename or Content-Type. Only types a case record plausibly holds are accepted.
 */
const ACCEPTED = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
  'image/bmp',
  'image/heic',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/x-cfb', // legacy Word/Excel (.doc/.xls)
  'application/rtf',
  'audio/mpeg',
  'audio/mp4',
  'audio/wav',
  'audio/x-wav',
  'video/mp4',
  'text/plain',
]);

export interface Sniffed {
  contentType: string;
  accepted: boolean;
}

export async function sniffContentType(head: Buffer): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(head);
  if (found !== undefined) return { contentType: found.mime, accepted: ACCEPTED.has(found.mime) };
  if (looksLikeText(head)) return { contentType: 'text/plain', accepted: true };
  return { contentType: 'application/octet-stream', accepted: false };
}

/** UTF-8 without NUL bytes (allowing a multi-byte character cut off at the end). */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return true;
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return true;
  } catch {
    return false;
  }
}
