// A recording in memory: int16 samples in device axes with per-sample ground truth and the truth summaries of
// every night and morning it spans. Deterministic: the same options give the same bytes.
import { POSTURES } from '@restpose/protocol';
import { z } from 'zod';
import { attachment, indexOfDate, type PlanOptions, Timeline } from './cycle.js';
import { createPerson, mergePerson, type Person, type PersonOverrides, personSchema } from './person.js';
import { NON_WEAR_CODE } from './plan.js';
import { deriveSeed, Random } from './random.js';
import { allocateSamples, Renderer, type SampleArrays } from './render.js';
import { fromAxisMap, isRotation, type Mat3, mat3Schema, multiply, randomTilt } from './rotation.js';
import { createSensor, type Sensor, sensorOptionsSchema } from './sensor.js';
import {
  LABEL_RULE,
  type MountingTruth,
  morningTruth,
  nightTruth,
  type RecordingTruth,
  recordingTruthSchema,
  SIMULATOR_VERSION,
} from './truth.js';

const MIN = 60_000;

export const mountingOptionsSchema = z.object({
  /**
   * 'body': device axes are body axes; 'random': one of the eight placements flat on the back (device z along the
   * body's x axis, turned 0/90/180/270 degrees, either face) tilted by up to ~10 degrees, drawn from the seed;
   * an axis map such as '-y,x,z' (see fromAxisMap); or a deviceToBody matrix (v_body = R v_device).
   */
  base: z.union([z.string(), mat3Schema]).default('body'),
  /** SD of the misalignment each time the device is put on, degrees. */
  jitterDeg: z.number().nonnegative().default(0),
  /** Mean slips per night (during turns) and the SD of a slip, degrees. */
  slipsPerNight: z.number().nonnegative().default(0),
  slipDeg: z.number().nonnegative().default(8),
});
export type MountingOptions = z.input<typeof mountingOptionsSchema>;

export const recordingOptionsSchema = z.object({
  seed: z.number().int(),
  /** A full person, or overrides of the person drawn from the seed. */
  person: z.union([personSchema, z.record(z.string(), z.unknown())]).optional(),
  /** Local date of the first night's final rise. */
  startDate: z.string().default('2025-01-01'),
  nights: z.number().int().min(1).max(366).default(1),
  rateHz: z.number().min(1).max(400).default(50),
  /** The recording starts this long before the first bed entry and ends this long after the last final rise. */
  beforeBedMin: z.number().min(0).max(600).default(30),
  afterRiseHours: z.number().min(0).max(18).default(5),
  /** Explicit span instead (true UTC ms); overrides startDate/nights/beforeBedMin/afterRiseHours. */
  span: z.object({ startMs: z.number(), endMs: z.number() }).optional(),
  sensor: sensorOptionsSchema.optional(),
  mounting: mountingOptionsSchema.optional(),
  nonWear: z.boolean().default(false),
  artifactsPerHour: z.number().nonnegative().default(0),
  /** The sensor's sample clock error: it samples (1 + ppm / 1e6) times faster than the nominal rate, which the
   *  recording's own time axis (sample index / rate) assumes. Internal oscillators are often 1-5% off. */
  sampleRateErrorPpm: z.number().min(-100_000).max(100_000).default(0),
  /** Keep per-sample truth arrays (posture, activity, flags, angles). */
  sampleTruth: z.boolean().default(true),
});
export type RecordingOptions = z.input<typeof recordingOptionsSchema>;

export interface Recording {
  rateHz: number;
  /** True UTC ms of the first sample. */
  startMs: number;
  sampleCount: number;
  /** mg per LSB of the accelerometer counts; mdps per LSB of the gyroscope counts (null without one). */
  accScaleMg: number;
  gyroScaleMdps: number | null;
  samples: SampleArrays;
  truth: RecordingTruth;
}

/** Resolves a mounting option to deviceToBody; throws with the field named when it is not a rotation. */
export function resolveMounting(seed: number, base: string | Mat3): Mat3 {
  if (Array.isArray(base)) {
    if (!isRotation(base)) throw new Error('mounting: expected a rotation (orthonormal rows, determinant +1)');
    return base;
  }
  if (base === 'body') return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (base === 'random') return randomBackPlacement(seed);
  const m = fromAxisMap(base);
  if (!m) throw new Error(`mounting: expected body, random or an axis map such as -y,x,z; got ${JSON.stringify(base)}`);
  return m;
}

function randomBackPlacement(seed: number): Mat3 {
  const r = new Random(deriveSeed(seed, 'placement'));
  // Signed permutations with determinant +1 whose device z lies along the body's x axis (flat on the back).
  const placements: Mat3[] = [];
  const perms = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const perm of perms) {
    for (let signs = 0; signs < 8; signs++) {
      const m = new Array<number>(9).fill(0);
      perm.forEach((col, row) => {
        m[row * 3 + col] = signs & (1 << row) ? -1 : 1;
      });
      const det =
        m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
        m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
        m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
      // deviceToBody row x has its 1 in column z: body x = +-device z.
      if (det === 1 && Math.abs(m[2]!) === 1) placements.push(m);
    }
  }
  const tilt = randomTilt(() => r.next(), r.normal(0, 5));
  return multiply(tilt, r.pick(placements));
}

export function resolvePerson(seed: number, person: RecordingOptions['person']): Person {
  if (!person) return createPerson(seed);
  const full = personSchema.safeParse(person);
  return full.success ? full.data : mergePerson(createPerson(seed), person as PersonOverrides);
}

export function planOptionsOf(seed: number, options: z.infer<typeof recordingOptionsSchema>): PlanOptions {
  const m = mountingOptionsSchema.parse(options.mounting ?? {});
  return {
    mounting: resolveMounting(seed, m.base),
    mountingJitterDeg: m.jitterDeg,
    slipsPerNight: m.slipsPerNight,
    slipDeg: m.slipDeg,
    nonWear: options.nonWear,
    artifactsPerHour: options.artifactsPerHour,
  };
}

/** Simulates a recording: by default from 30 min before the first bed entry to 5 h after the last final rise. */
export function simulateRecording(input: RecordingOptions): Recording {
  const options = recordingOptionsSchema.parse(input);
  const { seed, rateHz } = options;
  const person = resolvePerson(seed, options.person);
  const planOptions = planOptionsOf(seed, options);
  const timeline = new Timeline(seed, person, planOptions, 3);
  const sensor = createSensor(seed, options.sensor);

  const firstIndex = indexOfDate(options.startDate);
  const lastIndex = firstIndex + options.nights - 1;
  const span = options.span ?? {
    startMs: timeline.cycle(firstIndex).night.bedEntry - options.beforeBedMin * MIN,
    endMs: timeline.cycle(lastIndex).night.finalRise + options.afterRiseHours * 60 * MIN,
  };
  const startMs = Math.floor(span.startMs / 1000) * 1000;
  const rateFactor = 1 + options.sampleRateErrorPpm / 1e6;
  const sampleCount = Math.max(0, Math.floor(((span.endMs - startMs) * rateHz * rateFactor) / 1000));
  const samples = allocateSamples(sampleCount, sensor.gyro !== null, options.sampleTruth);
  const renderer = new Renderer(timeline, sensor, {
    rateHz,
    startMs,
    sampleRateErrorPpm: options.sampleRateErrorPpm,
    noiseKey: deriveSeed(seed, 'noise'),
  });
  renderer.render(0, sampleCount, samples);
  const endMs = renderer.timeOf(sampleCount);

  return {
    rateHz,
    startMs,
    sampleCount,
    accScaleMg: sensor.accScaleMg,
    gyroScaleMdps: sensor.gyro?.scaleMdps ?? null,
    samples,
    truth: truthOf(seed, timeline, sensor, options.sampleRateErrorPpm, rateHz, startMs, endMs, sampleCount, (index) =>
      options.span ? undefined : index >= firstIndex && index <= lastIndex,
    ),
  };
}

function truthOf(
  seed: number,
  timeline: Timeline,
  sensor: Sensor,
  sampleRateErrorPpm: number,
  rateHz: number,
  startMs: number,
  endMs: number,
  sampleCount: number,
  /** Whether the night of cycle `index` belongs to the recording; undefined: when its final rise falls inside. */
  requested: (index: number) => boolean | undefined,
): RecordingTruth {
  const first = timeline.indexAt(startMs);
  const last = timeline.indexAt(Math.max(startMs, endMs - 1));
  const truth: RecordingTruth = {
    format: 'restpose-sim-truth/1',
    simulator: SIMULATOR_VERSION,
    seed,
    rateHz,
    startMs,
    sampleCount,
    sampleRateErrorPpm,
    person: timeline.person,
    sensor,
    mounting: { initial: { deviceToBody: attachment(seed, timeline.options, first) }, changes: [] },
    nights: [],
    mornings: [],
    nonWear: [],
    artifacts: [],
    labelRule: LABEL_RULE,
  };
  const mounting: MountingTruth = truth.mounting;
  for (let index = first; index <= last; index++) {
    const cycle = timeline.cycle(index);
    for (const c of cycle.mounting.changes) {
      if (c.t1 <= startMs) mounting.initial = { deviceToBody: c.after };
      else if (c.t0 < endMs) {
        mounting.changes.push({
          start: c.t0,
          end: c.t1,
          kind: c.kind,
          angleDeg: c.angleDeg,
          axis: c.axis,
          after: { deviceToBody: c.after },
        });
      }
    }
    const n = cycle.night;
    if (requested(index) ?? (n.finalRise >= startMs && n.finalRise < endMs)) {
      truth.nights.push(nightTruth(cycle));
      truth.mornings.push(morningTruth(cycle));
    }
    for (const w of cycle.day.nonWear) if (w.end > startMs && w.start < endMs) truth.nonWear.push(w);
    for (const a of cycle.artifacts) {
      if (a.t0 >= startMs && a.t0 < endMs) truth.artifacts.push({ start: a.t0, peakG: Math.hypot(...a.accG) });
    }
  }
  return recordingTruthSchema.parse(truth);
}

/** Acceleration in g, device axes, as Float32Arrays. */
export function accelerationG(rec: Recording): { x: Float32Array; y: Float32Array; z: Float32Array } {
  const g = rec.accScaleMg / 1000;
  const conv = (a: Int16Array) => Float32Array.from(a, (v) => v * g);
  return { x: conv(rec.samples.ax), y: conv(rec.samples.ay), z: conv(rec.samples.az) };
}

/** Angular rate in deg/s, device axes, or null without a gyroscope. */
export function angularRateDps(rec: Recording): { x: Float32Array; y: Float32Array; z: Float32Array } | null {
  const { gx, gy, gz } = rec.samples;
  if (!gx || !gy || !gz || rec.gyroScaleMdps === null) return null;
  const s = rec.gyroScaleMdps / 1000;
  const conv = (a: Int16Array) => Float32Array.from(a, (v) => v * s);
  return { x: conv(gx), y: conv(gy), z: conv(gz) };
}

export interface EpochLabel {
  /** Seconds from the first sample on the recording's own clock (sample index / rate). */
  t: number;
  label: (typeof POSTURES)[number] | 'non-wear';
}

/** Per-epoch reference labels by the majority rule of LABEL_RULE. */
export function epochLabels(rec: Recording, epochS: number): EpochLabel[] {
  const posture = rec.samples.truth?.posture;
  if (!posture) throw new Error('epochLabels: the recording was made without sample truth');
  const per = Math.round(epochS * rec.rateHz);
  if (per < 1) throw new Error('epochS: expected at least one sample per epoch');
  const out: EpochLabel[] = [];
  const counts = new Uint32Array(256);
  for (let start = 0; start + per <= rec.sampleCount; start += per) {
    counts.fill(0);
    let max = 0;
    for (let i = start; i < start + per; i++) max = Math.max(max, ++counts[posture[i]!]!);
    // On a tie, the label seen first in the epoch.
    let best = posture[start]!;
    for (let i = start; i < start + per && counts[best] !== max; i++) best = posture[i]!;
    out.push({ t: start / rec.rateHz, label: best === NON_WEAR_CODE ? 'non-wear' : POSTURES[best]! });
  }
  return out;
}
