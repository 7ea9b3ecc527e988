import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { DomainError } from '@safekeep/core';

export interface StoredBlob {
  sha256: string;
  size: number;
  /** The first bytes, for sniffing the type from content. */
  head: Buffer;
}

const HEAD_BYTES = 4100;

/**
 * Document content on disk, stored once by SHA-256 (`ab/cd/abcd…`). An upload is first
 * staged: streamed to a temporary file in the same file system and fsynced. It is moved
 * into place (rename, then fsync of the directory) only inside the transaction that
 * records it, just before that commits; a refused upload is discarded at once. So no
 * committed document lacks its file, and a crash leaves at most a file no row points
 * to, which `sweep` removes once it is old enough that no transaction can still want it.
 */
export interface StagedBlob extends StoredBlob {
  tmpPath: string;
}

export class BlobStore {
  constructor(readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async stage(source: Readable | AsyncIterable<Buffer>, maxBytes: number): Promise<StagedBlob> {
    const tmp = join(this.root, 'tmp', `${randomUUID()}.part`);
    const file = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    const headParts: Buffer[] = [];
    let headSize = 0;
    let size = 0;
    try {
      for await (const raw of source) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
        size += chunk.length;
        if (size > maxBytes) {
          throw new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than the ${formatBytes(maxBytes)} this server accepts.`);
        }
        hash.update(chunk);
        if (headSize < HEAD_BYTES) {
          headParts.push(chunk.subarray(0, HEAD_BYTES - headSize));
          headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
        }
        await file.write(chunk);
      }
      await file.sync();
    } catch (e) {
      await file.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await file.close();
    return { sha256: hash.digest('hex'), size, head: Buffer.concat(headParts), tmpPath: tmp };
  }

  /** Moves a staged file into place (or drops it if the same content is already stored). */
  async commit(staged: StagedBlob): Promise<void> {
    const target = this.pathOf(staged.sha256);
    if (await exists(target)) {
      await rm(staged.tmpPath, { force: true });
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    await rename(staged.tmpPath, target);
    await syncDirectory(dirname(target));
  }

  async discard(staged: StagedBlob): Promise<void> {
    await rm(staged.tmpPath, { force: true });
  }

  /** Stage and commit at once, for content already accepted (the demo seed). */
  async put(source: Readable | AsyncIterable<Buffer>, maxBytes: number): Promise<StoredBlob> {
    const staged = await this.stage(source, maxBytes);
    await this.commit(staged);
    return staged;
  }

  open(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }

  /** The whole stored file, checked against its name: content that no longer hashes to it is refused rather than used. */
  async read(sha256: string): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(sha256));
    } catch {
      throw new DomainError('INTERNAL_ERROR', 'A document’s content is missing from the store. This has been logged.');
    }
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new DomainError('INTERNAL_ERROR', 'A document’s content no longer matches its SHA-256. This has been logged.');
    return bytes;
  }

  /** Removes a stored file (a disposal, once no row refers to it). */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  async has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  /**
   * Removes staged files and stored files no document row refers to, once older than
   * `olderThanMs` (an upload still in flight is never that old). Returns what it removed.
   */
  async sweep(isReferenced: (sha256: string) => Promise<boolean>, now: Date, olderThanMs = 3_600_000): Promise<number> {
    let removed = 0;
    const cutoff = now.getTime() - olderThanMs;
    const old = async (path: string) => (await stat(path)).mtimeMs < cutoff;
    for (const name of await readdir(join(this.root, 'tmp'))) {
      const path = join(this.root, 'tmp', name);
      if (await old(path)) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    for (const a of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const b of await readdir(join(this.root, a))) {
        for (const sha of await readdir(join(this.root, a, b))) {
          const path = join(this.root, a, b, sha);
          if (/^[0-9a-f]{64}$/.test(sha) && (await old(path)) && !(await isReferenced(sha))) {
            await rm(path, { force: true });
            removed += 1;
          }
        }
      }
    }
    return removed;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`;
}
