// Nights and mornings as flat, snake_case metrics (null when not computable): the shape the store keeps and the
// tidy exports show (columns night_<name>, morning_<name>). Every name of the catalogue the API links and flags read
// (packages/protocol/src/day-metrics.ts) is here under that name, which a cross-package test checks (signal depends
// on nothing of ours); the rest are extra detail. Names and units are in docs/metrics.md.
import type { MorningResult } from './morning.js';
import type { NightResult } from './night.js';
import { POSTURE_LABELS } from './posture-rule.js';

export type DayMetrics = Record<string, number | null>;

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function nightMetrics(n: NightResult): DayMetrics {
  const { sleepEstimate: sleep } = n;
  const mid =
    sleep.sleepOnset !== null && sleep.finalAwakening !== null ? (sleep.sleepOnset + sleep.finalAwakening) / 2 : null;
  const m: DayMetrics = {
    time_in_bed_min: n.timeInBedMinutes,
    sleep_onset_latency_min: sleep.sleepOnsetLatencyMinutes,
    total_sleep_min: sleep.totalSleepMinutes,
    waso_min: sleep.wakeAfterSleepOnsetMinutes,
    wake_second_half_min: sleep.wakeSecondHalfMinutes,
    sleep_efficiency: sleep.sleepEfficiency,
    position_changes: n.positionChanges,
    position_changes_per_hour: n.positionChangesPerHour,
    turns: n.turns.length,
    turns_per_hour: n.turnsPerHour,
    longest_immobile_bout_min: n.longestImmobileBoutMinutes,
    out_of_bed_count: n.outOfBedEpisodes.length,
    out_of_bed_second_half: mid === null ? null : n.outOfBedEpisodes.filter((e) => e.start >= mid).length,
    out_of_bed_min: n.outOfBedEpisodes.reduce((s, e) => s + e.minutes, 0),
    non_wear_min: n.nonWearMinutes,
    missing_min: n.missingMinutes,
  };
  for (const label of POSTURE_LABELS) {
    const p = n.positions[label];
    m[`${label}_min`] = p.minutes;
    m[`share_${label}`] = p.share;
    m[`longest_${label}_bout_min`] = p.bouts > 0 ? p.longestBoutMinutes : null;
  }
  return m;
}

export function morningMetrics(m: MorningResult): DayMetrics {
  const first = m.windows[0];
  const ranges = (windows: MorningResult['windows']) =>
    windows.flatMap((w) => (w.sagittalRangeDeg === null ? [] : [w.sagittalRangeDeg]));
  const firstHalfHour = ranges(m.windows.filter((w) => w.minutesFromRise < 30));
  const firstHour = ranges(m.windows.slice(0, 12));
  return {
    time_to_first_upright_s: m.timeToFirstUprightSeconds,
    first_sit_to_stand_s: m.firstSitToStand?.durationSeconds ?? null,
    time_to_loosen_min: m.timeToLoosenMinutes,
    first_window_sagittal_range_deg: first?.sagittalRangeDeg ?? null,
    rom_first_30min_deg: mean(firstHalfHour),
    first_hour_mean_sagittal_range_deg: mean(firstHour),
    first_window_speed_deg_s: first?.speedDegS ?? null,
    reference_flexion_deg: m.reference?.flexionDeg ?? null,
    reference_extension_deg: m.reference?.extensionDeg ?? null,
    reference_lateral_left_deg: m.reference?.lateralLeftDeg ?? null,
    reference_lateral_right_deg: m.reference?.lateralRightDeg ?? null,
    reference_sagittal_range_deg: m.reference?.sagittalRangeDeg ?? null,
    reference_frontal_range_deg: m.reference?.frontalRangeDeg ?? null,
    reference_speed_deg_s: m.reference?.speedDegS ?? null,
  };
}
