// Whole-recording analysis: resample, calibrate and estimate the mounting from a first pass of one-second
// summaries, then run the same streaming analyzer the live service runs, so both agree on the same data.
import { type AnalyzedEpoch, type AnalyzerOptions, StreamingAnalyzer } from './analyzer.js';
import { autocalibrate, type CalibrationReport, calibrationDisabled } from './calibration.js';
import type { MorningResult } from './morning.js';
import { configuredMounting, estimateMounting, type MountingReport } from './mounting.js';
import type { NightResult } from './night.js';
import type { Interval } from './nonwear.js';
import { angleRule, type PostureModel } from './posture-rule.js';
import { detectRateHz, type Gap, type Recording, resample } from './resample.js';
import { IDENTITY, type Mat3 } from './rotation.js';
import { NO_CALIBRATION, TickAccumulator } from './ticks.js';

export const ENGINE_VERSION = '1.0.0';

export interface AnalyzeOptions {
  /** Resample to this rate, Hz (default: the median rate of the input). */
  rateHz?: number;
  epochSeconds?: number;
  /** "auto" estimates the mounting from the data; "body" means device axes are body axes; or a rotation. */
  orientation?: 'auto' | 'body' | Mat3;
  /** Prior for the auto estimate's anterior direction when the data cannot tell (default: body). */
  orientationPrior?: Mat3;
  /** Autocalibrate offset and scale (default true; applied only when it passes its checks). */
  calibrate?: boolean;
  model?: PostureModel;
  maxGapMs?: number;
  night?: AnalyzerOptions['night'];
  morning?: AnalyzerOptions['morning'];
  nonWear?: AnalyzerOptions['nonWear'];
  /** Called as samples are analyzed (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface RecordingAnalysis {
  meta: {
    engineVersion: string;
    postureAlgorithm: string;
    ruleAlgorithm: string;
    backend: string;
    rateHz: number;
    inputRateHz: number;
    epochSeconds: number;
    firstSample: number;
    lastSample: number;
    samples: number;
    gyroscope: boolean;
  };
  quality: {
    calibration: CalibrationReport;
    mounting: MountingReport;
    gaps: Gap[];
    gapMinutes: number;
    droppedSamples: number;
    nonWear: Interval[];
    nonWearMinutes: number;
  };
  epochs: Array<AnalyzedEpoch & { nonWear: boolean }>;
  nights: NightResult[];
  mornings: MorningResult[];
}

const CHUNK = 50_000;

export function analyzeRecording(rec: Recording, options: AnalyzeOptions = {}): RecordingAnalysis {
  if (rec.t.length === 0) throw new Error('recording: no samples');
  const inputRate = detectRateHz(rec.t);
  const rateHz = options.rateHz ?? (Number.isFinite(inputRate) ? Math.round(inputRate * 1000) / 1000 : 1);
  const epochSeconds = options.epochSeconds ?? 30;
  const { segments, gaps, droppedSamples } = resample(rec, rateHz, options.maxGapMs);
  const origin = segments[0]!.t0;
  const total = segments.reduce((s, g) => s + g.ax.length, 0);

  // First pass: device-frame one-second sums for calibration and the mounting estimate.
  const last = segments[segments.length - 1]!;
  const lastSample = last.t0 + ((last.ax.length - 1) * 1000) / rateHz;
  const seconds = (lastSample - origin) / 1000 + 2;
  const raw = new TickAccumulator(origin, IDENTITY, NO_CALIBRATION, { summariesOnly: true, capacitySeconds: seconds });
  for (const seg of segments) raw.push(seg);
  raw.flush();
  const calibration: CalibrationReport = options.calibrate === false ? calibrationDisabled() : autocalibrate(raw.table);
  const cal = calibration.applied ? { offset: calibration.offset, scale: calibration.scale } : NO_CALIBRATION;
  const orientation = options.orientation ?? 'auto';
  const mounting =
    orientation === 'auto'
      ? estimateMounting(raw.table, { calibration: cal, prior: options.orientationPrior })
      : configuredMounting(orientation === 'body' ? IDENTITY : orientation);

  const analyzer = new StreamingAnalyzer({
    originMs: origin,
    epochSeconds,
    mounting: mounting.rotation as unknown as Mat3,
    calibration: cal,
    model: options.model ?? angleRule,
    night: options.night,
    morning: options.morning,
    nonWear: options.nonWear,
    // The analyzer keeps about a day of summaries however long the recording.
    expectedSeconds: Math.min(seconds, 30 * 3600),
  });
  const epochs: AnalyzedEpoch[] = [];
  const nights: NightResult[] = [];
  const mornings: MorningResult[] = [];
  const nonWear: Interval[] = [];
  const collect = (o: ReturnType<StreamingAnalyzer['push']>) => {
    epochs.push(...o.epochs);
    nights.push(...o.nights);
    mornings.push(...o.mornings);
    nonWear.push(...o.nonWear);
  };
  let done = 0;
  for (const seg of segments) {
    for (let i = 0; i < seg.ax.length; i += CHUNK) {
      const j = Math.min(seg.ax.length, i + CHUNK);
      collect(
        analyzer.push({
          t0: seg.t0 + (i * 1000) / rateHz,
          rateHz,
          ax: seg.ax.subarray(i, j),
          ay: seg.ay.subarray(i, j),
          az: seg.az.subarray(i, j),
          gx: seg.gx?.subarray(i, j),
          gy: seg.gy?.subarray(i, j),
          gz: seg.gz?.subarray(i, j),
        }),
      );
      done += j - i;
      options.onProgress?.(done, total);
    }
  }
  collect(analyzer.finish());

  const inNonWear = (e: AnalyzedEpoch) =>
    nonWear.some((nw) => e.start < nw.end && e.start + e.durationS * 1000 > nw.start);
  return {
    meta: {
      engineVersion: ENGINE_VERSION,
      postureAlgorithm: (options.model ?? angleRule).id,
      ruleAlgorithm: angleRule.id,
      backend: analyzer.backend,
      rateHz,
      inputRateHz: inputRate,
      epochSeconds,
      firstSample: origin,
      lastSample,
      samples: rec.t.length,
      gyroscope: rec.gx !== undefined,
    },
    quality: {
      calibration,
      mounting,
      gaps,
      gapMinutes: gaps.reduce((s, g) => s + g.end - g.start, 0) / 60_000,
      droppedSamples,
      nonWear,
      nonWearMinutes: nonWear.reduce((s, nw) => s + nw.end - nw.start, 0) / 60_000,
    },
    epochs: epochs.map((e) => ({ ...e, nonWear: inNonWear(e) })),
    nights,
    mornings,
  };
}
