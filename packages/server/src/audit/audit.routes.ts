import { Type } from 'typebox';
import type { App, RouteDeps } from '../http/app-types.js';
import { read } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, Nullable, Obj, PageOf, PageQuery, Uuid } from '../http/schemas.js';
import { accessLog, listAudit } from './audit.service.js';
import * as merkle from './merkle.service.js';

const AccessLogItem = Obj({
  seq: Type.Integer({ description: 'Position in the audit trail (leaf index).' }),
  at: Instant,
  action: Type.String(),
  outcome: Type.String({ description: 'allowed or denied' }),
  basis: Nullable(Type.String({ description: 'On what basis access was exercised.' })),
  actor: Nullable(Obj({ id: Uuid, username: Type.String(), displayName: Type.String() })),
  entityType: Nullable(Type.String()),
  entityId: Nullable(Uuid),
  requestId: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'A SHA-256 hash, hex.' });
/** Positions and sizes: what the database's integer holds, so a huge one is a 400, not an overflow. */
const Position = (description: string, minimum = 0) => Type.Integer({ minimum, maximum: 2_147_483_647, description });

const AuditItem = Obj({
  seq: Type.Integer({ description: 'Position in the audit trail: the leaf index in the Merkle tree.' }),
  id: Uuid,
  at: Instant,
  actor: Nullable(Obj({ id: Uuid, username: Type.String(), displayName: Type.String() })),
  action: Type.String(),
  outcome: Type.String({ description: 'allowed or denied' }),
  basis: Nullable(Type.String({ description: 'On what basis access was exercised.' })),
  childIds: Type.Array(Uuid),
  entityType: Nullable(Type.String()),
  entityId: Nullable(Uuid),
  requestId: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  leafHash: Type.String({ description: 'RFC 9162 leaf hash of the event, SHA-256(0x00 ‖ payload), hex.' }),
});

const AuditQuery = Obj({
  childId: Type.Optional(Uuid),
  userId: Type.Optional(Uuid),
  from: Type.Optional(Type.Union([CalendarDate, Instant], { description: 'From this date (London) or instant, inclusive.' })),
  to: Type.Optional(Type.Union([CalendarDate, Instant], { description: 'Up to this date (London, inclusive) or instant (exclusive).' })),
  ...PageQuery,
});

const TreeHead = Obj({
  treeSize: Type.Integer({ description: 'Events in the tree: positions 0 to treeSize − 1.' }),
  rootHash: Hash,
});

const InclusionProof = Obj({
  index: Type.Integer(),
  treeSize: Type.Integer(),
  leafHash: Hash,
  rootHash: Hash,
  proof: Type.Array(Hash, { description: 'RFC 9162 §2.1.3 inclusion path, from the leaf up.' }),
});

const ConsistencyProof = Obj({
  from: Type.Integer(),
  to: Type.Integer(),
  fromRootHash: Hash,
  toRootHash: Hash,
  proof: Type.Array(Hash, { description: 'RFC 9162 §2.1.4 consistency path.' }),
});

export function registerAuditRoutes(app: App, deps: RouteDeps): void {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The whole audit trail, newest first, by child, user and time (dpo, head-of-service)',
        querystring: AuditQuery,
        response: { 200: PageOf(AuditItem) },
      },
    },
    async (request) => {
      const q = request.query;
      return read(deps.runner, request, (w) =>
        listAudit(w, {
          ...(q.childId !== undefined ? { childId: q.childId } : {}),
          ...(q.userId !== undefined ? { userId: q.userId } : {}),
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
          limit: q.limit ?? 50,
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        }),
      );
    },
  );

  app.get(
    '/api/v1/audit/checkpoint',
    {
      schema: {
        tags: ['audit'],
        summary: 'The RFC 9162 tree head over the whole audit trail (dpo, head-of-service, admin)',
        description: 'Keep it somewhere the server cannot change: a later consistency proof from it shows the trail was only appended to.',
        response: { 200: TreeHead },
      },
    },
    async (request) => read(deps.runner, request, (w) => merkle.checkpoint(w)),
  );

  app.get(
    '/api/v1/audit/proof/inclusion',
    {
      schema: {
        tags: ['audit'],
        summary: 'Proof that the event at `index` is in the tree of the first `treeSize` events (dpo, head-of-service, admin)',
        querystring: Obj({ index: Position('The event’s seq (leaf index).'), treeSize: Type.Optional(Position('Tree size to prove against; default the current size.', 1)) }),
        response: { 200: InclusionProof },
      },
    },
    async (request) => read(deps.runner, request, (w) => merkle.inclusion(w, request.query.index, request.query.treeSize)),
  );

  app.get(
    '/api/v1/audit/proof/consistency',
    {
      schema: {
        tags: ['audit'],
        summary: 'Proof that the tree of the first `from` events is a prefix of the tree of the first `to` (dpo, head-of-service, admin)',
        querystring: Obj({ from: Position('The earlier tree size.', 1), to: Type.Optional(Position('The later tree size; default the current size.', 1)) }),
        response: { 200: ConsistencyProof },
      },
    },
    async (request) => read(deps.runner, request, (w) => merkle.consistency(w, request.query.from, request.query.to)),
  );

  app.get(
    '/api/v1/children/:id/access-log',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who read or changed this record, when, and on what basis (newest first)',
        params: IdParams,
        querystring: Obj({ ...PageQuery }),
        response: { 200: PageOf(AccessLogItem) },
      },
    },
    async (request) => read(deps.runner, request, (w) => accessLog(w, request.params.id, request.query.limit ?? 50, request.query.cursor)),
  );
}
