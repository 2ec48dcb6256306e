import { StoreRequestError } from '../src/index.js';
import { backoffDelay, classify, DEFAULT_RETRY } from '../src/influxdb/retry.js';

test('backoff doubles from the base up to the cap, half of each step random', () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
  expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
  expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
});

test("network errors are retried; a 4xx answer becomes a StoreRequestError with InfluxDB's explanation", () => {
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  expect(classify(reset, 'write samples')).toBeNull();
  // A server killed mid-write, as Node's fetch reports it (the InfluxDB kill test once failed on this).
  const closed = Object.assign(new Error('fetch failed: other side closed'), { code: 'UND_ERR_SOCKET' });
  expect(classify(closed, 'write samples')).toBeNull();
  const refused = Object.assign(new Error('A 400 Bad Request error occurred: {"error":"unable to parse \'x\'"}'), {
    res: { statusCode: 400 },
  });
  const error = classify(refused, 'write samples');
  expect(error).toBeInstanceOf(StoreRequestError);
  expect(error?.message).toBe("InfluxDB refused write samples (HTTP 400): unable to parse 'x'");
  const bug = new TypeError('not a network problem');
  expect(classify(bug, 'write samples')).toBe(bug);
});
