// `pnpm bench fleet`: the simulator as a load generator, through a real Mosquitto on loopback.
//   nominal:  1,000 devices at 50 Hz, one batch per second each, live: CPU and RSS of the fleet's process.
//   capacity: the same devices sending an hour of backlog as fast as acknowledged (10 in flight each).
//   baseline: bare MQTT clients publishing one pre-encoded frame the same way, in the same run.
// Also: seconds to render an 8-hour 50 Hz night in memory, against one pass writing the same int16 arrays.
// The last line is one JSON object; ratio = capacity throughput / baseline throughput.
import { startMosquitto } from '@restpose/harness';
import { encodeBinaryFrame } from '@restpose/protocol';
import { DeviceFleet, simulateRecording } from '@restpose/simulator';
import mqtt from 'mqtt';

const DEVICES = Number(process.env.BENCH_FLEET_DEVICES ?? 1000);
const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 15);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function renderNight(): { seconds: number; baselineSeconds: number; samples: number } {
  const hours = 8;
  const t0 = performance.now();
  const rec = simulateRecording({
    seed: 1,
    afterRiseHours: 0,
    beforeBedMin: 0,
    sampleTruth: true,
    sensor: { gyro: true },
  });
  const seconds = (performance.now() - t0) / 1000;
  // Scale to exactly 8 hours for the figure; the baseline writes the same number of samples.
  const samples = hours * 3600 * 50;
  const perSample = seconds / rec.sampleCount;
  const b0 = performance.now();
  const out = [new Int16Array(samples), new Int16Array(samples), new Int16Array(samples)];
  for (let i = 0; i < samples; i++) {
    out[0]![i] = i & 0x7fff;
    out[1]![i] = (i * 3) & 0x7fff;
    out[2]![i] = (i * 7) & 0x7fff;
  }
  return { seconds: perSample * samples, baselineSeconds: (performance.now() - b0) / 1000, samples };
}

async function fleetPhase(url: string, speed: number) {
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ deviceId: `bench-${i}`, password: 'x' }));
  const now = Date.now();
  const fleet = new DeviceFleet({
    brokerUrl: url,
    devices,
    seed: 1,
    signal: 'loop',
    speed,
    startMs: speed === Number.POSITIVE_INFINITY ? now - 3_600_000 : now,
    statusEveryS: 0,
    // The bench broker lets anyone in; the devices connect anonymously like the bare publishers.
    mqtt: { username: undefined, password: undefined },
  });
  await fleet.start();
  await sleep(2000);
  const p0 = fleet.progress();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const p1 = fleet.progress();
  const cpu = process.cpuUsage(cpu0);
  const dt = (performance.now() - t0) / 1000;
  const rssMb = process.memoryUsage().rss / 1e6;
  await fleet.stop(1000);
  return {
    batchesPerSec: (p1.acknowledged - p0.acknowledged) / dt,
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / dt) * 100,
    rssMb,
  };
}

/** Bare clients: one fixed frame, republished as soon as acknowledged, 10 in flight per client. */
async function baselinePhase(url: string) {
  const payload = Buffer.from(
    encodeBinaryFrame({
      seq: 0,
      t0: Date.now() - 60_000,
      rateHz: 50,
      accScaleMg: 0.122,
      ax: new Int16Array(50),
      ay: new Int16Array(50),
      az: new Int16Array(50).fill(8192),
    }),
  );
  const clients = await Promise.all(
    Array.from({ length: DEVICES }, (_, i) => mqtt.connectAsync(url, { clientId: `raw-${i}`, reconnectPeriod: 0 })),
  );
  let acked = 0;
  let running = true;
  const pump = (c: mqtt.MqttClient, topic: string) => {
    c.publish(topic, payload, { qos: 1 }, () => {
      acked++;
      if (running) pump(c, topic);
    });
  };
  clients.forEach((c, i) => {
    for (let k = 0; k < 10; k++) pump(c, `restpose/v1/devices/raw-${i}/imu`);
  });
  await sleep(2000);
  const a0 = acked;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const rate = (acked - a0) / ((performance.now() - t0) / 1000);
  running = false;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return { batchesPerSec: rate };
}

const render = renderNight();
process.stdout.write(`8-hour night at 50 Hz with gyroscope and truth: ${render.seconds.toFixed(2)} s\n`);
const broker = await startMosquitto({ extraConfig: ['allow_anonymous true', 'max_queued_messages 100000'] });
try {
  const nominal = await fleetPhase(broker.url, 1);
  process.stdout.write(`nominal: ${DEVICES} devices live: ${JSON.stringify(nominal)}\n`);
  const capacity = await fleetPhase(broker.url, Number.POSITIVE_INFINITY);
  process.stdout.write(`capacity: ${JSON.stringify(capacity)}\n`);
  const baseline = await baselinePhase(broker.url);
  process.stdout.write(`baseline (bare publishers): ${JSON.stringify(baseline)}\n`);
  process.stdout.write(
    `${JSON.stringify({
      devices: DEVICES,
      nightRenderSeconds: Number(render.seconds.toFixed(3)),
      nightBaselineSeconds: Number(render.baselineSeconds.toFixed(3)),
      nominalBatchesPerSec: Math.round(nominal.batchesPerSec),
      nominalCpuPercent: Math.round(nominal.cpuPercent),
      nominalRssMb: Math.round(nominal.rssMb),
      samplesPerSec: Math.round(capacity.batchesPerSec * 50),
      baselineSamplesPerSec: Math.round(baseline.batchesPerSec * 50),
      ratio: Number((capacity.batchesPerSec / baseline.batchesPerSec).toFixed(3)),
    })}\n`,
  );
} finally {
  await broker.stop();
}
process.exit(0);
