// The tidy export, built from contract reads alone so that both adapters produce the same table.
import type { MorningRecord, NightRecord, StiffnessReport, Subject } from '@restpose/protocol';
import type { ExportQuery, Store, TidyExport, TidyValue } from './contract.js';
import { chunks, resolveSubjects } from './selectors.js';

const SUBJECTS_PER_QUERY = 100;

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

/**
 * One row per subject-night with the pseudonymous registry fields (no display name, no free-text note), the night's
 * metrics, the morning after it and that morning's stiffness report. Metric columns are the union over the rows.
 */
export async function buildTidyExport(store: Store, query: ExportQuery): Promise<TidyExport> {
  const subjects = new Map<string, Subject>((await store.listSubjects()).map((s) => [s.id, s]));
  const nights: NightRecord[] = [];
  const mornings = new Map<string, MorningRecord>();
  const reports = new Map<string, StiffnessReport>();
  for (const subjectIds of chunks(await resolveSubjects(store, query), SUBJECTS_PER_QUERY)) {
    const { dates } = query;
    nights.push(...(await store.queryNights({ subjectIds, dates, algorithm: query.nightAlgorithm })));
    for (const m of await store.queryMornings({ subjectIds, dates, algorithm: query.morningAlgorithm })) {
      mornings.set(key(m.subjectId, m.date), m);
    }
    for (const r of await store.queryStiffnessReports({ subjectIds, dates })) reports.set(key(r.subjectId, r.date), r);
  }
  const nightMetrics = metricNames(nights);
  const morningMetrics = metricNames(nights.flatMap((n) => mornings.get(key(n.subjectId, n.date)) ?? []));

  const rows = nights.map((night) => {
    const subject = subjects.get(night.subjectId);
    const morning = mornings.get(key(night.subjectId, night.date));
    const row: Record<string, TidyValue> = {
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
    return { ...row, ...stiffnessColumns(reports.get(key(night.subjectId, night.date))) };
  });
  const columns = [
    ...SUBJECT_NIGHT_COLUMNS,
    ...nightMetrics.map((m) => `night_${m}`),
    ...MORNING_COLUMNS,
    ...morningMetrics.map((m) => `morning_${m}`),
    ...Object.keys(stiffnessColumns(undefined)),
  ];
  return { columns, rows };
}
