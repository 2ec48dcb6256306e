// Posture-stiffness links: each night metric against each next-morning outcome, for one subject (Pearson,
// Spearman, slope) or a cohort (plus the repeated-measures correlation), q-values across the table; and a subject's
// trend of one outcome against one night metric across weeks, for the dashboard.
import { linkRowSchema, linkTable, linkTableSchema } from '@restpose/analytics';
import { NIGHT_METRICS, type NightMetricName } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subjectFor, subjectOut, subjectParams, subjectView } from '../access.js';
import { recordAccess } from '../audit.js';
import { principalOf } from '../auth.js';
import { addDays, dateRangeQuery, resolveDates } from '../dates.js';
import { errorSchema, HttpError } from '../errors.js';
import {
  algorithmsOf,
  type DayRecords,
  describeX,
  describeY,
  LINK_X,
  LINK_Y,
  linkObservations,
  type OutcomeName,
  pairedValues,
  variableOut,
} from '../link-variables.js';
import { algorithmQuery, readDays } from '../records.js';

const TREND_WEEKS = 12;
const nightMetricName = z.enum(Object.keys(NIGHT_METRICS) as [NightMetricName, ...NightMetricName[]]);
const outcomeName = z.enum(LINK_Y as [OutcomeName, ...OutcomeName[]]);

/** A comma-separated list of names from a fixed set, e.g. x=share_supine,longest_immobile_bout_min. */
function nameList<T extends string>(names: z.ZodEnum<Record<T, T>>, what: string) {
  return z
    .string()
    .transform((s, ctx) => {
      const list = s.split(',').map((n) => n.trim());
      const bad = list.filter((n) => !names.safeParse(n).success);
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown ${what} ${bad.join(', ')}; expected some of ${names.options.join(', ')}`,
        });
        return z.NEVER;
      }
      return list as T[];
    })
    .optional();
}

const linksQuery = dateRangeQuery.extend(algorithmQuery.shape).extend({
  x: nameList(nightMetricName, 'night metric').describe(
    `night metrics, comma-separated (default ${LINK_X.join(', ')})`,
  ),
  y: nameList(outcomeName, 'outcome').describe(`outcomes, comma-separated (default ${LINK_Y.join(', ')})`),
  confidence: z.coerce.number().gt(0).lt(1).default(0.95).describe('confidence level of every interval'),
});

const algorithmsOut = z
  .object({ night: z.array(z.string()), morning: z.array(z.string()) })
  .describe('the algorithm versions of the nights and mornings that fed the statistics');

const linksOut = linkTableSchema.extend({
  from: z.string(),
  to: z.string(),
  algorithms: algorithmsOut,
  observations: z.number().int().describe('subject-nights with any value'),
  subjects: z.number().int(),
  variables: z.object({ x: z.array(variableOut), y: z.array(variableOut) }),
});

type LinksQuery = z.infer<typeof linksQuery>;

function links(records: DayRecords, query: LinksQuery, dates: { from: string; to: string }) {
  const x = query.x ?? [...LINK_X];
  const y = query.y ?? LINK_Y;
  const observations = linkObservations(records, x, y);
  return {
    from: dates.from,
    to: dates.to,
    algorithms: algorithmsOf(records),
    observations: observations.length,
    subjects: new Set(observations.map((o) => o.subject)).size,
    variables: { x: x.map(describeX), y: y.map(describeY) },
    ...linkTable(observations, { x, y, confidence: query.confidence }),
  };
}

/** Monday of the ISO week of a date. */
function weekOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((day + 6) % 7));
}

function mean(values: number[]): number | null {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export function registerLinkRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/subjects/:id/links',
    {
      config: { roles: ['admin', 'clinician', 'researcher'] },
      schema: {
        summary: 'Night metrics against next-morning outcomes, for one subject',
        description:
          'n, Pearson r and Spearman rho with 95% intervals, p and Benjamini-Hochberg q across the table, and the ' +
          'least-squares slope, per pair; "not enough data" with the count needed below the minimum. Methods: ' +
          'docs/statistics.md. Default dates: everything up to today.',
        tags: ['links'],
        params: subjectParams,
        querystring: linksQuery,
        response: { 200: linksOut.extend({ subject: subjectOut }), 404: errorSchema },
      },
    },
    async (request) => {
      const dates = resolveDates(request.query, null);
      const subject = await subjectFor(store, request, request.params.id);
      const records = await readDays(store, { subjectIds: [subject.id] }, dates.range, {
        ...request.query,
        detail: false,
      });
      await recordAccess(store, request, 'links.read', [subject.id], { from: dates.from, to: dates.to });
      return { subject: subjectView(subject, principalOf(request).role), ...links(records, request.query, dates) };
    },
  );

  api.get(
    '/api/v1/cohorts/:id/links',
    {
      config: { roles: ['admin', 'researcher'] },
      schema: {
        summary: 'Night metrics against next-morning outcomes, across a cohort',
        description:
          'As for one subject, plus the repeated-measures correlation (rmcorr, Bakdash & Marusich 2017), which ' +
          'removes differences between people’s baselines: read rmcorr.q for a cohort. Default dates: everything ' +
          'up to today.',
        tags: ['links'],
        params: z.object({ id: z.string().min(1).max(64).describe('cohort') }),
        querystring: linksQuery,
        response: { 200: linksOut.extend({ cohort: z.string() }), 404: errorSchema },
      },
    },
    async (request) => {
      const dates = resolveDates(request.query, null);
      const cohort = request.params.id;
      const subjects = await store.listSubjects({ cohort });
      if (subjects.length === 0) throw new HttpError(404, `cohort ${cohort} has no subjects`);
      const records = await readDays(store, { cohort }, dates.range, { ...request.query, detail: false });
      await recordAccess(
        store,
        request,
        'links.read',
        subjects.map((s) => s.id),
        { cohort, from: dates.from, to: dates.to },
      );
      return { cohort, ...links(records, request.query, dates) };
    },
  );

  api.get(
    '/api/v1/subjects/:id/trends',
    {
      config: { roles: ['admin', 'clinician', 'researcher'] },
      schema: {
        summary: 'One outcome against one night metric, week by week',
        description:
          `Weekly means (weeks from Monday), the subject-nights behind them, and the link statistics with the ` +
          `fitted line (slope, intercept). Default: the ${TREND_WEEKS} weeks up to today.`,
        tags: ['links'],
        params: subjectParams,
        querystring: dateRangeQuery.extend(algorithmQuery.shape).extend({
          metric: nightMetricName.default('longest_immobile_bout_min'),
          outcome: outcomeName.default('stiffness_duration_min'),
          confidence: z.coerce.number().gt(0).lt(1).default(0.95),
        }),
        response: {
          200: z.object({
            subject: subjectOut,
            from: z.string(),
            to: z.string(),
            metric: variableOut,
            outcome: variableOut,
            algorithms: algorithmsOut,
            weeks: z.array(
              z.object({
                week: z.string().describe('the Monday starting the week'),
                nights: z.number().int().describe('subject-nights with both values'),
                metric: z.number().nullable(),
                outcome: z.number().nullable(),
              }),
            ),
            points: z.array(z.object({ date: z.string(), metric: z.number(), outcome: z.number() })),
            link: linkRowSchema,
          }),
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const dates = resolveDates(request.query, TREND_WEEKS * 7);
      const subject = await subjectFor(store, request, request.params.id);
      const { metric, outcome, confidence } = request.query;
      const records = await readDays(store, { subjectIds: [subject.id] }, dates.range, {
        ...request.query,
        detail: false,
      });
      const points = pairedValues(records, metric, outcome);
      const weeks = new Map<string, { metric: number[]; outcome: number[] }>();
      for (const p of points) {
        const week = weekOf(p.date);
        const w = weeks.get(week) ?? weeks.set(week, { metric: [], outcome: [] }).get(week)!;
        w.metric.push(p.metric);
        w.outcome.push(p.outcome);
      }
      const { from, to } = dates;
      await recordAccess(store, request, 'trends.read', [subject.id], { metric, outcome, from, to });
      return {
        subject: subjectView(subject, principalOf(request).role),
        from: dates.from,
        to: dates.to,
        metric: describeX(metric),
        outcome: describeY(outcome),
        algorithms: algorithmsOf(records),
        weeks: [...weeks.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([week, w]) => ({ week, nights: w.metric.length, metric: mean(w.metric), outcome: mean(w.outcome) })),
        points,
        link: linkTable(
          points.map((p) => ({ values: { [metric]: p.metric, [outcome]: p.outcome } })),
          { x: [metric], y: [outcome], confidence },
        ).rows[0]!,
      };
    },
  );
}
