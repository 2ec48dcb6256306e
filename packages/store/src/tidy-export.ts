// The tidy export, built from contract reads alone so that both adapters produce the same table.
import type { MorningRecord, NightRecord, StiffnessReport, Subject } from '@restpose/protocol';
import type { ExportQuery, Store, TidyExport, TidyExportStream, TidyRow, TidyValue } from './contract.js';
import { chunks, resolveSubjects } from './selectors.js';

const SUBJECTS_PER_PAGE = 25;

const SUBJECT_NIGHT_COLUMNS = [
  'subject_id',
  'study_code',
  'cohort',
  'date',
  'night_algorithm',
  'night_start',
  'night_end',
];
const MORNING_COLUMNS = ['morning_algorithm', 'morning_start', 'morning_end'];

const iso = (ms: number) => new Date(ms).toISOString();
const key = (subjectId: string, date: string) => `${subjectId}\u0000${date}`;

function metricNames(records: ReadonlyArray<NightRecord | MorningRecord>): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r.metrics)))].sort();
}

function stiffnessColumns(report: StiffnessReport | undefined): Record<string, TidyValue> {
  return {
    stiffness_severity: report?.severity ?? null,
    stiffness_duration_min: report?.durationMin ?? null,
    stiffness_pain: report?.pain ?? null,
    stiffness_source: report?.source ?? null,
    stiffness_red_flag_night_pain: report?.redFlags.nightPainUnchangedByMovement ?? null,
    stiffness_red_flag_neurological: report?.redFlags.progressiveNeurologicalSymptoms ?? null,
    stiffness_red_flag_weight_loss: report?.redFlags.unexplainedWeightLoss ?? null,
    stiffness_red_flag_fever: report?.redFlags.fever ?? null,
  };
}

interface Page {
  nights: NightRecord[];
  mornings: Map<string, MorningRecord>;
}

async function readPage(store: Store, query: ExportQuery, subjectIds: string[]): Promise<Page> {
  const { dates } = query;
  const nights = await store.queryNights({ subjectIds, dates, algorithm: query.nightAlgorithm });
  const mornings = new Map<string, MorningRecord>();
  for (const m of await store.queryMornings({ subjectIds, dates, algorithm: query.morningAlgorithm })) {
    mornings.set(key(m.subjectId, m.date), m);
  }
  return { nights, mornings };
}

/** Mornings that have a row: the table is one row per night, so a morning without its night is not in it. */
function morningsOfNights(page: Page): MorningRecord[] {
  return page.nights.flatMap((n) => page.mornings.get(key(n.subjectId, n.date)) ?? []);
}

/**
 * One row per subject-night with the pseudonymous registry fields (no display name, no free-text note), the night's
 * metrics, the morning after it and that morning's stiffness report. Metric columns are the union over the rows, so
 * a first pass over the pages collects the metric names before the second yields rows: the header comes first and
 * memory holds one page of subjects.
 */
export async function streamTidyExport(store: Store, query: ExportQuery): Promise<TidyExportStream> {
  const subjects = new Map<string, Subject>((await store.listSubjects()).map((s) => [s.id, s]));
  const pages = chunks(await resolveSubjects(store, query), query.subjectsPerPage ?? SUBJECTS_PER_PAGE);
  const nightNames = new Set<string>();
  const morningNames = new Set<string>();
  for (const subjectIds of pages) {
    const page = await readPage(store, query, subjectIds);
    for (const m of metricNames(page.nights)) nightNames.add(m);
    for (const m of metricNames(morningsOfNights(page))) morningNames.add(m);
  }
  const nightMetrics = [...nightNames].sort();
  const morningMetrics = [...morningNames].sort();
  const columns = [
    ...SUBJECT_NIGHT_COLUMNS,
    ...nightMetrics.map((m) => `night_${m}`),
    ...MORNING_COLUMNS,
    ...morningMetrics.map((m) => `morning_${m}`),
    ...Object.keys(stiffnessColumns(undefined)),
  ];

  const toRow = (night: NightRecord, morning: MorningRecord | undefined, report: StiffnessReport | undefined) => {
    const subject = subjects.get(night.subjectId);
    const row: TidyRow = {
      subject_id: night.subjectId,
      study_code: subject?.studyCode ?? null,
      cohort: subject?.cohort ?? null,
      date: night.date,
      night_algorithm: night.algorithm,
      night_start: iso(night.start),
      night_end: iso(night.end),
    };
    for (const m of nightMetrics) row[`night_${m}`] = night.metrics[m] ?? null;
    row.morning_algorithm = morning?.algorithm ?? null;
    row.morning_start = morning ? iso(morning.start) : null;
    row.morning_end = morning ? iso(morning.end) : null;
    for (const m of morningMetrics) row[`morning_${m}`] = morning?.metrics[m] ?? null;
    return { ...row, ...stiffnessColumns(report) };
  };

  async function* rows(): AsyncGenerator<TidyRow> {
    for (const subjectIds of pages) {
      const page = await readPage(store, query, subjectIds);
      const reports = new Map<string, StiffnessReport>();
      for (const r of await store.queryStiffnessReports({ subjectIds, dates: query.dates })) {
        reports.set(key(r.subjectId, r.date), r);
      }
      for (const night of page.nights) {
        const k = key(night.subjectId, night.date);
        yield toRow(night, page.mornings.get(k), reports.get(k));
      }
    }
  }
  return { columns, rows: rows() };
}

/** The whole table in memory, for callers that want it at once. */
export async function buildTidyExport(store: Store, query: ExportQuery): Promise<TidyExport> {
  const { columns, rows } = await streamTidyExport(store, query);
  const all: TidyRow[] = [];
  for await (const row of rows) all.push(row);
  return { columns, rows: all };
}
