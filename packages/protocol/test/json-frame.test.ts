import { decodeImuPayload, encodeJsonFrame, type ImuBatch } from '../src/index.js';

const NOW = Date.UTC(2026, 10, 21, 6, 0, 0);
const bytes = (s: string) => new TextEncoder().encode(s);

function batch(n: number): ImuBatch {
  return {
    seq: 42,
    t0: NOW - 60_000,
    rateHz: 50,
    ax: Float32Array.from({ length: n }, (_, i) => Math.sin(i / 5)),
    ay: new Float32Array(n).fill(1),
    az: new Float32Array(n).fill(-0.25),
    gyro: { gx: new Float32Array(n).fill(10), gy: new Float32Array(n), gz: new Float32Array(n).fill(-3.5) },
  };
}

test('the JSON form round-trips within one quantization step', () => {
  const original = batch(50);
  const decoded = decodeImuPayload(bytes(encodeJsonFrame(original, 0.061, 8.75)), NOW);
  if (!decoded.ok) throw new Error(decoded.error.message);
  const b = decoded.value;
  expect([b.seq, b.t0, b.rateHz, b.ax.length]).toEqual([42, original.t0, 50, 50]);
  for (let i = 0; i < 50; i++) expect(Math.abs(b.ax[i]! - original.ax[i]!)).toBeLessThanOrEqual(0.061e-3 / 2 + 1e-7);
  expect(b.gyro!.gz[0]).toBeCloseTo(-3.5, 2);
});

const T0 = 1795000000000; // 2026-11-18
test.each([
  ['', 'MALFORMED', /empty/],
  ['{not json', 'MALFORMED', /JSON/],
  ['{"v":2}', 'UNSUPPORTED_VERSION', /^v: 2/],
  ['{"v":1,"seq":1,"t0":1,"rateHz":50,"accScaleMg":1,"ax":[1],"ay":[1],"az":[1]}', 'TIMESTAMP_TOO_OLD', /t0: 1970/],
  [`{"v":1,"seq":1,"t0":${T0},"rateHz":0,"accScaleMg":1,"ax":[1],"ay":[1],"az":[1]}`, 'INVALID_FIELD', /rateHz/],
  [`{"v":1,"seq":1,"t0":${T0},"rateHz":50,"accScaleMg":1,"ax":[1,2],"ay":[1],"az":[1]}`, 'INVALID_FIELD', /ay: .*2/],
  [`{"v":1,"seq":1,"t0":${T0},"rateHz":50,"accScaleMg":1,"ax":[40000],"ay":[1],"az":[1]}`, 'INVALID_FIELD', /ax\.0/],
  [`{"v":1,"seq":1,"t0":${T0},"rateHz":50,"accScaleMg":1,"ax":[1],"ay":[1],"az":[1],"gx":[1]}`, 'INVALID_FIELD', /gx/],
  [`{"v":1,"seq":1,"t0":${T0},"rateHz":50,"accScaleMg":1,"ax":[1],"ay":[1],"az":[1],"x":1}`, 'INVALID_FIELD', /x/],
])('payload %j is rejected with %s', (payload, code, message) => {
  const result = decodeImuPayload(bytes(payload), NOW);
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(message);
  }
});

test('rejections of a JSON frame carry its sequence number when it has a valid one', () => {
  const result = decodeImuPayload(bytes(`{"v":1,"seq":9,"t0":${T0},"rateHz":500}`), NOW);
  expect(result.ok || result.error).toMatchObject({ code: 'INVALID_FIELD', seq: 9 });
});

test('a JSON payload over the size limit is refused before parsing', () => {
  const huge = `{"v":1,"pad":"${'x'.repeat(300_000)}"}`;
  const result = decodeImuPayload(bytes(huge), NOW);
  expect(result.ok || result.error.code).toBe('BAD_LENGTH');
});

test('a batch starting more than 5 minutes ahead of the server clock is rejected', () => {
  const future = { ...batch(10), t0: NOW + 5 * 60_000 + 1 };
  const result = decodeImuPayload(bytes(encodeJsonFrame(future, 0.061)), NOW);
  expect(result.ok || result.error.code).toBe('TIMESTAMP_IN_FUTURE');
});
