// `pnpm bench store`: raw-sample write throughput of each Store adapter against what its database takes at most,
// measured in the same run on the same rows (20 devices x 10 min at 50 Hz):
//   DuckDB:   the adapter (idempotent merge) vs an appender bulk insert of the same rows into a bare table;
//   InfluxDB: the adapter (`influx` client, retries) vs pre-encoded 5,000-line bodies POSTed directly with fetch,
//             two at a time like the adapter.
// A second pass writes the same rows again, the cost of idempotence. The last line is one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startInfluxd } from '@restpose/harness';
import { DuckDbStore, InfluxStore, type SampleBatch, type Store } from '@restpose/store';
import { appendSamples, SAMPLE_COLUMNS } from './duckdb-append.js';

const DEVICES = 20;
const RATE_HZ = 50;
const MINUTES = 10;
const SECONDS_PER_CALL = 10; // one write: 10 s of every device, 10,000 samples, as ingest's spool hands them over
const LINES_PER_BODY = 5000;
const LSB_G = 0.000061; // 16-bit accelerometer at +-2 g, as the devices send it

const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const total = DEVICES * RATE_HZ * MINUTES * 60;

/** One call's worth of batches: SECONDS_PER_CALL of every device, quantised like device data. */
function writes(): SampleBatch[][] {
  const out: SampleBatch[][] = [];
  const n = SECONDS_PER_CALL * RATE_HZ;
  let seed = 1;
  const noise = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const q = (g: number) => Math.round(g / LSB_G) * LSB_G;
  for (let s = 0; s < MINUTES * 60; s += SECONDS_PER_CALL) {
    out.push(
      Array.from({ length: DEVICES }, (_, d) => {
        const start = t0 + s * 1000;
        return {
          deviceId: `bench-${String(d).padStart(2, '0')}`,
          t: Float64Array.from({ length: n }, (_, i) => start + (i * 1000) / RATE_HZ),
          ax: Float32Array.from({ length: n }, () => q(0.02 + 0.01 * noise())),
          ay: Float32Array.from({ length: n }, () => q(-0.05 + 0.01 * noise())),
          az: Float32Array.from({ length: n }, () => q(0.99 + 0.01 * noise())),
        };
      }),
    );
  }
  return out;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function throughAdapter(store: Store, calls: SampleBatch[][]): Promise<{ first: number; repeat: number }> {
  const pass = () =>
    timed(async () => {
      for (const call of calls) await store.writeSamples(call);
    });
  const first = total / (await pass());
  const repeat = total / (await pass());
  const check = await store.readSamples(calls[0]![0]!.deviceId, { from: t0, to: t0 + MINUTES * 60_000 });
  if (check.t.length !== RATE_HZ * MINUTES * 60) throw new Error(`read back ${check.t.length} samples`);
  return { first, repeat };
}

async function duckdbCeiling(path: string, calls: SampleBatch[][]): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const db = await instance.connect();
  await db.run(`CREATE TABLE samples (${SAMPLE_COLUMNS})`);
  const seconds = await timed(() => appendSamples(db, 'samples', calls.flat()));
  db.closeSync();
  instance.closeSync();
  return total / seconds;
}

async function influxCeiling(url: string, calls: SampleBatch[][]): Promise<number> {
  const database = 'ceiling';
  const query = (q: string) => fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  await query(`CREATE DATABASE ${database}`);
  await query(`CREATE RETENTION POLICY raw ON ${database} DURATION 90d REPLICATION 1`);
  // The shortest decimals that read back as the same float32, as the adapter writes them.
  const text = (x: number) => {
    for (let digits = 6; digits < 9; digits++)
      if (Math.fround(Number(x.toPrecision(digits))) === x) return String(Number(x.toPrecision(digits)));
    return String(x);
  };
  const lines = calls
    .flat()
    .flatMap((b) =>
      Array.from(
        b.t,
        (t, i) => `samples,device=${b.deviceId} ax=${text(b.ax[i]!)},ay=${text(b.ay[i]!)},az=${text(b.az[i]!)} ${t}`,
      ),
    );
  const bodies: string[] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_BODY) bodies.push(lines.slice(i, i + LINES_PER_BODY).join('\n'));
  const post = async (body: string) => {
    const res = await fetch(`${url}/write?db=${database}&rp=raw&precision=ms`, { method: 'POST', body });
    if (res.status !== 204) throw new Error(`influxd answered ${res.status}: ${await res.text()}`);
  };
  // Two requests in flight, as the adapter keeps them.
  const seconds = await timed(async () => {
    for (let i = 0; i < bodies.length; i += 2) await Promise.all(bodies.slice(i, i + 2).map(post));
  });
  return total / seconds;
}

const round = (x: number) => Math.round(x);
const calls = writes();
const dir = mkdtempSync(join(tmpdir(), 'restpose-bench-store-'));
const influxd = await startInfluxd();
try {
  process.stdout.write(`${total} samples: ${DEVICES} devices x ${MINUTES} min at ${RATE_HZ} Hz\n`);

  const duckCeiling = await duckdbCeiling(join(dir, 'ceiling.duckdb'), calls);
  const duckStore = await DuckDbStore.open({ path: join(dir, 'restpose.duckdb') });
  const duck = await throughAdapter(duckStore, calls);
  await duckStore.close();
  process.stdout.write(
    `duckdb    adapter ${round(duck.first)} samples/s (again: ${round(duck.repeat)}), appender ceiling ${round(duckCeiling)} samples/s\n`,
  );

  const fluxCeiling = await influxCeiling(influxd.url, calls);
  const fluxStore = await InfluxStore.open({ url: influxd.url, database: 'restpose', rawRetention: '90d' });
  const flux = await throughAdapter(fluxStore, calls);
  await fluxStore.close();
  process.stdout.write(
    `influxdb  adapter ${round(flux.first)} samples/s (again: ${round(flux.repeat)}), direct POST ceiling ${round(fluxCeiling)} samples/s\n`,
  );

  const duckdbRatio = duck.first / duckCeiling;
  const influxdbRatio = flux.first / fluxCeiling;
  const result = {
    bench: 'store',
    samples: total,
    duckdb: {
      adapterSamplesPerS: round(duck.first),
      adapterRepeatSamplesPerS: round(duck.repeat),
      ceilingSamplesPerS: round(duckCeiling),
      ratio: Number(duckdbRatio.toFixed(3)),
    },
    influxdb: {
      adapterSamplesPerS: round(flux.first),
      adapterRepeatSamplesPerS: round(flux.repeat),
      ceilingSamplesPerS: round(fluxCeiling),
      ratio: Number(influxdbRatio.toFixed(3)),
    },
    ratio: Number(Math.min(duckdbRatio, influxdbRatio).toFixed(3)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await influxd.stop();
  rmSync(dir, { recursive: true, force: true });
}
