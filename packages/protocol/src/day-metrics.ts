// The names under which night and morning records keep their metrics (the records' `metrics` maps, and the
// night_* / morning_* columns of the tidy export). The analysis engine writes these names; the API's links, flags
// and summaries read them. The measures themselves are defined in docs/metrics.md; `from` names the field of the
// engine's night or morning result each one comes from.

export interface MetricDefinition {
  unit: string;
  description: string;
  /** Field of the analysis engine's result (docs/metrics.md) the value comes from. */
  from: string;
}

export const NIGHT_METRICS = {
  time_in_bed_min: { unit: 'min', description: 'time in bed, bed start to final rise', from: 'timeInBedMinutes' },
  share_supine: { unit: '0-1', description: 'share of time in bed lying supine', from: 'positions.supine.share' },
  share_prone: { unit: '0-1', description: 'share of time in bed lying prone', from: 'positions.prone.share' },
  share_left: { unit: '0-1', description: 'share of time in bed lying on the left side', from: 'positions.left.share' },
  share_right: {
    unit: '0-1',
    description: 'share of time in bed lying on the right side',
    from: 'positions.right.share',
  },
  share_upright: {
    unit: '0-1',
    description: 'share of time in bed upright (sitting up, out of bed)',
    from: 'positions.upright.share',
  },
  position_changes_per_hour: {
    unit: '1/h',
    description: 'changes of position label per hour in bed',
    from: 'positionChangesPerHour',
  },
  turns_per_hour: { unit: '1/h', description: 'turns (roll changes that hold) per hour in bed', from: 'turnsPerHour' },
  longest_immobile_bout_min: {
    unit: 'min',
    description: 'longest sustained inactivity bout',
    from: 'longestImmobileBoutMinutes',
  },
  out_of_bed_count: {
    unit: 'count',
    description: 'out-of-bed episodes inside the bed period',
    from: 'outOfBedEpisodes.length',
  },
  total_sleep_min: {
    unit: 'min',
    description: 'estimated total sleep (sustained inactivity, not polysomnography)',
    from: 'sleepEstimate.totalSleepMinutes',
  },
  sleep_efficiency: {
    unit: '0-1',
    description: 'estimated total sleep over time in bed',
    from: 'sleepEstimate.sleepEfficiency',
  },
  wake_second_half_min: {
    unit: 'min',
    description: 'minutes awake or out of bed after the midpoint of the sleep period (sleep onset to final awakening)',
    from: 'sleepEstimate and bouts',
  },
  out_of_bed_second_half: {
    unit: 'count',
    description: 'out-of-bed episodes starting after the midpoint of the sleep period',
    from: 'outOfBedEpisodes',
  },
} as const satisfies Record<string, MetricDefinition>;
export type NightMetricName = keyof typeof NIGHT_METRICS;

export const MORNING_METRICS = {
  time_to_loosen_min: {
    unit: 'min',
    description: 'objective time to loosen: first 5-minute window whose sagittal range reaches 90% of the reference',
    from: 'timeToLoosenMinutes',
  },
  rom_first_30min_deg: {
    unit: 'deg',
    description: 'mean sagittal range of motion (flexion + extension) of the 5-minute windows of the first 30 minutes',
    from: 'windows[minutesFromRise < 30].sagittalRangeDeg',
  },
  reference_sagittal_range_deg: {
    unit: 'deg',
    description: 'the day reference sagittal range (3 to 5 h after rising)',
    from: 'reference.sagittalRangeDeg',
  },
  time_to_first_upright_s: {
    unit: 's',
    description: 'from the final rise until the sit-up is complete',
    from: 'timeToFirstUprightSeconds',
  },
} as const satisfies Record<string, MetricDefinition>;
export type MorningMetricName = keyof typeof MORNING_METRICS;
