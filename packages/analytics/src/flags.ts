// Flags for clinical review (docs/flags.md): red-flag answers, prolonged morning stiffness on several recent mornings,
// and stiffness with waking in the second half of the night. Each flag carries its evidence; none is a diagnosis.
import { z } from 'zod';

export const REVIEW_NOTE = 'for clinical review, not a diagnosis';

/** The red-flag questions of a stiffness report, with the words shown to people. */
export const RED_FLAGS = {
  nightPainUnchangedByMovement: 'night pain that does not change with movement',
  progressiveNeurologicalSymptoms: 'progressive neurological symptoms',
  unexplainedWeightLoss: 'unexplained weight loss',
  fever: 'fever',
} as const;
export type RedFlag = keyof typeof RED_FLAGS;

const isoDate = z.iso.date();
const minutes = z.number().min(0).nullable().optional();

export const redFlagAnswersSchema = z.object({
  nightPainUnchangedByMovement: z.boolean().optional(),
  progressiveNeurologicalSymptoms: z.boolean().optional(),
  unexplainedWeightLoss: z.boolean().optional(),
  fever: z.boolean().optional(),
});
export type RedFlagAnswers = z.infer<typeof redFlagAnswersSchema>;

/** What the flags read from a stiffness report; one per date. */
export const flagReportSchema = z.object({
  date: isoDate,
  /** Reported morning stiffness duration in minutes (BASDAI question 6). */
  stiffnessDurationMin: minutes,
  redFlags: redFlagAnswersSchema.optional(),
});

/** What the flags read from a measured morning; `date` is the day of the rise. */
export const flagMorningSchema = z.object({
  date: isoDate,
  /** Objective time to loosen: minutes from rising until trunk range of motion reaches its plateau. */
  timeToLoosenMin: minutes,
});

/** What the flags read from a night; `date` is the date of its final rise, so it pairs with that morning. */
export const flagNightSchema = z.object({
  date: isoDate,
  /** Minutes awake (including out of bed) after the midpoint of the sleep period. */
  wakeSecondHalfMin: minutes,
  /** Out-of-bed episodes that start after the midpoint of the sleep period. */
  outOfBedSecondHalf: z.number().int().min(0).nullable().optional(),
});

export const flagInputSchema = z.object({
  reports: z.array(flagReportSchema),
  mornings: z.array(flagMorningSchema),
  nights: z.array(flagNightSchema),
});
export type FlagInput = z.input<typeof flagInputSchema>;

export const flagRulesSchema = z
  .object({
    /** Last day considered; the latest date in the input unless given. */
    asOf: isoDate.optional(),
    /** Only data from the last `lookbackDays` days up to `asOf` count. */
    lookbackDays: z.number().int().min(1).default(28),
    /** "Several of the last mornings": at least `minMornings` of the last `recentMornings` mornings with data. */
    recentMornings: z.number().int().min(1).default(7),
    minMornings: z.number().int().min(1).default(3),
    /** Stiffness or time to loosen over this many minutes is prolonged (DESIGN.md: over an hour calls for review). */
    prolongedStiffnessMin: z.number().min(0).default(60),
    /** Stiffness over this many minutes counts towards the inflammatory-pattern hint. */
    inflammatoryStiffnessMin: z.number().min(0).default(30),
    /** A night woke in its second half with at least this many minutes awake after the midpoint, or any out-of-bed episode. */
    secondHalfWakeMin: z.number().min(0).default(20),
  })
  .refine((r) => r.minMornings <= r.recentMornings, { message: 'minMornings must not exceed recentMornings' });
export type FlagRules = z.input<typeof flagRulesSchema>;

export const flagEvidenceSchema = z.object({
  date: isoDate,
  source: z.enum(['report', 'device']),
  /** The input field, e.g. stiffnessDurationMin, timeToLoosenMin, wakeSecondHalfMin or a red-flag question. */
  measure: z.string(),
  value: z.union([z.number(), z.boolean()]),
  /** The threshold the value met, for numeric evidence. */
  threshold: z.number().optional(),
});
export type FlagEvidence = z.infer<typeof flagEvidenceSchema>;

export const reviewFlagSchema = z.object({
  kind: z.enum(['red-flag', 'prolonged-stiffness', 'inflammatory-pattern']),
  /** Orders a review list (red flags first); not a clinical grading. */
  severity: z.enum(['high', 'moderate', 'low']),
  summary: z.string(),
  /** Date of the earliest evidence. */
  since: isoDate,
  evidence: z.array(flagEvidenceSchema).min(1),
  note: z.literal(REVIEW_NOTE),
});
export type ReviewFlag = z.infer<typeof reviewFlagSchema>;

interface Morning {
  date: string;
  reported?: number;
  measured?: number;
}

function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

function isNumber(v: number | null | undefined): v is number {
  return typeof v === 'number';
}

/** Mornings with a reported duration or a measured time to loosen, oldest first; later entries replace earlier. */
function morningsWithData(input: z.infer<typeof flagInputSchema>, inWindow: (d: string) => boolean): Morning[] {
  const byDate = new Map<string, Morning>();
  const at = (date: string) => byDate.get(date) ?? byDate.set(date, { date }).get(date)!;
  for (const r of input.reports) if (isNumber(r.stiffnessDurationMin)) at(r.date).reported = r.stiffnessDurationMin;
  for (const m of input.mornings) if (isNumber(m.timeToLoosenMin)) at(m.date).measured = m.timeToLoosenMin;
  return [...byDate.values()].filter((m) => inWindow(m.date)).sort((a, b) => a.date.localeCompare(b.date));
}

/** Evidence that a morning's stiffness was over `threshold`, or null when neither measure was. */
function stiffnessOver(m: Morning, threshold: number): FlagEvidence[] | null {
  const evidence: FlagEvidence[] = [];
  if (m.reported !== undefined && m.reported > threshold) {
    evidence.push({ date: m.date, source: 'report', measure: 'stiffnessDurationMin', value: m.reported, threshold });
  }
  if (m.measured !== undefined && m.measured > threshold) {
    evidence.push({ date: m.date, source: 'device', measure: 'timeToLoosenMin', value: m.measured, threshold });
  }
  return evidence.length > 0 ? evidence : null;
}

function flag(kind: ReviewFlag['kind'], severity: ReviewFlag['severity'], summary: string, evidence: FlagEvidence[]) {
  const since = evidence.map((e) => e.date).sort()[0]!;
  return { kind, severity, summary, since, evidence, note: REVIEW_NOTE } satisfies ReviewFlag;
}

/**
 * The flags for one subject's recent data, red flags first. Pure: the caller passes the subject's reports, measured
 * mornings and nights; `rules` adjusts the thresholds and windows (defaults in docs/flags.md).
 */
export function reviewFlags(data: FlagInput, rules: FlagRules = {}): ReviewFlag[] {
  const input = flagInputSchema.parse(data);
  const r = flagRulesSchema.parse(rules);
  const dates = [...input.reports, ...input.mornings, ...input.nights].map((d) => d.date);
  if (dates.length === 0) return [];
  const asOf = r.asOf ?? dates.sort().at(-1)!;
  const from = addDays(asOf, -(r.lookbackDays - 1));
  const inWindow = (d: string) => d >= from && d <= asOf;
  const flags: ReviewFlag[] = [];

  for (const [key, label] of Object.entries(RED_FLAGS) as [RedFlag, string][]) {
    const yes = input.reports
      .filter((rep) => inWindow(rep.date) && rep.redFlags?.[key] === true)
      .sort((a, b) => a.date.localeCompare(b.date));
    if (yes.length === 0) continue;
    flags.push(
      flag(
        'red-flag',
        'high',
        `${label} reported on ${yes.length} day${yes.length > 1 ? 's' : ''} in the last ${r.lookbackDays} days`,
        yes.map((rep) => ({ date: rep.date, source: 'report' as const, measure: key, value: true })),
      ),
    );
  }

  const mornings = morningsWithData(input, inWindow);
  const recent = mornings.slice(-r.recentMornings);
  const prolonged = recent.flatMap((m) => stiffnessOver(m, r.prolongedStiffnessMin) ?? []);
  const prolongedMornings = new Set(prolonged.map((e) => e.date)).size;
  if (prolongedMornings >= r.minMornings) {
    flags.push(
      flag(
        'prolonged-stiffness',
        'moderate',
        `stiffness over ${r.prolongedStiffnessMin} min (reported or time to loosen) on ${prolongedMornings} of the ` +
          `last ${recent.length} mornings with data`,
        prolonged,
      ),
    );
  }

  const nights = new Map(input.nights.map((n) => [n.date, n]));
  const paired = mornings
    .filter((m) => {
      const n = nights.get(m.date);
      return n !== undefined && (isNumber(n.wakeSecondHalfMin) || isNumber(n.outOfBedSecondHalf));
    })
    .slice(-r.recentMornings);
  const inflammatory = paired.flatMap((m) => {
    const stiff = stiffnessOver(m, r.inflammatoryStiffnessMin);
    const n = nights.get(m.date)!;
    const woke: FlagEvidence[] = [];
    if (isNumber(n.wakeSecondHalfMin) && n.wakeSecondHalfMin >= r.secondHalfWakeMin) {
      woke.push({
        date: m.date,
        source: 'device',
        measure: 'wakeSecondHalfMin',
        value: n.wakeSecondHalfMin,
        threshold: r.secondHalfWakeMin,
      });
    }
    if (isNumber(n.outOfBedSecondHalf) && n.outOfBedSecondHalf >= 1) {
      woke.push({
        date: m.date,
        source: 'device',
        measure: 'outOfBedSecondHalf',
        value: n.outOfBedSecondHalf,
        threshold: 1,
      });
    }
    return stiff && woke.length > 0 ? [...stiff, ...woke] : [];
  });
  const inflammatoryMornings = new Set(inflammatory.map((e) => e.date)).size;
  if (inflammatoryMornings >= r.minMornings) {
    flags.push(
      flag(
        'inflammatory-pattern',
        'low',
        `stiffness over ${r.inflammatoryStiffnessMin} min after waking in the second half of the night on ` +
          `${inflammatoryMornings} of the last ${paired.length} mornings with both measured (an inflammatory-pattern hint)`,
        inflammatory,
      ),
    );
  }
  return flags;
}
