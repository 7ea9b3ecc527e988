import { Type } from 'typebox';
import { HOLIDAY_REGIONS, type GovUkBankHolidays } from '@safekeep/core';
import type { App, RouteDeps } from '../http/app-types.js';
import { read, respond } from '../http/respond.js';
import { CalendarDate, NonBlank, Obj, StringEnum } from '../http/schemas.js';
import * as calendar from './calendar.service.js';

const Region = StringEnum(HOLIDAY_REGIONS);
const Authority = Obj({ name: Type.String(), holidayRegion: Type.String(), demo: Type.Boolean(), deadlinesRecomputed: Type.Optional(Type.Integer()) });
const GovUkEvent = Type.Object({ title: Type.String({ minLength: 1 }), date: CalendarDate, notes: Type.Optional(Type.String()), bunting: Type.Optional(Type.Boolean()) });
const GovUkDivision = Type.Object({ division: Type.String(), events: Type.Array(GovUkEvent, { maxItems: 2000 }) });

export function registerCalendarRoutes(app: App, deps: RouteDeps): void {
  const clear = () => deps.runner.calendars.clear();

  app.get('/api/v1/authority', { schema: { tags: ['calendar'], summary: 'The authority this installation serves, and whose bank holidays it keeps', response: { 200: Authority } } }, async (request) =>
    read(deps.runner, request, (w) => calendar.authority(w)),
  );

  app.patch(
    '/api/v1/authority',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Rename the authority or choose its nation’s bank holidays (admin); open drafts’ visit deadlines are worked out again',
        body: Obj({ name: Type.Optional(NonBlank(200)), holidayRegion: Type.Optional(Region) }),
        response: { 200: Authority },
      },
    },
    async (request, reply) => {
      try {
        return await respond(deps.runner, request, reply, 200, (w) => calendar.updateAuthority(w, request.body, clear));
      } finally {
        clear(); // the calendar may have been loaded inside a transaction that did not commit
      }
    },
  );

  app.get(
    '/api/v1/bank-holidays',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Bank holidays used for working days (the authority’s nation unless another is asked for)',
        querystring: Obj({ region: Type.Optional(Region) }),
        response: { 200: Obj({ region: Type.String(), items: Type.Array(Obj({ date: CalendarDate, title: Type.String(), source: Type.String() })) }) },
      },
    },
    async (request) => read(deps.runner, request, (w) => calendar.listHolidays(w, request.query.region)),
  );

  app.post(
    '/api/v1/bank-holidays',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Load GOV.UK’s bank-holidays.json (admin): each nation’s holidays are replaced for the years the file covers; open drafts’ deadlines are worked out again',
        body: Type.Object({ 'england-and-wales': Type.Optional(GovUkDivision), scotland: Type.Optional(GovUkDivision), 'northern-ireland': Type.Optional(GovUkDivision) }, { additionalProperties: false }),
        response: { 200: Obj({ imported: Type.Array(Obj({ region: Type.String(), from: Type.Union([Type.String(), Type.Null()]), count: Type.Integer() })), deadlinesRecomputed: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      try {
        return await respond(deps.runner, request, reply, 200, (w) => calendar.importHolidays(w, request.body as GovUkBankHolidays, clear));
      } finally {
        clear();
      }
    },
  );
}
