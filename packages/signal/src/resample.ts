// Irregular or gappy samples onto a fixed-rate grid. Short irregularities (jitter, a few dropped samples) are
// linearly interpolated; anything longer than maxGapMs splits the recording into segments and is reported as a
// gap, never bridged. Input already on the grid (every sample within a tenth of an interval of it) is used as it is.

export interface Channels {
  ax: Float32Array;
  ay: Float32Array;
  az: Float32Array;
  /** Optional gyroscope, deg/s. */
  gx?: Float32Array;
  gy?: Float32Array;
  gz?: Float32Array;
}

export interface Recording extends Channels {
  /** Sample times, UTC epoch ms, non-decreasing. */
  t: Float64Array;
}

/** A stretch of samples on a fixed grid: sample i was taken at t0 + i * 1000 / rateHz. */
export interface Segment extends Channels {
  t0: number;
  rateHz: number;
}

export interface Gap {
  /** Time of the last sample before the gap and of the first after it, UTC epoch ms. */
  start: number;
  end: number;
}

export interface ResampleResult {
  rateHz: number;
  segments: Segment[];
  gaps: Gap[];
  /** Samples dropped because their time repeated or went backwards. */
  droppedSamples: number;
}

/** Median sample interval as a rate in Hz (robust to the odd gap). */
export function detectRateHz(t: Float64Array): number {
  const n = Math.min(t.length - 1, 20_000);
  if (n < 1) return Number.NaN;
  const dts = new Float64Array(n);
  const step = Math.max(1, Math.floor((t.length - 1) / n));
  for (let i = 0; i < n; i++) dts[i] = t[i * step + 1]! - t[i * step]!;
  dts.sort();
  const median = dts[n >> 1]!;
  return median > 0 ? 1000 / median : Number.NaN;
}

export function defaultMaxGapMs(rateHz: number): number {
  return Math.max(500, 2500 / rateHz);
}

export function resample(rec: Recording, rateHz: number, maxGapMs = defaultMaxGapMs(rateHz)): ResampleResult {
  const { t } = rec;
  const gyro = rec.gx !== undefined && rec.gy !== undefined && rec.gz !== undefined;
  const segments: Segment[] = [];
  const gaps: Gap[] = [];
  let dropped = 0;
  const dt = 1000 / rateHz;
  // The usual case, one regular stretch: a single check, no copy.
  if (t.length > 1 && t[t.length - 1]! - t[0]! < (t.length - 0.5) * dt && onGridRange(t, 0, t.length, dt)) {
    return { rateHz, segments: [view(rec, 0, t.length, rateHz, gyro)], gaps: [], droppedSamples: 0 };
  }
  const keep = new Int32Array(t.length);
  let start = 0;
  while (start < t.length) {
    // Grow the segment while times increase by no more than maxGapMs; repeated or backward times are skipped.
    keep[0] = start;
    let kept = 1;
    let end = start + 1;
    for (; end < t.length; end++) {
      const d = t[end]! - t[keep[kept - 1]!]!;
      if (d <= 0) {
        dropped++;
        continue;
      }
      if (d > maxGapMs) break;
      keep[kept++] = end;
    }
    const idx = keep.subarray(0, kept);
    segments.push(
      onGrid(t, idx, dt) ? view(rec, idx[0]!, kept, rateHz, gyro) : interpolate(rec, idx, dt, rateHz, gyro),
    );
    if (end < t.length) gaps.push({ start: t[keep[kept - 1]!]!, end: t[end]! });
    start = end;
  }
  return { rateHz, segments, gaps, droppedSamples: dropped };
}

/** Whether samples idx are consecutive and each within a tenth of an interval of the grid from the first. */
function onGrid(t: Float64Array, idx: Int32Array, dt: number): boolean {
  const first = idx[0]!;
  return idx[idx.length - 1]! - first === idx.length - 1 && onGridRange(t, first, idx.length, dt);
}

function onGridRange(t: Float64Array, first: number, n: number, dt: number): boolean {
  const t0 = t[first]!;
  const tolerance = dt / 10;
  for (let i = 0; i < n; i++) if (Math.abs(t[first + i]! - (t0 + i * dt)) > tolerance) return false;
  return true;
}

/** Regular input needs no copy: the segment is a view of the recording. */
function view(rec: Recording, from: number, n: number, rateHz: number, gyro: boolean): Segment {
  const seg: Segment = {
    t0: rec.t[from]!,
    rateHz,
    ax: rec.ax.subarray(from, from + n),
    ay: rec.ay.subarray(from, from + n),
    az: rec.az.subarray(from, from + n),
  };
  if (gyro) {
    Object.assign(seg, {
      gx: rec.gx!.subarray(from, from + n),
      gy: rec.gy!.subarray(from, from + n),
      gz: rec.gz!.subarray(from, from + n),
    });
  }
  return seg;
}

function interpolate(rec: Recording, idx: Int32Array, dt: number, rateHz: number, gyro: boolean): Segment {
  const { t } = rec;
  const t0 = t[idx[0]!]!;
  const span = t[idx[idx.length - 1]!]! - t0;
  const n = Math.floor(span / dt + 1e-9) + 1;
  const src: Float32Array[] = [rec.ax, rec.ay, rec.az];
  if (gyro) src.push(rec.gx!, rec.gy!, rec.gz!);
  const out = src.map(() => new Float32Array(n));
  let j = 0;
  for (let i = 0; i < n; i++) {
    const ti = t0 + i * dt;
    while (j < idx.length - 2 && t[idx[j + 1]!]! <= ti) j++;
    const a = idx[j]!;
    const b = idx[Math.min(j + 1, idx.length - 1)]!;
    const ta = t[a]!;
    const tb = t[b]!;
    const w = tb > ta ? Math.min(1, Math.max(0, (ti - ta) / (tb - ta))) : 0;
    for (let c = 0; c < src.length; c++) out[c]![i] = src[c]![a]! + w * (src[c]![b]! - src[c]![a]!);
  }
  const seg: Segment = { t0, rateHz, ax: out[0]!, ay: out[1]!, az: out[2]! };
  if (gyro) Object.assign(seg, { gx: out[3], gy: out[4], gz: out[5] });
  return seg;
}
