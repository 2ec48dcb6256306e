// The InfluxDB layout (docs/storage.md explains it): two retention policies, and the measurements in each.
// Tags are only what queries select by and stays low in cardinality; everything else is a field.

/** Raw telemetry, dropped after the configured period. */
export const RAW_RP = 'raw';
/** Everything derived or entered by people, kept until deleted: the default policy of the database. */
export const FOREVER_RP = 'forever';

export const MEASUREMENTS = {
  /** tag device; fields ax, ay, az (gx, gy, gz) in g and deg/s; time: the sample's, at ms or µs precision. */
  samples: { rp: RAW_RP, name: 'samples' },
  /** tag device (absent when unknown); fields received_at, code, letter (JSON); time: received, ns-unique. */
  deadLetters: { rp: RAW_RP, name: 'dead_letters' },
  /** One point per key at time 0, rewritten on every change: tag id; field doc (JSON). */
  users: { rp: FOREVER_RP, name: 'users' },
  /** tag token_hash; fields user_id, doc; time 0. */
  tokens: { rp: FOREVER_RP, name: 'tokens' },
  /** tag id; fields deleted, doc; time 0 (a deletion rewrites the point with deleted=true). */
  subjects: { rp: FOREVER_RP, name: 'subjects' },
  /** tag id; field doc; time 0. */
  devices: { rp: FOREVER_RP, name: 'devices' },
  /** tag device; fields subject, doc; time: the assignment's start. */
  assignments: { rp: FOREVER_RP, name: 'assignments' },
  /** tags subject, algorithm; fields device, duration_s, posture, confidence, *_deg; time: epoch start. */
  epochs: { rp: FOREVER_RP, name: 'epochs' },
  /** tags subject, algorithm; fields start_ms, end_ms, computed_at_ms, metrics, detail (JSON); time: UTC midnight. */
  nights: { rp: FOREVER_RP, name: 'nights' },
  mornings: { rp: FOREVER_RP, name: 'mornings' },
  /** tag subject; fields severity, duration_min, deleted, doc; time: UTC midnight of the date. */
  stiffness: { rp: FOREVER_RP, name: 'stiffness' },
  /** tag actor; fields action, subject ("" for none), doc; time: the entry's, ns-unique. */
  audit: { rp: FOREVER_RP, name: 'audit' },
} as const;

export type Measurement = (typeof MEASUREMENTS)[keyof typeof MEASUREMENTS];

/** Hours of a retention period as InfluxQL takes it ("90d", "12w", "48h"; 0 for INF); null when the text is not one. */
export function retentionHours(text: string): number | null {
  if (text === 'INF') return 0;
  const match = /^([1-9]\d*)([hdw])$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * { h: 1, d: 24, w: 168 }[match[2] as 'h' | 'd' | 'w'];
}

/** InfluxDB reports durations as "2160h0m0s" (0s for INF). */
export function reportedHours(duration: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  return match ? Number(match[1] ?? 0) + Number(match[2] ?? 0) / 60 + Number(match[3] ?? 0) / 3600 : Number.NaN;
}
