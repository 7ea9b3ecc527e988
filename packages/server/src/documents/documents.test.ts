import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, multipart, teamWithStaff } from '../../test/builders.js';
import { startHarness, type Harness, type TestUser } from '../../test/harness.js';

let h: Harness;
let worker: TestUser;
let child: { id: string };
const LIMIT = 256 * 1024;

beforeAll(async () => {
  h = await startHarness({ limits: { jsonBodyBytes: 1024 * 1024, uploadBytes: LIMIT } });
  ({ worker } = await teamWithStaff(h));
  child = await createChild(h, worker);
});
afterAll(async () => h.close());

const meta = (overrides: Record<string, unknown> = {}) => JSON.stringify({ kind: 'assessment', title: 'Assessment report', occurredAt: '2026-06-10T09:00:00Z', ...overrides });
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n'), randomBytes(size)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const upload = async (parts: Parameters<typeof multipart>[0], user: TestUser = worker, headers: Record<string, string> = {}) => {
  const body = await multipart(parts);
  return h.request<Record<string, unknown>>('POST', `/api/v1/children/${child.id}/documents`, { user, payload: body.payload, headers: { ...body.headers, ...headers } });
};
const tmpFiles = async () => readdir(join(h.blobDir, 'tmp'));
/** Every file in the store, staged or stored. */
const allFiles = async () => (await readdir(h.blobDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name)).sort();

describe('documents', () => {
  it('streams an upload to disk under its SHA-256, sniffs the type and downloads it byte for byte', async () => {
    const bytes = pdf(200_000);
    const res = await upload({ meta: meta(), file: { bytes, filename: '../../etc/assessment.exe' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'assessment', version: 1, sha256: sha(bytes), size: bytes.length, contentType: 'application/pdf' });
    const stored = join(h.blobDir, sha(bytes).slice(0, 2), sha(bytes).slice(2, 4), sha(bytes));
    expect((await readFile(stored)).equals(bytes)).toBe(true);
    expect(await tmpFiles()).toEqual([]);

    const download = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${String(res.body['documentId'])}/content`, headers: { authorization: `Bearer ${worker.token}` } });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(bytes)).toBe(true);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toContain('filename="assessment.exe"');
    expect(download.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha(bytes), 'hex').toString('base64')}:`);

    const entry = await h.request<{ documents: Array<{ id: string }> }>('GET', `/api/v1/entries/${String(res.body['id'])}`, { user: worker });
    expect(entry.body.documents.map((d) => d.id)).toEqual([res.body['documentId']]);
  });

  it('stores identical content once', async () => {
    const bytes = pdf(1000);
    const a = await upload({ meta: meta({ title: 'First copy' }), file: { bytes, filename: 'a.pdf' } });
    const b = await upload({ meta: meta({ title: 'Second copy' }), file: { bytes, filename: 'b.pdf' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body['documentId']).not.toBe(b.body['documentId']);
    const blobs = await h.db.selectFrom('blob').selectAll().where('sha256', '=', sha(bytes)).execute();
    expect(blobs).toHaveLength(1);
    expect(await readdir(join(h.blobDir, sha(bytes).slice(0, 2), sha(bytes).slice(2, 4)))).toEqual([sha(bytes)]);
  });

  it('accepts plain text, reading the type from the content, not the name', async () => {
    const res = await upload({ meta: meta({ kind: 'correspondence' }), file: { bytes: Buffer.from('Letter to the school.\nKind regards,\nA. Worker\n'), filename: 'letter.pdf' } });
    expect(res.status).toBe(201);
    expect(res.body['contentType']).toBe('text/plain');
  });

  it('refuses a file over the limit with 413, leaving nothing behind', async () => {
    const before = await h.db.selectFrom('document').select('id').execute();
    const res = await upload({ meta: meta(), file: { bytes: pdf(LIMIT + 10), filename: 'big.pdf' } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await h.db.selectFrom('document').select('id').execute()).toHaveLength(before.length);
    expect(await tmpFiles()).toEqual([]);
  });

  it('leaves no file behind when an upload is refused, whatever the reason', async () => {
    const before = await allFiles();
    const refusals: Array<[Parameters<typeof multipart>[0], number]> = [
      [{ meta: meta(), file: { bytes: Buffer.concat([Buffer.from([0, 1, 2, 3, 0xff]), randomBytes(900)]), filename: 'x.bin' } }, 415],
      [{ file: { bytes: pdf(2000), filename: 'x.pdf' }, meta: meta({ occurredAt: '2030-01-01T00:00:00Z' }) }, 400],
      [{ file: { bytes: pdf(2000), filename: 'x.pdf' }, meta: meta({ kind: 'nonsense' }) }, 400],
      [{ file: { bytes: pdf(2000), filename: 'x.pdf' } }, 400],
    ];
    for (const [parts, status] of refusals) expect((await upload(parts)).status).toBe(status);
    expect(await allFiles()).toEqual(before);
  });

  it('refuses programs and unknown binary content with 415', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), randomBytes(200)]);
    exe.write('PE\0\0', 0x80);
    for (const bytes of [exe, Buffer.concat([Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), randomBytes(500)])]) {
      const res = await upload({ meta: meta(), file: { bytes, filename: 'report.pdf' } });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });

  it.each([
    [{ file: { bytes: pdf(10), filename: 'x.pdf' } }, 'meta'],
    [{ meta: meta() }, 'file'],
    [{ meta: '{not json', file: { bytes: pdf(10), filename: 'x.pdf' } }, 'meta'],
    [{ meta: meta({ kind: 'selfie' }), file: { bytes: pdf(10), filename: 'x.pdf' } }, 'meta.kind'],
    [{ meta: meta({ occurredAt: '2026-02-30T10:00:00Z' }), file: { bytes: pdf(10), filename: 'x.pdf' } }, 'meta.occurredAt'],
    [{ meta: meta({ extra: 1 }), file: { bytes: pdf(10), filename: 'x.pdf' } }, 'meta.extra'],
  ])('names the missing or bad part (%#)', async (parts, field) => {
    const res = await upload(parts);
    expect(res.status).toBe(400);
    expect((res.body as unknown as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
  });

  it('refuses JSON where a multipart upload is expected', async () => {
    const res = await h.request('POST', `/api/v1/children/${child.id}/documents`, { user: worker, body: { kind: 'assessment' } });
    expect(res.status).toBe(415);
  });

  it('refuses, before reading the file, someone who may not add to the record', async () => {
    const other = await teamWithStaff(h);
    const bytes = pdf(5000);
    const res = await upload({ meta: meta(), file: { bytes, filename: 'x.pdf' } }, other.worker);
    expect(res.status).toBe(403);
    expect(await h.blobs.has(sha(bytes))).toBe(false);
    expect((await h.request('GET', `/api/v1/documents/${String((await upload({ meta: meta(), file: { bytes, filename: 'x.pdf' } })).body['documentId'])}/content`, { user: other.worker })).status).toBe(403);
  });

  it('replays a repeated upload with the same Idempotency-Key instead of storing it twice', async () => {
    const bytes = pdf(3000);
    const key = { 'idempotency-key': `upload-${sha(bytes).slice(0, 12)}` };
    const first = await upload({ meta: meta({ title: 'Once' }), file: { bytes, filename: 'once.pdf' } }, worker, key);
    const second = await upload({ meta: meta({ title: 'Once' }), file: { bytes, filename: 'once.pdf' } }, worker, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body['documentId']).toBe(first.body['documentId']);
    const docs = await h.db.selectFrom('document').select('id').where('sha256', '=', sha(bytes)).execute();
    expect(docs).toHaveLength(1);
  });
});
