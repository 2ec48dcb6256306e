import { type RunningInfluxd, startInfluxd } from '@restpose/harness';
import {
  InfluxStore,
  type InfluxStoreOptions,
  type SampleBatch,
  type Store,
  StoreInputError,
  StoreRequestError,
  StoreUnavailableError,
} from '../src/index.js';
import { contractSuite, device } from './contract-suite.js';

let influxd: RunningInfluxd;
let databases = 0;

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.stop();
});

/** Each test gets a database of its own on the one server. */
function options(overrides: Partial<InfluxStoreOptions> = {}): InfluxStoreOptions {
  databases++;
  return { url: influxd.url, database: `restpose_test_${databases}`, rawRetention: '90d', ...overrides };
}

async function influxql(q: string, db?: string, epoch?: string) {
  const params = new URLSearchParams({ q, ...(db ? { db } : {}), ...(epoch ? { epoch } : {}) });
  const res = await fetch(`${influxd.url}/query`, { method: 'POST', body: params });
  return (await res.json()) as { results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }> };
}

contractSuite('influxdb', () => {
  const opts = options();
  return {
    open: () => InfluxStore.open(opts),
    // The server restarts under the open adapter, which goes on with the same client.
    restart: async (store: Store) => {
      await influxd.restart();
      return store;
    },
    dispose: async (store: Store) => {
      await store.close();
      await influxql(`DROP DATABASE "${opts.database}"`);
    },
  };
});

const recent = Date.now() - 60_000;

function batch(deviceId: string, t0: number, n: number): SampleBatch {
  const t = Float64Array.from({ length: n }, (_, i) => t0 + i * 20);
  return { deviceId, t, ax: new Float32Array(n).fill(0.5), ay: new Float32Array(n).fill(-1), az: new Float32Array(n) };
}

describe('InfluxDB adapter', () => {
  test('creates the database with a raw retention policy and a default one that keeps everything', async () => {
    const opts = options({ rawRetention: '30d' });
    const store = await InfluxStore.open(opts);
    const policies = await influxql(`SHOW RETENTION POLICIES ON "${opts.database}"`);
    const rows = policies.results[0]!.series![0]!.values.map((v) => [v[0], v[1], v[4]]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['raw', '720h0m0s', false],
        ['forever', '0s', true],
      ]),
    );
    // Opening again with another period changes it in place; the data stays.
    await store.writeSamples(batch('dev-1', recent, 10));
    const reopened = await InfluxStore.open({ ...opts, rawRetention: '12w' });
    expect(await reopened.rawRetentionHours()).toBe(12 * 7 * 24);
    expect((await reopened.readSamples('dev-1', { from: recent, to: recent + 1000 })).t.length).toBe(10);
  });

  test('samples are points of one measurement tagged by device only, at the precision the data has', async () => {
    const opts = options();
    const store = await InfluxStore.open(opts);
    const t0 = Math.floor(recent);
    const fine = batch('dev-2', t0 + 5000, 4);
    fine.t = Float64Array.from(fine.t, (t, i) => t + i * 0.25); // 20.25 ms steps: needs µs
    await store.writeSamples([batch('dev-1', t0, 3), fine]);
    const tags = await influxql('SHOW TAG KEYS FROM "raw"."samples"', opts.database);
    expect(tags.results[0]!.series![0]!.values.flat()).toEqual(['device']);
    const fields = await influxql('SHOW FIELD KEYS FROM "raw"."samples"', opts.database);
    expect(fields.results[0]!.series![0]!.values).toEqual([
      ['ax', 'float'],
      ['ay', 'float'],
      ['az', 'float'],
    ]);
    const micros = async (deviceId: string) =>
      (
        await influxql(`SELECT ax FROM "raw"."samples" WHERE device = '${deviceId}'`, opts.database, 'u')
      ).results[0]!.series![0]!.values.map((v) => v[0]);
    expect(await micros('dev-1')).toEqual([t0 * 1000, (t0 + 20) * 1000, (t0 + 40) * 1000]);
    expect((await micros('dev-2'))[1]).toBe((t0 + 5020) * 1000 + 250);
    const back = await store.readSamples('dev-2', { from: t0, to: t0 + 10_000 });
    expect(Array.from(back.t)).toEqual(Array.from(fine.t));
  });

  test('a write InfluxDB refuses (4xx) fails at once with its explanation', async () => {
    const opts = options();
    const store = await InfluxStore.open(opts);
    // A field type conflict: "ax" becomes a string field before the adapter writes floats there.
    const body = `samples,device=dev-1 ax="oops" ${Math.floor(recent)}`;
    const res = await fetch(`${influxd.url}/write?db=${opts.database}&rp=raw&precision=ms`, { method: 'POST', body });
    expect(res.status).toBe(204);
    const started = Date.now();
    const error = await store.writeSamples(batch('dev-1', recent + 1000, 5)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StoreRequestError);
    expect((error as StoreRequestError).status).toBe(400);
    expect((error as Error).message).toMatch(/^InfluxDB refused write samples \(HTTP 400\): .*field type conflict/);
    expect(Date.now() - started).toBeLessThan(2000); // no retry loop
  });

  test('samples older than the raw retention period are refused, not silently dropped', async () => {
    const store = await InfluxStore.open(options({ rawRetention: '1h' }));
    const error = await store.writeSamples(batch('dev-1', Date.now() - 3 * 3_600_000, 5)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StoreRequestError);
    expect((error as Error).message).toMatch(/beyond retention policy/);
  });

  test('bad configuration is refused before any request', async () => {
    await expect(InfluxStore.open(options({ database: 'no spaces' }))).rejects.toThrow(StoreInputError);
    await expect(InfluxStore.open(options({ rawRetention: '90 days' }))).rejects.toThrow(/rawRetention "90 days"/);
  });

  test('a stalled server is waited for within the retry bound, then the write goes through', async () => {
    const store = await InfluxStore.open(
      options({
        requestTimeoutMs: 500,
        retry: { attempts: 20, baseDelayMs: 100, maxDelayMs: 400, maxElapsedMs: 20_000 },
      }),
    );
    await store.upsertDevice(device('dev-1'));
    influxd.pause();
    const resumed = new Promise<void>((resolve) =>
      setTimeout(() => {
        influxd.resume();
        resolve();
      }, 2000),
    );
    try {
      await store.writeSamples(batch('dev-1', recent, 50));
    } finally {
      await resumed;
    }
    expect((await store.readSamples('dev-1', { from: recent, to: recent + 5000 })).t.length).toBe(50);
  });

  test('a server that stays down surfaces as StoreUnavailableError after the bound', async () => {
    const store = await InfluxStore.open(
      options({ requestTimeoutMs: 300, retry: { attempts: 4, baseDelayMs: 50, maxDelayMs: 200, maxElapsedMs: 5_000 } }),
    );
    influxd.pause();
    try {
      const started = Date.now();
      const error = await store.writeSamples(batch('dev-1', recent, 5)).catch((e: Error) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/^InfluxDB unavailable for write samples: 4 attempts/);
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
    } finally {
      influxd.resume();
    }
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test('a server killed in the middle of a long write comes back and the write completes without duplicates', async () => {
    const store = await InfluxStore.open(
      options({
        pointsPerWrite: 1000,
        retry: { attempts: 30, baseDelayMs: 100, maxDelayMs: 500, maxElapsedMs: 30_000 },
      }),
    );
    const big = batch('dev-1', recent - 600_000, 30_000); // 10 min at 50 Hz, 30 requests
    const writing = store.writeSamples(big);
    await new Promise((r) => setTimeout(r, 150));
    await influxd.restart();
    await writing;
    await store.writeSamples(big); // a retry of the whole batch (what a spool would do) changes nothing
    const back = await store.readSamples('dev-1', { from: recent - 600_000, to: recent });
    expect(back.t.length).toBe(30_000);
  });

  test('registry edits and deletions read back as the current state', async () => {
    const opts = options();
    const store = await InfluxStore.open(opts);
    await store.upsertDevice(device('dev-1', { mounting: { deviceToBody: [1, 0, 0, 0, 1, 0, 0, 0, 1] } }));
    await store.upsertDevice(device('dev-1', { mounting: null, revokedAt: 9 }));
    expect(await store.getDevice('dev-1')).toEqual(device('dev-1', { mounting: null, revokedAt: 9 }));
    // One point per key, however often it was rewritten.
    const count = await influxql('SELECT count(doc_parts) FROM "forever"."devices"', opts.database);
    expect(count.results[0]!.series![0]!.values[0]![1]).toBe(1);
  });
});
