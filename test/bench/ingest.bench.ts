// `pnpm bench ingest`: simulated devices at 50 Hz, one 1 s batch per second each, through Mosquitto into InfluxDB,
// with `restpose ingest` as its own process. In one run:
//   ceilings   InfluxDB taking the same points as pre-encoded 5,000-line requests (measured right before the
//              capacity run); Mosquitto delivering the same frames to a consumer that discards them; and the load
//              generator alone (it must not be the limit)
//   nominal    1,000 devices in real time: publish-to-queryable latency (p50, p99), ingest RSS and CPU
//   capacity   devices publishing as fast as the pipeline takes them: the highest throughput held into InfluxDB for a
//              minute, and `ratio` = capacity / the lower ceiling
// The last line printed is one JSON object with the figures.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@restpose/harness';
import { spawnCli } from '../support/cli.js';
import { INGEST_PASSWORD, INGEST_USER, startIngestStack } from '../support/ingest-stack.js';
import { LoadGenerator, SAMPLES_PER_BATCH } from './support/load-generator.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const NOMINAL_WARMUP_S = 10;
const NOMINAL_S = Number(process.env.BENCH_NOMINAL_S ?? 60);
const CAPACITY_S = Number(process.env.BENCH_CAPACITY_S ?? 75);
const WINDOW_S = Math.min(60, CAPACITY_S - 10);
const CEILING_S = 15;
const TRACKED = 25;

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the full line)
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: ticks / 100, rssBytes: Number(rss?.[1] ?? 0) * 1024 };
}

/**
 * Points per second InfluxDB holds for `seconds` when given the same points as pre-encoded 5,000-line requests, the
 * adapter's way (several in flight). The same bodies are written again into fresh retention policies (fresh shards),
 * so InfluxDB does the work of new data for as long as the capacity run lasts, compactions included, while the
 * client spends nothing on encoding.
 */
async function influxCeiling(url: string, devices: string[], seconds: number): Promise<number> {
  const q = (text: string) => fetch(`${url}/query?q=${encodeURIComponent(text)}`, { method: 'POST' });
  await q('CREATE DATABASE ceiling');
  const t0 = Date.UTC(2026, 0, 1);
  const bodies: string[] = [];
  let lines: string[] = [];
  for (let s = 0; s < 20; s++) {
    for (const d of devices) {
      for (let i = 0; i < SAMPLES_PER_BATCH; i++) {
        const ax = (0.98 + 0.001 * ((i * 7 + s) % 13)).toFixed(5);
        lines.push(`samples,device=${d} ax=${ax},ay=-0.10011,az=0.15006 ${t0 + s * 1000 + i * 20}`);
        if (lines.length === 5000) {
          bodies.push(lines.join('\n'));
          lines = [];
        }
      }
    }
  }
  let written = 0;
  let rp = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await q(`CREATE RETENTION POLICY "r${rp}" ON "ceiling" DURATION INF REPLICATION 1`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < bodies.length && performance.now() - started < seconds * 1000) {
          const body = bodies[next++]!;
          const res = await fetch(`${url}/write?db=ceiling&rp=r${rp}&precision=ms`, { method: 'POST', body });
          if (res.status !== 204) throw new Error(`influx ceiling write: ${res.status} ${await res.text()}`);
          written += 5000;
        }
      }),
    );
    rp++;
  }
  const rate = written / ((performance.now() - started) / 1000);
  log(`influx ceiling: ${round(rate)} points/s held for ${seconds} s`);
  await q('DROP DATABASE ceiling');
  return rate;
}

/** Lines a child process prints, as they come. */
function onLines(child: ChildProcess, each: (line: string) => void): void {
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const l of lines) each(l);
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

async function main() {
  log(`starting Mosquitto and influxd, provisioning ${DEVICES} devices...`);
  const stack = await startIngestStack(DEVICES, 'bench');
  const dir = mkdtempSync(join(tmpdir(), 'restpose-bench-ingest-'));
  const generator = new LoadGenerator(stack.mosquitto.url, stack.devices);
  let ingest: ChildProcess | null = null;
  try {
    await generator.connect();
    log(`${DEVICES} devices connected`);

    // The generator alone: publishing with nobody subscribed (the broker acknowledges and drops).
    let generatorSamplesPerSecond: number;
    {
      const before = generator.acked;
      const started = performance.now();
      generator.startSaturating(10, Date.UTC(2025, 0, 1), () => 1);
      await sleep(CEILING_S * 1000 * (2 / 3));
      generator.stop();
      const rate = (generator.acked - before) / ((performance.now() - started) / 1000);
      generatorSamplesPerSecond = rate * SAMPLES_PER_BATCH;
      log(`generator alone: ${round(generatorSamplesPerSecond)} samples/s`);
      await sleep(1000);
    }

    // The broker ceiling: the same frames delivered to a consumer that discards them.
    let brokerSamplesPerSecond: number;
    {
      const script = fileURLToPath(new URL('./support/discard-consumer.ts', import.meta.url));
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const consumer = spawn(
        process.execPath,
        ['--import', 'tsx', script, stack.mosquitto.url, INGEST_USER, INGEST_PASSWORD],
        {
          cwd: root,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let consumed = 0;
      let ready = false;
      onLines(consumer, (l) => {
        if (l === 'ready') ready = true;
        else consumed = Number(l);
      });
      while (!ready) await sleep(50);
      const publishedBefore = generator.published;
      generator.startSaturating(
        10,
        Date.UTC(2025, 1, 1),
        () => 20_000 - (generator.published - publishedBefore - consumed),
      );
      await sleep(3000);
      const from = consumed;
      const started = performance.now();
      await sleep(CEILING_S * 1000);
      brokerSamplesPerSecond = ((consumed - from) / ((performance.now() - started) / 1000)) * SAMPLES_PER_BATCH;
      generator.stop();
      await sleep(1000);
      consumer.kill('SIGTERM');
      await new Promise((r) => consumer.once('exit', r));
      log(`broker ceiling: ${round(brokerSamplesPerSecond)} samples/s`);
    }

    // restpose ingest, as deployed: its own process.
    const metricsPort = await freePort();
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    ingest = spawnCli(
      [...stack.ingestArgs(join(dir, 'spool'), 'bench-ingest-1', metricsPort), '--epoch-seconds', '30'],
      {},
      (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    );
    ingest.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
    for (;;) {
      const up = await fetch(`${metricsUrl}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) break;
      if (ingest.exitCode !== null) throw new Error('ingest exited at start');
      await sleep(200);
    }
    const pid = ingest.pid!;
    const ackedBeforeIngest = generator.acked;

    // Nominal: real time, 1,000 devices.
    log(`nominal: ${DEVICES} devices in real time, ${NOMINAL_WARMUP_S} s warm-up, ${NOMINAL_S} s measured`);
    const tracked = new Set(Array.from({ length: TRACKED }, (_, i) => Math.floor((i * DEVICES) / TRACKED)));
    const trackedIds = [...tracked].map((k) => stack.devices[k]!.deviceId);
    generator.startRealtime(tracked);
    await sleep(NOMINAL_WARMUP_S * 1000);
    generator.publishTimes.clear();
    const latencies: number[] = [];
    const rss: number[] = [];
    const usageStart = processUsage(pid);
    const nominalStart = performance.now();
    const query = `SELECT last("ax") FROM "restpose"."raw"."samples" WHERE time > now() - 60s AND "device" =~ /^(${trackedIds.join('|')})$/ GROUP BY "device"`;
    const queryUrl = `${stack.influx.url}/query?db=restpose&epoch=ms&q=${encodeURIComponent(query)}`;
    while (performance.now() - nominalStart < NOMINAL_S * 1000) {
      const res = (await (await fetch(queryUrl)).json()) as {
        results: Array<{ series?: Array<{ tags: { device: string }; values: Array<[number, number]> }> }>;
      };
      const now = performance.now();
      const lastByDevice = new Map<string, number>();
      for (const s of res.results[0]?.series ?? []) lastByDevice.set(s.tags.device, s.values[0]![0]);
      for (const [key, publishedAt] of generator.publishTimes) {
        const [device, t0] = key.split('/') as [string, string];
        if ((lastByDevice.get(device) ?? 0) >= Number(t0) + 1000 - 20) {
          latencies.push(now - publishedAt);
          generator.publishTimes.delete(key);
        }
      }
      rss.push(processUsage(pid).rssBytes);
      await sleep(50);
    }
    const usageEnd = processUsage(pid);
    const nominalSeconds = (performance.now() - nominalStart) / 1000;
    const memory = (await (await fetch(`${metricsUrl}/metrics`)).text())
      .split('\n')
      .filter((l) => /^restpose_ingest_nodejs_(heap_size|external|heap_space_size_used)/.test(l));
    log(`ingest memory after the nominal run:\n${memory.join('\n')}`);
    generator.stop();
    latencies.sort((a, b) => a - b);
    rss.sort((a, b) => a - b);
    const nominal = {
      devices: DEVICES,
      samplesPerSecond: DEVICES * SAMPLES_PER_BATCH,
      latencyBatches: latencies.length,
      latencyP50Ms: round(quantile(latencies, 0.5)),
      latencyP99Ms: round(quantile(latencies, 0.99)),
      latencyMaxMs: round(latencies.at(-1) ?? Number.NaN),
      ingestRssMb: round(quantile(rss, 0.5) / 2 ** 20),
      ingestRssPeakMb: round((rss.at(-1) ?? 0) / 2 ** 20),
      ingestCpuPercent: round(((usageEnd.cpuSeconds - usageStart.cpuSeconds) / nominalSeconds) * 100, 1),
      unmatchedBatches: generator.publishTimes.size,
    };
    log(`nominal: ${JSON.stringify(nominal)}`);
    await sleep(3000);

    // The InfluxDB ceiling right before the capacity run, so both see the machine in the same state.
    const influxPointsPerSecond = await influxCeiling(
      stack.influx.url,
      stack.devices.map((d) => d.deviceId),
      WINDOW_S,
    );

    // Capacity: as fast as the pipeline takes it, closed loop on what ingest has stored.
    log(`capacity: saturating for ${CAPACITY_S} s`);
    let stored = await metric(metricsUrl, 'restpose_ingest_stored_samples_total');
    const publishedBefore = generator.published;
    const storedBefore = stored;
    const aheadSamples = 400_000;
    generator.startSaturating(
      10,
      Date.UTC(2025, 6, 1),
      () =>
        aheadSamples / SAMPLES_PER_BATCH -
        (generator.published - publishedBefore - (stored - storedBefore) / SAMPLES_PER_BATCH),
    );
    const series: Array<{ at: number; stored: number }> = [];
    const usageCapStart = processUsage(pid);
    const capStart = performance.now();
    while (performance.now() - capStart < CAPACITY_S * 1000) {
      await sleep(250);
      stored = await metric(metricsUrl, 'restpose_ingest_stored_samples_total');
      series.push({ at: performance.now(), stored });
    }
    const usageCapEnd = processUsage(pid);
    generator.stop();
    let bestRate = 0;
    for (let i = 0; i < series.length; i++) {
      const j = series.findIndex((p) => p.at - series[i]!.at >= WINDOW_S * 1000);
      if (j < 0) break;
      bestRate = Math.max(bestRate, (series[j]!.stored - series[i]!.stored) / ((series[j]!.at - series[i]!.at) / 1000));
    }
    const capacity = {
      samplesPerSecond: round(bestRate),
      windowSeconds: WINDOW_S,
      devicesAt50Hz: round(bestRate / 50),
      ingestCpuPercent: round(
        ((usageCapEnd.cpuSeconds - usageCapStart.cpuSeconds) / ((performance.now() - capStart) / 1000)) * 100,
        1,
      ),
    };
    log(`capacity: ${JSON.stringify(capacity)}`);

    // Everything the broker acknowledged since ingest started is in InfluxDB.
    await sleep(2000);
    const expected = (generator.acked - ackedBeforeIngest) * SAMPLES_PER_BATCH;
    let inInflux = 0;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const res = (await (
        await fetch(
          `${stack.influx.url}/query?db=restpose&q=${encodeURIComponent('SELECT count("ax") FROM "restpose"."raw"."samples"')}`,
        )
      ).json()) as { results: Array<{ series?: Array<{ values: Array<[string, number]> }> }> };
      inInflux = res.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
      if (inInflux >= expected) break;
      await sleep(1000);
    }
    const lowerCeiling = Math.min(influxPointsPerSecond, brokerSamplesPerSecond);
    const result = {
      bench: 'ingest',
      devices: DEVICES,
      nominal,
      capacity,
      ceilings: {
        influxPointsPerSecond: round(influxPointsPerSecond),
        brokerSamplesPerSecond: round(brokerSamplesPerSecond),
        generatorSamplesPerSecond: round(generatorSamplesPerSecond),
      },
      storedInInflux: inInflux,
      acknowledgedSamples: expected,
      ratio: round(bestRate / lowerCeiling, 3),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await generator.close();
    if (ingest && ingest.exitCode === null) {
      ingest.kill('SIGTERM');
      await new Promise((r) => ingest!.once('exit', r));
    }
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
