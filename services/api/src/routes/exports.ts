// The tidy table (one row per subject-night: night metrics, the morning after, that morning's report) as CSV or
// NDJSON, streamed row by row from the store, filtered by cohort and dates. Researcher-safe: subjects appear by
// study code only; no subject ids, display names or notes.
import { pipeline, Readable, Transform } from 'node:stream';
import type { Store, TidyRow } from '@restpose/store';
import { stringify } from 'csv-stringify';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAccess } from '../audit.js';
import { dateRangeQuery, resolveDates } from '../dates.js';
import { algorithmQuery } from '../records.js';

/** Columns of the store's table that an export leaves out. */
const IDENTIFYING_COLUMNS = new Set(['subject_id']);

const FORMATS = {
  csv: {
    type: 'text/csv; charset=utf-8',
    encode: (columns: string[]) => stringify({ header: true, columns, cast: { boolean: (b) => String(b) } }),
  },
  ndjson: {
    type: 'application/x-ndjson',
    encode: (columns: string[]) =>
      new Transform({
        writableObjectMode: true,
        transform(row: TidyRow, _encoding, done) {
          done(null, `${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}\n`);
        },
      }),
  },
} as const;

export function registerExportRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  for (const [format, { type, encode }] of Object.entries(FORMATS)) {
    api.get(
      `/api/v1/exports/nights.${format}`,
      {
        config: { roles: ['admin', 'researcher'] },
        schema: {
          summary: `The tidy per-night table as ${format.toUpperCase()}, streamed`,
          description:
            'One row per subject-night, ordered by subject then date: study_code, cohort, date, the night ' +
            '(night_algorithm, night_start, night_end, night_<metric>...), the morning after it (morning_...), and ' +
            'that morning’s stiffness report (stiffness_...). Columns in a fixed order; metric columns sorted by ' +
            'name. No subject ids, display names or notes. Default dates: everything up to today.',
          tags: ['exports'],
          querystring: dateRangeQuery.extend(algorithmQuery.shape).extend({
            cohort: z.string().min(1).max(64).optional().describe('one cohort (default every subject)'),
          }),
        },
      },
      async (request, reply) => {
        const { cohort, nightAlgorithm, morningAlgorithm } = request.query;
        const dates = resolveDates(request.query, null);
        const subjects = await store.listSubjects(cohort === undefined ? {} : { cohort });
        const table = await store.streamNights({
          ...(cohort !== undefined && { cohort }),
          dates: dates.range,
          ...(nightAlgorithm && { nightAlgorithm }),
          ...(morningAlgorithm && { morningAlgorithm }),
        });
        const columns = table.columns.filter((c) => !IDENTIFYING_COLUMNS.has(c));
        await recordAccess(
          store,
          request,
          'export.read',
          subjects.map((s) => s.id),
          { format, cohort: cohort ?? null, from: dates.from, to: dates.to },
        );
        const body = pipeline(Readable.from(table.rows), encode(columns), (err) => {
          if (err) request.log.error({ err }, 'export stopped part-way');
        });
        const name = `nights-${(cohort ?? 'all').replace(/[^A-Za-z0-9_-]/g, '_')}-${dates.from}-${dates.to}.${format}`;
        return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).send(body);
      },
    );
  }
}
