import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '@restpose/store';

const DEVICES = 20,
  n = 500,
  t0 = Date.now() - 3600_000;
const calls = Array.from({ length: 60 }, (_, s) =>
  Array.from({ length: DEVICES }, (_, d) => ({
    deviceId: `d${d}`,
    t: Float64Array.from({ length: n }, (_, i) => t0 + s * 10000 + i * 20),
    ax: new Float32Array(n).fill(0.1),
    ay: new Float32Array(n).fill(0.2),
    az: new Float32Array(n).fill(0.3),
  })),
);
const store = await DuckDbStore.open({ path: join(mkdtempSync(join(tmpdir(), 'p-')), 'x.duckdb') });
const s0 = performance.now();
for (const c of calls) await store.writeSamples(c);
console.log('total', (performance.now() - s0).toFixed(0), 'ms');
await store.close();
