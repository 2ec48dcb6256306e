// `pnpm bench duckdb-dedup`: why DuckDB samples have no primary key. On a table already holding PREFILL_HOURS of
// 20 devices at 50 Hz, writes 10 more minutes (then the same again) two ways:
//   baseline: a (device_id, t) PRIMARY KEY and INSERT OR IGNORE from a staging table (the first schema);
//   adapter:  DuckDbStore.writeSamples (no key; anti-join over the written time window, last write wins).
// Prints throughput, peak memory of each run (separate processes) and the ratio; the last line is one JSON object.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DuckDbStore, type SampleBatch } from '@restpose/store';
import { appendSamples, SAMPLE_COLUMNS } from './duckdb-append.js';

const PREFILL_HOURS = Number(process.env.PREFILL_HOURS ?? 6);
const DEVICES = 20;
const RATE_HZ = 50;
const t0 = Date.UTC(2026, 0, 1);

function call(secondsFrom: number, seconds: number): SampleBatch[] {
  const n = seconds * RATE_HZ;
  return Array.from({ length: DEVICES }, (_, d) => ({
    deviceId: `dev-${d}`,
    t: Float64Array.from({ length: n }, (_, i) => t0 + secondsFrom * 1000 + (i * 1000) / RATE_HZ),
    ax: Float32Array.from({ length: n }, (_, i) => Math.sin(i) / 10),
    ay: new Float32Array(n).fill(-1),
    az: Float32Array.from({ length: n }, (_, i) => Math.cos(i) / 10),
  }));
}

/** Writes of 10 s of every device over 10 minutes after the prefill, twice; samples/s of each pass. */
async function measure(write: (batches: SampleBatch[]) => Promise<void>): Promise<[number, number]> {
  const start = PREFILL_HOURS * 3600;
  const passes: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    const began = performance.now();
    for (let s = 0; s < 600; s += 10) await write(call(start + s, 10));
    passes.push((DEVICES * RATE_HZ * 600) / ((performance.now() - began) / 1000));
  }
  return [passes[0]!, passes[1]!];
}

async function prefill(db: DuckDBConnection): Promise<void> {
  for (let s = 0; s < PREFILL_HOURS * 3600; s += 600) await appendSamples(db, 'samples', call(s, 600));
}

/** One way, in this process: prints its figures as JSON. */
async function runOne(way: string, path: string): Promise<void> {
  let result: [number, number];
  if (way === 'primary-key') {
    const instance = await DuckDBInstance.create(path);
    const db = await instance.connect();
    await db.run(`CREATE TABLE samples (${SAMPLE_COLUMNS}, PRIMARY KEY (device_id, t))`);
    await db.run(`CREATE TEMP TABLE stage (${SAMPLE_COLUMNS})`);
    await prefill(db);
    result = await measure(async (batches) => {
      await appendSamples(db, 'stage', batches);
      await db.run('BEGIN');
      await db.run('INSERT OR IGNORE INTO samples SELECT * FROM stage');
      await db.run('DELETE FROM stage');
      await db.run('COMMIT');
    });
    db.closeSync();
    instance.closeSync();
  } else {
    await (await DuckDbStore.open({ path })).close();
    const instance = await DuckDBInstance.create(path);
    const db = await instance.connect();
    await prefill(db);
    db.closeSync();
    instance.closeSync();
    const store = await DuckDbStore.open({ path });
    result = await measure((batches) => store.writeSamples(batches));
    await store.close();
  }
  process.stdout.write(
    `${JSON.stringify({ first: result[0], repeat: result[1], rssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

if (process.argv[2] === '--one') {
  await runOne(process.argv[3]!, process.argv[4]!);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'restpose-bench-dedup-'));
  const self = fileURLToPath(import.meta.url);
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  try {
    const figures: Record<string, { first: number; repeat: number; rssMb: number }> = {};
    for (const way of ['primary-key', 'adapter']) {
      const out = execFileSync(tsx, [self, '--one', way, join(dir, `${way}.duckdb`)], { encoding: 'utf8' });
      figures[way] = JSON.parse(out.trim().split('\n').at(-1)!);
      const f = figures[way]!;
      process.stdout.write(
        `${way.padEnd(12)} ${Math.round(f.first)} samples/s new, ${Math.round(f.repeat)} repeated, peak RSS ${Math.round(f.rssMb)} MB\n`,
      );
    }
    const pk = figures['primary-key']!;
    const adapter = figures.adapter!;
    const rows = PREFILL_HOURS * 3600 * RATE_HZ * DEVICES;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'duckdb-dedup',
        prefilledRows: rows,
        primaryKey: {
          samplesPerS: Math.round(pk.first),
          repeatSamplesPerS: Math.round(pk.repeat),
          peakRssMb: Math.round(pk.rssMb),
        },
        adapter: {
          samplesPerS: Math.round(adapter.first),
          repeatSamplesPerS: Math.round(adapter.repeat),
          peakRssMb: Math.round(adapter.rssMb),
        },
        ratio: Number((adapter.first / pk.first).toFixed(2)),
      })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
