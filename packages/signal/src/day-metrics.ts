// Nights and mornings as flat, snake_case metrics (null when not computable): the shape the store keeps and the
// tidy exports show (columns night_<name>, morning_<name>). Names and units are in docs/metrics.md.
import type { MorningResult } from './morning.js';
import type { NightResult } from './night.js';
import { POSTURE_LABELS } from './posture-rule.js';

export type DayMetrics = Record<string, number | null>;

export function nightMetrics(n: NightResult): DayMetrics {
  const m: DayMetrics = {
    time_in_bed_min: n.timeInBedMinutes,
    sleep_onset_latency_min: n.sleepEstimate.sleepOnsetLatencyMinutes,
    total_sleep_min: n.sleepEstimate.totalSleepMinutes,
    waso_min: n.sleepEstimate.wakeAfterSleepOnsetMinutes,
    sleep_efficiency: n.sleepEstimate.sleepEfficiency,
    position_changes: n.positionChanges,
    position_changes_per_hour: n.positionChangesPerHour,
    turns: n.turns.length,
    turns_per_hour: n.turnsPerHour,
    longest_immobile_bout_min: n.longestImmobileBoutMinutes,
    out_of_bed_episodes: n.outOfBedEpisodes.length,
    out_of_bed_min: n.outOfBedEpisodes.reduce((s, e) => s + e.minutes, 0),
    non_wear_min: n.nonWearMinutes,
    missing_min: n.missingMinutes,
  };
  for (const label of POSTURE_LABELS) {
    const p = n.positions[label];
    m[`${label}_min`] = p.minutes;
    m[`${label}_share`] = p.share;
    m[`longest_${label}_bout_min`] = p.bouts > 0 ? p.longestBoutMinutes : null;
  }
  return m;
}

export function morningMetrics(m: MorningResult): DayMetrics {
  const first = m.windows[0];
  const firstHour = m.windows.slice(0, 12).flatMap((w) => (w.sagittalRangeDeg === null ? [] : [w.sagittalRangeDeg]));
  return {
    time_to_first_upright_s: m.timeToFirstUprightSeconds,
    first_sit_to_stand_s: m.firstSitToStand?.durationSeconds ?? null,
    time_to_loosen_min: m.timeToLoosenMinutes,
    first_window_sagittal_range_deg: first?.sagittalRangeDeg ?? null,
    first_hour_mean_sagittal_range_deg: firstHour.length
      ? firstHour.reduce((a, b) => a + b, 0) / firstHour.length
      : null,
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
