// `pnpm bench decode`: binary v1 decoding throughput (samples/s) against copying the same frame bytes into a
// preallocated buffer, measured in the same run. Frames are realistic batches (50 Hz, 1 s to 60 s, with and without
// gyroscope), half of them at odd byte offsets like MQTT payload slices. Reports medians over repeated rounds.
import {
  crc32,
  decodeImuPayload,
  encodeBinaryFrame,
  encodeJsonFrame,
  type ImuBatch,
  quantizeBatch,
} from '@restpose/protocol';

const ROUNDS = 31;
const WARMUP_ROUNDS = 5;
const FRAMES_PER_KIND = 60;
const NOW = Date.UTC(2026, 10, 21, 7, 0, 0);

interface Kind {
  name: string;
  seconds: number;
  gyro: boolean;
}
const KINDS: Kind[] = [
  { name: '50Hz-1s', seconds: 1, gyro: false },
  { name: '50Hz-10s', seconds: 10, gyro: false },
  { name: '50Hz-10s-gyro', seconds: 10, gyro: true },
  { name: '50Hz-60s', seconds: 60, gyro: false },
];

/** A lying subject breathing, with sensor noise: realistic counts, not constant bytes. */
function batch(seq: number, n: number, gyro: boolean): ImuBatch {
  const wave = (phase: number, amp: number, base: number) =>
    Float32Array.from(
      { length: n },
      (_, i) => base + amp * Math.sin((i + seq * n) / 12 + phase) + 0.002 * Math.random(),
    );
  return {
    seq,
    t0: NOW - 3_600_000 + seq * 1000,
    rateHz: 50,
    ax: wave(0, 0.01, 0.97),
    ay: wave(1, 0.01, -0.05),
    az: wave(2, 0.01, 0.2),
    gyro: gyro ? { gx: wave(0, 3, 0), gy: wave(1, 3, 0), gz: wave(2, 3, 0) } : undefined,
  };
}

/** Places the frame in a larger buffer, at an odd offset for every other frame, as MQTT payload slices are. */
function placed(bytes: Uint8Array, odd: boolean): Uint8Array {
  const at = odd ? 17 : 16;
  const host = Buffer.alloc(at + bytes.length + 16);
  host.set(bytes, at);
  return host.subarray(at, at + bytes.length);
}

interface Workload {
  frames: Uint8Array[];
  json: Uint8Array[];
  samples: number;
}

function workload(kind: Kind): Workload {
  const n = kind.seconds * 50;
  const frames: Uint8Array[] = [];
  const json: Uint8Array[] = [];
  for (let i = 0; i < FRAMES_PER_KIND; i++) {
    const frame = quantizeBatch(batch(i, n, kind.gyro), 0.061, kind.gyro ? 8.75 : undefined);
    frames.push(placed(encodeBinaryFrame(frame), i % 2 === 1));
    if (i < FRAMES_PER_KIND / 6) json.push(new TextEncoder().encode(encodeJsonFrame(frame)));
  }
  return { frames, json, samples: n * FRAMES_PER_KIND };
}

let sink = 0;

function decodeAll(frames: Uint8Array[]): void {
  for (const f of frames) {
    const r = decodeImuPayload(f, NOW);
    if (!r.ok) throw new Error(`bench frame rejected: ${r.error.code} ${r.error.message}`);
    sink += r.value.ax[0]!;
  }
}

const scratch = new Uint8Array(64 * 1024);
function copyAll(frames: Uint8Array[]): void {
  for (const f of frames) {
    scratch.set(f);
    sink += scratch[f.length - 1]!;
  }
}

function crcAll(frames: Uint8Array[]): void {
  for (const f of frames) sink += crc32(f.subarray(0, f.length - 4));
}

/** Allocating the decoded columns alone (3 or 6 Float32Arrays per frame), to show what that costs. */
function allocAll(shapes: Array<[number, number]>): void {
  for (const [n, columns] of shapes) {
    for (let c = 0; c < columns; c++) sink += new Float32Array(n).length;
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Median seconds of one pass of each function, rounds interleaved so machine noise hits all of them alike. */
function measure(fns: Record<string, () => void>): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      const start = process.hrtime.bigint();
      fn();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round >= WARMUP_ROUNDS) times[name]!.push(seconds);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

const loads = KINDS.map((k) => ({ kind: k, ...workload(k) }));
const shapes = loads.flatMap((l) => l.frames.map((): [number, number] => [l.kind.seconds * 50, l.kind.gyro ? 6 : 3]));
const allFrames = loads.flatMap((l) => l.frames);
const allJson = loads.flatMap((l) => l.json);
const totalSamples = loads.reduce((s, l) => s + l.samples, 0);
const jsonSamples = loads.reduce((s, l) => s + (l.samples / FRAMES_PER_KIND) * l.json.length, 0);

const t = measure({
  decode: () => decodeAll(allFrames),
  copy: () => copyAll(allFrames),
  crc: () => crcAll(allFrames),
  alloc: () => allocAll(shapes),
  json: () => decodeAll(allJson),
});

const perKind: Record<string, { bytes: number; decodeUs: number; copyUs: number; ratio: number }> = {};
for (const l of loads) {
  const k = measure({ decode: () => decodeAll(l.frames), copy: () => copyAll(l.frames) });
  perKind[l.kind.name] = {
    bytes: l.frames[0]!.length,
    decodeUs: round((k.decode! / FRAMES_PER_KIND) * 1e6, 2),
    copyUs: round((k.copy! / FRAMES_PER_KIND) * 1e6, 3),
    ratio: round(k.decode! / k.copy!, 1),
  };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

const result = {
  bench: 'decode',
  frames: allFrames.length,
  samples: totalSamples,
  bytes: allFrames.reduce((s, f) => s + f.length, 0),
  samplesPerSec: Math.round(totalSamples / t.decode!),
  baselineSamplesPerSec: Math.round(totalSamples / t.copy!),
  ratio: round(t.decode! / t.copy!, 2),
  crcSamplesPerSec: Math.round(totalSamples / t.crc!),
  /** The CRC alone against the copy: a floor under `ratio` for any decoder that checks the frame's CRC-32. */
  crcOverCopy: round(t.crc! / t.copy!, 2),
  crcShareOfDecode: round(t.crc! / t.decode!, 2),
  allocShareOfDecode: round(t.alloc! / t.decode!, 2),
  jsonSamplesPerSec: Math.round(jsonSamples / t.json!),
  perKind,
};

process.stdout.write(
  `decoded ${result.frames} binary frames (${result.samples} samples, ${result.bytes} bytes) per round, median of ${ROUNDS}\n` +
    `  decode ${(t.decode! * 1e3).toFixed(3)} ms  copy ${(t.copy! * 1e3).toFixed(3)} ms  crc32 alone ${(t.crc! * 1e3).toFixed(3)} ms\n` +
    `  decode/copy ratio ${result.ratio}; CRC-32 alone is ${result.crcOverCopy}x the copy; ` +
    `of decode time CRC-32 is ${Math.round(result.crcShareOfDecode * 100)}%, ` +
    `allocating the output columns ${Math.round(result.allocShareOfDecode * 100)}%\n` +
    `  JSON form: ${result.jsonSamplesPerSec} samples/s (binary ${result.samplesPerSec})\n` +
    `  (sink ${sink > 0 ? '+' : '-'})\n`,
);
process.stdout.write(`${JSON.stringify(result)}\n`);
