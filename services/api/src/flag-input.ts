// What the review flags read from one subject's stored records (docs/flags.md).
import type { FlagInput, RedFlagAnswers } from '@restpose/analytics';
import type { NightRecord, StiffnessReport } from '@restpose/protocol';
import type { DayRecords } from './link-variables.js';

function numberAt(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Out-of-bed episodes starting after the midpoint of the sleep period. The night's metric when the engine wrote it;
 * otherwise counted from the episodes in its detail, the midpoint taken from the sleep estimate (sleep onset to
 * final awakening) or, without one, from the time in bed.
 */
export function outOfBedSecondHalf(night: NightRecord): number | null {
  const metric = night.metrics.out_of_bed_second_half;
  if (metric !== undefined) return metric;
  const episodes = night.detail.outOfBedEpisodes;
  if (!Array.isArray(episodes)) return null;
  const sleep = night.detail.sleepEstimate as Record<string, unknown> | null | undefined;
  const onset = numberAt(sleep?.sleepOnset);
  const awakening = numberAt(sleep?.finalAwakening);
  const midpoint = onset !== null && awakening !== null ? (onset + awakening) / 2 : (night.start + night.end) / 2;
  return episodes.filter((e) => {
    const start = numberAt((e as Record<string, unknown> | null)?.start);
    return start !== null && start >= midpoint;
  }).length;
}

function redFlags(r: StiffnessReport): RedFlagAnswers {
  const answers: RedFlagAnswers = {};
  for (const [k, v] of Object.entries(r.redFlags) as [keyof RedFlagAnswers, boolean | null][]) {
    if (v !== null) answers[k] = v;
  }
  return answers;
}

export function flagInput(records: DayRecords): FlagInput {
  return {
    reports: records.reports.map((r) => ({ date: r.date, stiffnessDurationMin: r.durationMin, redFlags: redFlags(r) })),
    mornings: records.mornings.map((m) => ({ date: m.date, timeToLoosenMin: m.metrics.time_to_loosen_min ?? null })),
    nights: records.nights.map((n) => ({
      date: n.date,
      wakeSecondHalfMin: n.metrics.wake_second_half_min ?? null,
      outOfBedSecondHalf: outOfBedSecondHalf(n),
    })),
  };
}
