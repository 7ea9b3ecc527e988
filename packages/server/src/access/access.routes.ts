import { Type } from 'typebox';
import { ENTRY_KINDS } from '@safekeep/core';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { CalendarDate, IdParams, Instant, NonBlank, Nullable, Obj, Person, Reason, StringEnum, Uuid } from '../http/schemas.js';
import * as access from './grants.service.js';

/** How long break-glass lasts unless configured (SAFEKEEP_BREAK_GLASS_MINUTES). */
export const DEFAULT_BREAK_GLASS_MINUTES = 30;

const Scope = Obj({
  kinds: Type.Optional(Type.Array(StringEnum(ENTRY_KINDS), { minItems: 1, maxItems: ENTRY_KINDS.length, description: 'Entry kinds the grant shows (default: all).' })),
  from: Type.Optional(CalendarDate),
  to: Type.Optional(CalendarDate),
});
const Grant = Obj({
  id: Uuid,
  childId: Uuid,
  user: Person,
  basis: StringEnum(access.GRANT_BASES),
  reference: Type.String(),
  scope: Obj({ kinds: Nullable(Type.Array(Type.String())), from: Nullable(CalendarDate), to: Nullable(CalendarDate) }),
  expiresAt: Instant,
  note: Type.String(),
  grantedAt: Instant,
  grantedBy: Person,
  status: StringEnum(['active', 'expired', 'revoked'] as const),
  revocation: Nullable(Obj({ reason: Type.String(), revokedAt: Instant, revokedBy: Person })),
});
const Restriction = Obj({
  childId: Uuid,
  restricted: Type.Boolean(),
  allowedUsers: Type.Array(Person),
  reason: Nullable(Type.String()),
  setAt: Nullable(Instant),
  setBy: Nullable(Person),
  history: Type.Array(Obj({ restricted: Type.Boolean(), allowedUsers: Type.Array(Person), reason: Type.String(), setAt: Instant, setBy: Person })),
});
const BreakGlass = Obj({
  id: Uuid,
  child: Obj({ id: Uuid, name: Type.String({ description: '"Restricted record" (and the reason withheld) where you may not name the child.' }), restricted: Type.Boolean() }),
  user: Person,
  reason: Type.String(),
  openedAt: Instant,
  expiresAt: Instant,
  active: Type.Boolean(),
});
const Explanation = Obj({
  childId: Uuid,
  userId: Uuid,
  allowed: Type.Boolean(),
  access: StringEnum(['full', 'scoped', 'none'] as const),
  canWrite: Type.Boolean(),
  bases: Type.Array(
    Obj({
      basis: Type.String(),
      kind: StringEnum(['allocation', 'team', 'role', 'grant', 'break-glass'] as const),
      explanation: Type.String(),
      grant: Type.Optional(Grant),
      breakGlass: Type.Optional(Obj({ id: Uuid, expiresAt: Instant })),
    }),
  ),
  restriction: Obj({ restricted: Type.Boolean(), named: Type.Boolean() }),
  reason: Type.String(),
});

export function registerAccessRoutes(app: App, deps: RouteDeps): void {
  const run = deps.runner;
  const breakGlassMinutes = deps.breakGlassMinutes ?? DEFAULT_BREAK_GLASS_MINUTES;
  app.post(
    '/api/v1/access-grants',
    {
      schema: {
        tags: ['access'],
        summary: 'Grant one person read-only access to a child’s record on a recorded legal basis, within a scope, until it expires (DPO or head of service)',
        body: Obj({
          childId: Uuid,
          userId: Uuid,
          basis: StringEnum(access.GRANT_BASES),
          reference: NonBlank(200, 'Court and order number, SAR number, or the inspection.'),
          scope: Type.Optional(Scope),
          expiresAt: Instant,
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 201: Grant },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => access.createGrant(w, request.body)),
  );
  app.get(
    '/api/v1/access-grants',
    {
      schema: {
        tags: ['access'],
        summary: 'Grants (DPO and heads of service: all; anyone else: their own)',
        querystring: Obj({ childId: Type.Optional(Uuid), userId: Type.Optional(Uuid), status: Type.Optional(StringEnum(['active', 'expired', 'revoked'] as const)) }),
        response: { 200: Obj({ items: Type.Array(Grant) }) },
      },
    },
    async (request) => read(run, request, (w) => access.listGrants(w, request.query)),
  );
  app.get('/api/v1/access-grants/:id', { schema: { tags: ['access'], summary: 'One grant', params: IdParams, response: { 200: Grant } } }, async (request) =>
    read(run, request, (w) => access.getGrant(w, request.params.id)),
  );
  app.post(
    '/api/v1/access-grants/:id/revoke',
    { schema: { tags: ['access'], summary: 'Revoke a grant now (DPO or head of service)', params: IdParams, body: Reason, response: { 200: Grant } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => access.revokeGrant(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/children/:id/restriction',
    {
      schema: {
        tags: ['access'],
        summary: 'Restrict a record to named people (DPO or head of service): nobody else sees it, its entries or documents, anywhere',
        params: IdParams,
        body: Obj({ allowedUserIds: Type.Array(Uuid, { minItems: 1, maxItems: 100 }), reason: NonBlank(2000) }),
        response: { 200: Restriction },
      },
    },
    async (request, reply) => respond(run, request, reply, 200, (w) => access.setRestriction(w, request.params.id, request.body)),
  );
  app.post(
    '/api/v1/children/:id/restriction/lift',
    { schema: { tags: ['access'], summary: 'Lift a record’s restriction (DPO or head of service)', params: IdParams, body: Reason, response: { 200: Restriction } } },
    async (request, reply) => respond(run, request, reply, 200, (w) => access.liftRestriction(w, request.params.id, request.body)),
  );
  app.get(
    '/api/v1/children/:id/restriction',
    { schema: { tags: ['access'], summary: 'A record’s restriction and its history (DPO, heads of service, the people named)', params: IdParams, response: { 200: Restriction } } },
    async (request) => read(run, request, (w) => access.getRestriction(w, request.params.id)),
  );
  app.post(
    '/api/v1/children/:id/break-glass',
    {
      schema: {
        tags: ['access'],
        summary: `Open a record in an emergency without a basis, giving a reason: access lasts ${breakGlassMinutes} minutes, is audited as break-glass and is reviewed by the DPO and the allocated worker’s manager`,
        params: IdParams,
        body: Obj({ reason: Type.String({ minLength: 10, maxLength: 2000, pattern: '\\S', description: 'Why this is an emergency (at least 10 characters).' }) }),
        response: { 201: BreakGlass },
      },
    },
    async (request, reply) => respond(run, request, reply, 201, (w) => access.openBreakGlass(w, request.params.id, request.body, breakGlassMinutes)),
  );
  app.get(
    '/api/v1/break-glass',
    {
      schema: {
        tags: ['access'],
        summary: 'Break-glass openings to review (DPO and heads of service: all; team managers: their team’s children; others: their own)',
        querystring: Obj({ status: Type.Optional(StringEnum(['active', 'all'] as const)) }),
        response: { 200: Obj({ items: Type.Array(BreakGlass) }) },
      },
    },
    async (request) => read(run, request, (w) => access.listBreakGlass(w, request.query.status ?? 'all')),
  );
  app.get(
    '/api/v1/children/:id/access-explanation',
    {
      schema: {
        tags: ['access'],
        summary: 'Whether, and why, a user can see this record now (DPO and heads of service about anyone; anyone about themselves)',
        params: IdParams,
        querystring: Obj({ userId: Uuid }),
        response: { 200: Explanation },
      },
    },
    async (request) => read(run, request, (w) => access.explainAccess(w, request.params.id, request.query.userId)),
  );
}
