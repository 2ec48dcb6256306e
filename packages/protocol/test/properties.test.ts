// Property-based tests: valid frames always decode to the values they carry, in both forms; random and mutated bytes
// are always rejected with a code, and the decoders never throw (they are called directly, not through
// decodeImuPayload's safety net, so a throw would fail the test).
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import {
  type DecodeResult,
  decodeBinaryFrame,
  decodeImuPayload,
  decodeJsonFrame,
  encodeBinaryFrame,
  encodeJsonFrame,
  type ImuBatch,
  type ImuFrame,
  LIMITS,
  REJECTION_CODES,
} from '../src/index.js';

const NOW = Date.UTC(2026, 10, 21, 6, 0, 0);
const MAX_N = 200; // keeps runs fast; the 5000-sample limit itself is covered in binary-frame.test.ts
const utf8 = new TextEncoder();

const int16 = fc.integer({ min: -32768, max: 32767 });
const column = (n: number) => fc.array(int16, { minLength: n, maxLength: n }).map((a) => Int16Array.from(a));
const f32InRange = (min: number, max: number) =>
  fc.float({ min: Math.fround(min * 1.0001), max: Math.fround(max * 0.9999), noNaN: true });

/** Any frame within the limits. t0 at most NOW: with at most 200 samples at >= 1 Hz, the batch ends < 5 min ahead. */
const validFrame: fc.Arbitrary<ImuFrame> = fc
  .record({
    n: fc.integer({ min: 1, max: MAX_N }),
    gyro: fc.boolean(),
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    t0: fc.integer({ min: LIMITS.minTimestampMs, max: NOW }),
    rateUhz: fc.integer({ min: 1_000_000, max: 400_000_000 }),
    accScaleMg: f32InRange(LIMITS.minAccScaleMg, LIMITS.maxAccScaleMg),
    gyroScaleMdps: f32InRange(LIMITS.minGyroScaleMdps, LIMITS.maxGyroScaleMdps),
  })
  .chain((h) =>
    fc
      .record({ ax: column(h.n), ay: column(h.n), az: column(h.n), g: fc.tuple(column(h.n), column(h.n), column(h.n)) })
      .map(
        (c): ImuFrame => ({
          seq: h.seq,
          t0: h.t0,
          rateHz: h.rateUhz / 1e6,
          accScaleMg: h.accScaleMg,
          ax: c.ax,
          ay: c.ay,
          az: c.az,
          gyro: h.gyro ? { scaleMdps: h.gyroScaleMdps, gx: c.g[0], gy: c.g[1], gz: c.g[2] } : undefined,
        }),
      ),
  );

/** What the spec says a frame decodes to: each count times its float32 scale, divided by 1000, as float32. */
function expectedBatch(f: ImuFrame): ImuBatch {
  const scale = (counts: Int16Array, perLsb: number) =>
    Float32Array.from(counts, (c) => (c * Math.fround(perLsb)) / 1000);
  const batch: ImuBatch = {
    seq: f.seq,
    t0: f.t0,
    rateHz: f.rateHz,
    ax: scale(f.ax, f.accScaleMg),
    ay: scale(f.ay, f.accScaleMg),
    az: scale(f.az, f.accScaleMg),
  };
  if (f.gyro) {
    const { scaleMdps, gx, gy, gz } = f.gyro;
    batch.gyro = { gx: scale(gx, scaleMdps), gy: scale(gy, scaleMdps), gz: scale(gz, scaleMdps) };
  }
  return batch;
}

const CODES = Object.keys(REJECTION_CODES);

function expectRejected(result: DecodeResult<ImuBatch>, codes: readonly string[] = CODES): void {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(codes).toContain(result.error.code);
    expect(result.error.message.length).toBeGreaterThan(0);
  }
}

/** Decodes through the right decoder directly, without decodeImuPayload's try/catch. */
function decodeDirect(bytes: Uint8Array): DecodeResult<ImuBatch> {
  return bytes[0] === 0x7b ? decodeJsonFrame(bytes, NOW) : decodeBinaryFrame(bytes, NOW);
}

test('valid frames always decode, in both forms, to the values they carry', () => {
  fc.assert(
    fc.property(validFrame, (f) => {
      const expected = expectedBatch(f);
      expect(decodeBinaryFrame(encodeBinaryFrame(f), NOW)).toEqual({ ok: true, value: expected });
      expect(decodeJsonFrame(utf8.encode(encodeJsonFrame(f)), NOW)).toEqual({ ok: true, value: expected });
    }),
    { numRuns: 300 },
  );
});

test('random bytes are always rejected with a code, never an exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      expectRejected(decodeDirect(bytes));
    }),
    { numRuns: 2000 },
  );
});

test('random bytes behind a valid magic, version and CRC reach field validation and never throw', () => {
  const framed = fc.uint8Array({ minLength: 33, maxLength: 200 }).map((body) => {
    const bytes = new Uint8Array(body.length + 4);
    bytes.set(body);
    bytes.set([0xa5, 0x52, 1]);
    if (body.length % 4 === 0) bytes[30] = 1; // sometimes a known layout, to get further
    new DataView(bytes.buffer).setUint32(body.length, zlibCrc32(bytes.subarray(0, body.length)), true);
    return bytes;
  });
  fc.assert(
    fc.property(framed, (bytes) => {
      const result = decodeBinaryFrame(bytes, NOW);
      // Accepting one is possible in principle (every field valid, length matching); then it must be consistent.
      if (result.ok) expect(32 + result.value.ax.length * (result.value.gyro ? 12 : 6) + 4).toBe(bytes.length);
      else
        expect(['INVALID_FIELD', 'BAD_LENGTH', 'TIMESTAMP_TOO_OLD', 'TIMESTAMP_IN_FUTURE']).toContain(
          result.error.code,
        );
    }),
    { numRuns: 2000 },
  );
});

// CRC-32 detects every error burst of up to 32 bits, so any single changed byte (or bit) in a binary frame is
// detected; magic and version are checked before the CRC and give their own codes. These are guarantees, not odds.
test('a single flipped bit anywhere in a binary frame is rejected, with the code for where it landed', () => {
  const mutation = validFrame.chain((f) => {
    const bytes = encodeBinaryFrame(f);
    return fc.record({ bytes: fc.constant(bytes), at: fc.nat(bytes.length - 1), bit: fc.nat(7) });
  });
  fc.assert(
    fc.property(mutation, ({ bytes, at, bit }) => {
      const mutated = bytes.slice();
      mutated[at]! ^= 1 << bit;
      const code = at < 2 ? 'BAD_MAGIC' : at === 2 ? 'UNSUPPORTED_VERSION' : 'BAD_CRC';
      expectRejected(decodeBinaryFrame(mutated, NOW), [code]);
    }),
    { numRuns: 500 },
  );
});

test('a single replaced byte anywhere in a binary frame is rejected', () => {
  const mutation = validFrame.chain((f) => {
    const bytes = encodeBinaryFrame(f);
    return fc.record({
      bytes: fc.constant(bytes),
      at: fc.nat(bytes.length - 1),
      value: fc.integer({ min: 0, max: 255 }),
    });
  });
  fc.assert(
    fc.property(mutation, ({ bytes, at, value }) => {
      fc.pre(bytes[at] !== value);
      const mutated = bytes.slice();
      mutated[at] = value;
      // A "{" in front switches to the JSON decoder, which finds no JSON.
      const codes =
        at === 0
          ? ['BAD_MAGIC', 'MALFORMED']
          : at === 1
            ? ['BAD_MAGIC']
            : at === 2
              ? ['UNSUPPORTED_VERSION']
              : ['BAD_CRC'];
      expectRejected(decodeDirect(mutated), codes);
    }),
    { numRuns: 500 },
  );
});

// A cut or padded frame has a header whose count no longer matches its length, so even the 2^-32 chance of the
// last four bytes forming a matching CRC ends in BAD_LENGTH.
test('truncated and extended binary frames are rejected', () => {
  const cut = validFrame.chain((f) => {
    const bytes = encodeBinaryFrame(f);
    return fc.record({ bytes: fc.constant(bytes), keep: fc.nat(bytes.length - 1) });
  });
  fc.assert(
    fc.property(cut, ({ bytes, keep }) => {
      const codes = keep < 2 ? ['BAD_MAGIC', 'MALFORMED'] : ['BAD_LENGTH', 'BAD_CRC'];
      expectRejected(decodeDirect(bytes.subarray(0, keep)), codes);
    }),
    { numRuns: 500 },
  );
  const padded = fc.tuple(validFrame, fc.uint8Array({ minLength: 1, maxLength: 16 }));
  fc.assert(
    fc.property(padded, ([f, tail]) => {
      const bytes = encodeBinaryFrame(f);
      const longer = new Uint8Array(bytes.length + tail.length);
      longer.set(bytes);
      longer.set(tail, bytes.length);
      expectRejected(decodeBinaryFrame(longer, NOW), ['BAD_LENGTH', 'BAD_CRC']);
    }),
    { numRuns: 500 },
  );
});

// The JSON form has no checksum (it is for prototyping over TCP), so a mutation can produce another valid frame,
// e.g. one digit of a sample changed. What must hold: no exception, and a rejection always carries a code.
test('mutated JSON frames never throw; rejections carry a code', () => {
  const mutation = validFrame.chain((f) => {
    const text = encodeJsonFrame(f);
    return fc.record({
      text: fc.constant(text),
      at: fc.nat(text.length - 1),
      ch: fc.string({ minLength: 0, maxLength: 2 }),
    });
  });
  fc.assert(
    fc.property(mutation, ({ text, at, ch }) => {
      const mutated = utf8.encode(text.slice(0, at) + ch + text.slice(at + 1));
      const result = decodeDirect(mutated);
      if (!result.ok) expect(CODES).toContain(result.error.code);
    }),
    { numRuns: 1000 },
  );
});

test('decodeImuPayload never reports MALFORMED for a binary payload (that would be a caught decoder exception)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (bytes) => {
      fc.pre(bytes[0] !== 0x7b);
      const result = decodeImuPayload(bytes, NOW);
      expect(result.ok || result.error.code).not.toBe('MALFORMED');
    }),
  );
});
