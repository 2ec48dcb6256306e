// `pnpm bench analyze`: the whole-recording analysis of an 8-hour 50 Hz night (1.44 M samples) in process, against
// one read pass over the same arrays in the same run. Last line: one JSON object with the figures and the ratio
// (analysis time over read-pass time).
import { analyzeRecording, type Recording } from '@restpose/signal';

const RATE = 50;
const HOURS = 8;
const N = RATE * 3600 * HOURS;

/** A night: an evening walk, then lying on the back, left and right with turns, breathing and sensor noise. */
function night(): Recording {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const t = new Float64Array(N);
  const ax = new Float32Array(N);
  const ay = new Float32Array(N);
  const az = new Float32Array(N);
  const t0 = Date.UTC(2026, 0, 1, 22);
  const rolls = [0, 90, 0, -90, 20, 180, -90, 0];
  for (let i = 0; i < N; i++) {
    const s = i / RATE;
    t[i] = t0 + i * 20;
    const noise = () => 0.01 * rnd();
    if (s < 1800) {
      // walking
      ax[i] = -0.05 + 0.1 * Math.sin(11 * s + 1) + noise();
      ay[i] = 1 + 0.25 * Math.sin(11 * s) + noise();
      az[i] = 0.05 * Math.sin(5.5 * s) + noise();
      continue;
    }
    const hour = Math.min(rolls.length - 1, Math.floor((s - 1800) / 3600));
    const roll = (rolls[hour]! + 0.3 * Math.sin(1.6 * s)) * (Math.PI / 180);
    ax[i] = Math.cos(roll) * 0.99 + noise();
    ay[i] = 0.1 + noise();
    az[i] = Math.sin(roll) * 0.99 + noise();
  }
  return { t, ax, ay, az };
}

function readPass(r: Recording): number {
  let s = 0;
  const { t, ax, ay, az } = r;
  for (let i = 0; i < t.length; i++) s += t[i]! + ax[i]! + ay[i]! + az[i]!;
  return s;
}

function best(runs: number, f: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let k = 0; k < runs; k++) {
    const start = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return min;
}

const rec = night();
let sink = 0;
const baselineMs = best(20, () => {
  sink += readPass(rec);
});
let epochs = 0;
const analysisMs = best(8, () => {
  const a = analyzeRecording(rec, { orientation: 'auto' });
  epochs = a.epochs.length;
});
const result = {
  samples: N,
  epochs,
  analysisMs: Math.round(analysisMs * 10) / 10,
  baselineMs: Math.round(baselineMs * 100) / 100,
  samplesPerSec: Math.round(N / (analysisMs / 1000)),
  baselineSamplesPerSec: Math.round(N / (baselineMs / 1000)),
  ratio: Math.round((analysisMs / baselineMs) * 10) / 10,
};
process.stdout.write(
  `analysis of ${HOURS} h at ${RATE} Hz (${N} samples, ${epochs} epochs): ${result.analysisMs} ms; one read pass: ${result.baselineMs} ms${sink === 0 ? ' ' : ''}\n`,
);
process.stdout.write(`${JSON.stringify(result)}\n`);
