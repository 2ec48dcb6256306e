// Checks and tidies raw sample batches before any adapter writes them, so both store exactly the same samples.
import { deviceIdSchema } from '@restpose/protocol';
import type { SampleBatch } from './contract.js';
import { StoreInputError } from './errors.js';

const AXES = ['ax', 'ay', 'az'] as const;
const GYRO_AXES = ['gx', 'gy', 'gz'] as const;

function checkBatch(b: SampleBatch, what: string): void {
  if (!deviceIdSchema.safeParse(b.deviceId).success) {
    throw new StoreInputError(`${what}.deviceId: expected 1-64 letters, digits, "_", "." or "-"`);
  }
  const n = b.t.length;
  const columns: Array<[string, ArrayLike<number>]> = [
    ['t', b.t],
    ...AXES.map((k) => [k, b[k]] as [string, Float32Array]),
    ...(b.gyro ? GYRO_AXES.map((k) => [`gyro.${k}`, b.gyro![k]] as [string, Float32Array]) : []),
  ];
  for (const [name, column] of columns) {
    if (column.length !== n)
      throw new StoreInputError(`${what}.${name}: expected ${n} values like t, got ${column.length}`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(column[i]!)) throw new StoreInputError(`${what}.${name}[${i}]: expected a finite number`);
    }
  }
}

function increasing(t: Float64Array): boolean {
  for (let i = 1; i < t.length; i++) if (!(t[i]! > t[i - 1]!)) return false;
  return true;
}

/** One batch per device with every timestamp once, the later of repeated samples winning. */
function merge(deviceId: string, batches: SampleBatch[]): SampleBatch {
  const withGyro = batches[0]!.gyro !== undefined;
  if (batches.some((b) => (b.gyro !== undefined) !== withGyro)) {
    throw new StoreInputError(`batches of ${deviceId}: overlapping batches must all have gyro or all lack it`);
  }
  const order: Array<[number, number]> = [];
  batches.forEach((b, k) => {
    for (let i = 0; i < b.t.length; i++) order.push([k, i]);
  });
  // Stable sort by t keeps write order among equal timestamps; the last of each run is the one kept.
  order.sort((p, q) => batches[p[0]]!.t[p[1]]! - batches[q[0]]!.t[q[1]]!);
  const kept = order.filter(
    (p, j) => j === order.length - 1 || batches[order[j + 1]![0]]!.t[order[j + 1]![1]] !== batches[p[0]]!.t[p[1]],
  );
  const pick = (column: (b: SampleBatch) => Float32Array) =>
    Float32Array.from(kept, ([k, i]) => column(batches[k]!)[i]!);
  return {
    deviceId,
    t: Float64Array.from(kept, ([k, i]) => batches[k]!.t[i]!),
    ax: pick((b) => b.ax),
    ay: pick((b) => b.ay),
    az: pick((b) => b.az),
    ...(withGyro
      ? { gyro: { gx: pick((b) => b.gyro!.gx), gy: pick((b) => b.gyro!.gy), gz: pick((b) => b.gyro!.gz) } }
      : {}),
  };
}

/**
 * Validates the batches (same lengths, finite numbers, valid device ids) and returns them without empty ones and
 * with each (device, t) at most once, so adapters can write them without deduplicating within a write.
 */
export function normalizeSampleBatches(input: SampleBatch | readonly SampleBatch[]): SampleBatch[] {
  const batches = (Array.isArray(input) ? input : [input]) as readonly SampleBatch[];
  const byDevice = new Map<string, SampleBatch[]>();
  for (const [i, b] of batches.entries()) {
    checkBatch(b, `batches[${i}]`);
    if (b.t.length === 0) continue;
    const list = byDevice.get(b.deviceId) ?? [];
    list.push(b);
    byDevice.set(b.deviceId, list);
  }
  const out: SampleBatch[] = [];
  for (const [deviceId, list] of byDevice) {
    const sorted = [...list].sort((a, b) => a.t[0]! - b.t[0]!);
    const clean =
      sorted.every((b) => increasing(b.t)) &&
      sorted.every((b, i) => i === 0 || b.t[0]! > sorted[i - 1]!.t[sorted[i - 1]!.t.length - 1]!);
    if (clean) out.push(...list);
    else out.push(merge(deviceId, list));
  }
  return out;
}

/** Whole milliseconds are written at ms precision, anything finer at µs (what a float64 epoch ms can carry). */
export function timePrecision(t: Float64Array): 'ms' | 'u' {
  for (let i = 0; i < t.length; i++) if (!Number.isInteger(t[i]!)) return 'u';
  return 'ms';
}

/** Epoch microseconds of an epoch-ms time, rounded: the resolution both adapters keep. */
export function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/** Collects samples read back, column by column, into a batch; gyro is kept only if every sample has it. */
type Columns = [number[], number[], number[], number[], number[], number[], number[]];

export class SampleCollector {
  // t, ax, ay, az, gx, gy, gz
  private readonly columns: Columns = [[], [], [], [], [], [], []];
  private gyroEverywhere = true;

  push(t: number, ax: number, ay: number, az: number, gx: number | null, gy: number | null, gz: number | null): void {
    const [ct, cax, cay, caz, cgx, cgy, cgz] = this.columns;
    ct.push(t);
    cax.push(ax);
    cay.push(ay);
    caz.push(az);
    if (gx === null || gy === null || gz === null) this.gyroEverywhere = false;
    cgx.push(gx ?? 0);
    cgy.push(gy ?? 0);
    cgz.push(gz ?? 0);
  }

  batch(deviceId: string): SampleBatch {
    const [t, ax, ay, az, gx, gy, gz] = this.columns;
    return {
      deviceId,
      t: Float64Array.from(t),
      ax: Float32Array.from(ax),
      ay: Float32Array.from(ay),
      az: Float32Array.from(az),
      ...(this.gyroEverywhere && t.length > 0
        ? { gyro: { gx: Float32Array.from(gx), gy: Float32Array.from(gy), gz: Float32Array.from(gz) } }
        : {}),
    };
  }
}
