// How numbers, times and statistics read on screen. Times are shown in the browser's time zone; dates (a night's
// date is the UTC date of its final rise) are shown as they are.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

export const timeZoneName = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function clock(iso: string | number): string {
  return timeFormat.format(new Date(iso));
}

export function day(date: string): string {
  return dateFormat.format(new Date(`${date}T00:00:00Z`));
}

/** 0 -> "0 min", 75 -> "1 h 15 min"; a number stays on the line of its unit (no-break spaces). */
export function minutes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const total = Math.round(value);
  if (total < 60) return `${total}\u00a0min`;
  const rest = total % 60;
  return `${Math.floor(total / 60)}\u00a0h${rest ? ` ${rest}\u00a0min` : ''}`;
}

export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${Math.round(share * 100)}%`;
}

/** p- and q-values: three significant digits, scientific below 0.001. */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(1) : p.toPrecision(2);
}

/** A metric value with its unit: shares as percentages, minutes as h/min, counts whole. */
export function metric(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '–';
  switch (unit) {
    case '0-1':
      return percent(value);
    case 'min':
      return minutes(value);
    case 'count':
      return num(value, 0);
    case '1/h':
      return `${num(value, 1)} /h`;
    case 's':
      return `${num(value, 0)} s`;
    case 'deg':
      return `${num(value, 1)}°`;
    default:
      return num(value, 2);
  }
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
