// The metric catalogue of @restpose/protocol (names, units, descriptions), put into the bundle by the server's
// esbuild `define`: the dashboard names metrics exactly as the API and the exports do.
import type { MetricDefinition, MorningMetricName, NightMetricName } from '@restpose/protocol';

declare const RESTPOSE_METRIC_CATALOGUE: {
  night: Record<NightMetricName, MetricDefinition>;
  morning: Record<MorningMetricName, MetricDefinition>;
};

export const NIGHT_METRICS = RESTPOSE_METRIC_CATALOGUE.night;
export const MORNING_METRICS = RESTPOSE_METRIC_CATALOGUE.morning;
export const NIGHT_METRIC_NAMES = Object.keys(NIGHT_METRICS) as NightMetricName[];

/** The next-morning outcomes the trends and links relate (the API's link outcomes). */
export const OUTCOMES = {
  stiffness_severity: 'reported stiffness severity (BASDAI 5, 0-10)',
  stiffness_duration_min: 'reported stiffness duration (BASDAI 6, min)',
  time_to_loosen_min: 'measured time to loosen (min)',
  rom_first_30min_deg: 'range of motion, first 30 min (deg)',
} as const;
export type OutcomeName = keyof typeof OUTCOMES;

/** How a night metric or an outcome is named on screen: its description (the code name if it is not catalogued). */
export function metricLabel(name: string): string {
  if (name in OUTCOMES) return OUTCOMES[name as OutcomeName];
  return name in NIGHT_METRICS ? NIGHT_METRICS[name as NightMetricName].description : name.replaceAll('_', ' ');
}

/** A label short enough for a chart axis: the first words of a long one, with an ellipsis. */
export function axisLabel(text: string, max = 36): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/[\s,(]+\S*$/, '')}…`;
}
