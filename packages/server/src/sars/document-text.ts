import type { DocumentDisclosure } from '../db/schema-sars.js';
import type { BlobStore } from '../documents/blob-store.js';

/**
 * How each document in a request is reviewed and disclosed, and the text of those that
 * are text. A text document (its type sniffed from its content at upload) up to
 * TEXT_REVIEW_MAX_BYTES is read, proposed for redaction like an entry's text and
 * printed in the bundle with its accepted redactions removed; a PNG or JPEG is shown in
 * the bundle as it is; anything else (PDF, office files, audio, other images, a larger
 * text) is disclosed whole beside the bundle, named there by its SHA-256. Any document
 * may instead be withheld, on an exemption.
 */

/** 1 MiB of text is some 250 pages of the bundle. */
export const TEXT_REVIEW_MAX_BYTES = 1 << 20;

export type DocumentForm = Exclude<DocumentDisclosure, 'withheld'>;

export function documentForm(doc: { content_type: string; size: number | string }): DocumentForm {
  if (doc.content_type.startsWith('text/') && Number(doc.size) <= TEXT_REVIEW_MAX_BYTES) return 'text';
  if (doc.content_type === 'image/png' || doc.content_type === 'image/jpeg') return 'image';
  return 'separately';
}

export type BlobReader = Pick<BlobStore, 'read'>;

/**
 * Texts by SHA-256 (content never changes under its hash), most recently used kept, so
 * paging through a request's items or deciding in batches reads each file once.
 */
const MAX_CACHED_CHARS = 16 << 20;
const texts = new Map<string, string>();
let cachedChars = 0;

/** The document's text: UTF-8 (its type was sniffed as such), any invalid byte read as U+FFFD, a byte-order mark dropped. */
export async function documentText(blobs: BlobReader, sha256: string): Promise<string> {
  const hit = texts.get(sha256);
  if (hit !== undefined) {
    texts.delete(sha256);
    texts.set(sha256, hit);
    return hit;
  }
  const text = new TextDecoder('utf-8').decode(await blobs.read(sha256));
  texts.set(sha256, text);
  cachedChars += text.length;
  for (const [key, value] of texts) {
    if (cachedChars <= MAX_CACHED_CHARS || key === sha256) break;
    texts.delete(key);
    cachedChars -= value.length;
  }
  return text;
}
