// A simulated wearable as docs/protocol.md describes one, without the network: contiguous batches with a
// sequence number, stamped from a drifting real-time clock that is set again at every reconnect, sampled by a
// sensor clock with its own rate error; some batches lost before sending (a sequence gap), some sent twice;
// connection outages on a seeded schedule. Pure and random access: batch b is the same whenever it is asked for.
import type { ImuFrame } from '@restpose/protocol';
import { z } from 'zod';
import { DEFAULT_PLAN_OPTIONS, indexOfDate, type PlanOptions, Timeline } from './cycle.js';
import type { Person } from './person.js';
import { deriveSeed, mix32, Random } from './random.js';
import { resolvePerson, simulateRecording } from './recording.js';
import { allocateSamples, Renderer, type SampleArrays } from './render.js';
import { createSensor, type Sensor, type SensorOptions } from './sensor.js';

export const deviceRealismSchema = z.object({
  /** Real-time clock drift, ppm (positive: the device clock runs fast). The RTC is set right at the first sample
   *  and again at every reconnect; t0 comes from it. Typical crystals: tens of ppm. */
  clockDriftPpm: z.number().min(-1000).max(1000).default(0),
  /** RTC offset from UTC at the first sample, ms. */
  clockOffsetMs: z.number().min(-86_400_000).max(86_400_000).default(0),
  /** Sensor sample clock error, ppm: it samples (1 + ppm / 1e6) times faster than nominal (often 1-5%). */
  sampleRateErrorPpm: z.number().min(-100_000).max(100_000).default(0),
  /** Each batch waits a further uniform 0..jitterMs before it is sent (radio, scheduling). */
  jitterMs: z.number().min(0).max(60_000).default(0),
  /** Probability that a batch is lost before sending (flash overflow): its seq never arrives. */
  dropRate: z.number().min(0).max(1).default(0),
  /** Probability that a batch is sent twice (same seq, same bytes). */
  duplicateRate: z.number().min(0).max(1).default(0),
  /** Mean data-time between connection losses, seconds (0: never), and the mean outage, seconds. */
  reconnectEveryS: z.number().min(0).default(0),
  outageS: z.number().min(0.1).default(20),
});
export type DeviceRealism = z.infer<typeof deviceRealismSchema>;

export interface BatchInfo {
  /** Batch number from the device's first batch (0, 1, ...). */
  b: number;
  seq: number;
  /** RTC time of the first sample (what the frame carries), integer ms. */
  t0: number;
  /** True UTC ms of the first sample, and of the moment the last sample is in the FIFO (the batch is ready). */
  trueT0: number;
  readyAt: number;
  /** When the batch is handed to the radio: readyAt plus jitter. */
  sendAt: number;
  dropped: boolean;
  duplicated: boolean;
}

export interface Outage {
  start: number;
  end: number;
}

/** Where samples come from: a full physical simulation, or a loop over a pre-rendered pool (cheap, for load). */
export interface SignalSource {
  readonly accScaleMg: number;
  readonly gyroScaleMdps: number | null;
  /** Samples k .. k + n - 1 as int16 columns (views may be returned; do not keep them across calls). */
  samples(k: number, n: number): Pick<SampleArrays, 'ax' | 'ay' | 'az' | 'gx' | 'gy' | 'gz'>;
}

export interface PhysicalSignalOptions {
  seed: number;
  person?: Person;
  sensor?: SensorOptions;
  planOptions?: Partial<PlanOptions>;
  rateHz: number;
  /** True UTC ms of sample 0. */
  startMs: number;
  sampleRateErrorPpm?: number;
}

/** The full simulation, rendered batch by batch as the device asks. */
export class PhysicalSignal implements SignalSource {
  readonly accScaleMg: number;
  readonly gyroScaleMdps: number | null;
  readonly timeline: Timeline;
  readonly sensor: Sensor;
  private readonly renderer: Renderer;

  constructor(o: PhysicalSignalOptions) {
    const person = o.person ?? resolvePerson(o.seed, undefined);
    this.timeline = new Timeline(o.seed, person, { ...DEFAULT_PLAN_OPTIONS, ...o.planOptions }, 2);
    this.sensor = createSensor(o.seed, o.sensor);
    this.accScaleMg = this.sensor.accScaleMg;
    this.gyroScaleMdps = this.sensor.gyro?.scaleMdps ?? null;
    this.renderer = new Renderer(this.timeline, this.sensor, {
      rateHz: o.rateHz,
      startMs: o.startMs,
      sampleRateErrorPpm: o.sampleRateErrorPpm ?? 0,
      noiseKey: deriveSeed(o.seed, 'noise'),
    });
  }

  samples(k: number, n: number) {
    const out = allocateSamples(n, this.gyroScaleMdps !== null, false);
    this.renderer.render(k, n, out);
    return out;
  }
}

const pools = new Map<string, { accScaleMg: number; gyroScaleMdps: number | null; samples: SampleArrays; n: number }>();

/**
 * A pre-rendered stretch of a night (ten minutes by default, shared by every device of the process), read in a loop
 * from a per-device offset. Costs a copy at most per batch: for load generation, not for analysis.
 */
export class LoopSignal implements SignalSource {
  readonly accScaleMg: number;
  readonly gyroScaleMdps: number | null;
  private readonly pool: SampleArrays;
  /** Samples in the pool. */
  readonly length: number;
  private readonly offset: number;

  constructor(o: { seed: number; deviceSeed: number; rateHz: number; gyro: boolean; seconds?: number }) {
    const seconds = o.seconds ?? 600;
    const key = `${o.seed}:${o.rateHz}:${o.gyro}:${seconds}`;
    let pool = pools.get(key);
    if (!pool) {
      // From three hours after lights off in the default first night: lying, with whatever turns fall in it.
      const night = new Timeline(o.seed, resolvePerson(o.seed, undefined)).cycle(indexOfDate('2025-01-01')).night;
      const startMs = night.lightsOff + 3 * 3_600_000;
      const rec = simulateRecording({
        seed: o.seed,
        span: { startMs, endMs: startMs + seconds * 1000 },
        rateHz: o.rateHz,
        sampleTruth: false,
        sensor: { gyro: o.gyro },
      });
      pool = { accScaleMg: rec.accScaleMg, gyroScaleMdps: rec.gyroScaleMdps, samples: rec.samples, n: rec.sampleCount };
      pools.set(key, pool);
    }
    this.pool = pool.samples;
    this.length = pool.n;
    this.accScaleMg = pool.accScaleMg;
    this.gyroScaleMdps = pool.gyroScaleMdps;
    this.offset = mix32(o.deviceSeed) % this.length;
  }

  samples(k: number, n: number) {
    const at = (this.offset + k) % this.length;
    const p = this.pool;
    if (at + n <= this.length) {
      const view = (a: Int16Array | undefined) => a?.subarray(at, at + n);
      return { ax: view(p.ax)!, ay: view(p.ay)!, az: view(p.az)!, gx: view(p.gx), gy: view(p.gy), gz: view(p.gz) };
    }
    const copy = (a: Int16Array | undefined) => {
      if (!a) return undefined;
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = a[(at + i) % this.length]!;
      return out;
    };
    return { ax: copy(p.ax)!, ay: copy(p.ay)!, az: copy(p.az)!, gx: copy(p.gx), gy: copy(p.gy), gz: copy(p.gz) };
  }
}

export interface SimulatedDeviceOptions {
  seed: number;
  rateHz: number;
  batchSeconds: number;
  /** True UTC ms of the first sample. */
  startMs: number;
  /** Sequence number of the first batch. */
  firstSeq?: number;
  realism?: Partial<DeviceRealism>;
  signal: SignalSource;
}

export class SimulatedDevice {
  readonly realism: DeviceRealism;
  readonly samplesPerBatch: number;
  readonly signal: SignalSource;
  private readonly key: number;
  private readonly outageRng: Random;
  private readonly outages: Outage[] = [];
  private outagesUntil: number;
  private readonly samplePeriodMs: number;

  constructor(private readonly options: SimulatedDeviceOptions) {
    this.realism = deviceRealismSchema.parse(options.realism ?? {});
    this.samplesPerBatch = Math.max(1, Math.round(options.batchSeconds * options.rateHz));
    this.signal = options.signal;
    this.key = deriveSeed(options.seed, 'device');
    this.outageRng = new Random(deriveSeed(options.seed, 'outages'));
    this.outagesUntil = options.startMs;
    this.samplePeriodMs = 1000 / (options.rateHz * (1 + this.realism.sampleRateErrorPpm / 1e6));
  }

  get startMs(): number {
    return this.options.startMs;
  }

  /** A uniform draw for batch b and purpose p, independent of every other batch. */
  private draw(b: number, purpose: number): number {
    return mix32(this.key ^ mix32(b >>> 0) ^ Math.imul(purpose, 0x9e3779b1)) / 4294967296;
  }

  /** Timing and fate of batch b. */
  info(b: number): BatchInfo {
    const n = this.samplesPerBatch;
    const trueT0 = this.options.startMs + b * n * this.samplePeriodMs;
    const lastSample = trueT0 + (n - 1) * this.samplePeriodMs;
    const readyAt = lastSample + this.samplePeriodMs;
    // The firmware reads the RTC at the FIFO interrupt and steps back by the nominal sample period.
    const t0 = Math.round(this.rtc(lastSample) - ((n - 1) * 1000) / this.options.rateHz);
    return {
      b,
      seq: ((this.options.firstSeq ?? 0) + b) >>> 0,
      t0,
      trueT0,
      readyAt,
      sendAt: readyAt + this.draw(b, 1) * this.realism.jitterMs,
      dropped: this.draw(b, 2) < this.realism.dropRate,
      duplicated: this.draw(b, 3) < this.realism.duplicateRate,
    };
  }

  /** The frame of batch b, int16 counts as the sensor gave them. */
  frame(b: number): ImuFrame {
    const i = this.info(b);
    const s = this.signal.samples(b * this.samplesPerBatch, this.samplesPerBatch);
    const frame: ImuFrame = {
      seq: i.seq,
      t0: i.t0,
      rateHz: this.options.rateHz,
      accScaleMg: this.signal.accScaleMg,
      ax: s.ax,
      ay: s.ay,
      az: s.az,
    };
    if (this.signal.gyroScaleMdps !== null && s.gx && s.gy && s.gz) {
      frame.gyro = { scaleMdps: this.signal.gyroScaleMdps, gx: s.gx, gy: s.gy, gz: s.gz };
    }
    return frame;
  }

  /** Connection outages overlapping [from, to), true time, generated on demand. */
  outagesBetween(from: number, to: number): Outage[] {
    const { reconnectEveryS, outageS } = this.realism;
    if (reconnectEveryS <= 0) return [];
    while (this.outagesUntil < to) {
      const start = this.outagesUntil + -Math.log(1 - this.outageRng.next()) * reconnectEveryS * 1000;
      const length = Math.min(10 * outageS, Math.max(1, -Math.log(1 - this.outageRng.next()) * outageS)) * 1000;
      this.outages.push({ start, end: start + length });
      this.outagesUntil = start + length;
    }
    return this.outages.filter((o) => o.end > from && o.start < to);
  }

  /** The device RTC at true time t: set at the first sample (with the configured offset) and at every reconnect. */
  rtc(t: number): number {
    const { clockDriftPpm, clockOffsetMs } = this.realism;
    let sync = this.options.startMs;
    let offset = clockOffsetMs;
    if (this.realism.reconnectEveryS > 0) {
      for (const o of this.outagesBetween(this.options.startMs, t)) {
        if (o.end <= t) {
          sync = o.end;
          offset = 0;
        }
      }
    }
    return t + offset + ((t - sync) * clockDriftPpm) / 1e6;
  }

  /** The RTC's last synchronization before true time t, and the step it made (reference minus device, ms). */
  lastSync(t: number): { at: number; stepMs: number } | null {
    const past = this.outagesBetween(this.options.startMs, t).filter((o) => o.end <= t);
    const last = past[past.length - 1];
    if (!last) return null;
    return { at: last.end, stepMs: last.end - this.rtc(last.end - 1e-6) };
  }
}
