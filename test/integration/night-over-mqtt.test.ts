// The product's path end to end: a clinic registers a patient and a belt through the API, mounts the belt rotated
// on the body, and the belt uploads a day and a half over MQTT. Ingest stores it, analyses it live in body axes
// (the registry's mounting), and finalizes the night and its morning, which the API then serves under the metric
// names its links and flags read.
import { NIGHT_METRICS } from '@restpose/protocol';
import { DeviceFleet } from '@restpose/simulator';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// The belt worn turned a quarter turn: body x = device y, body y = -device x (body = R x device).
const MOUNTING = [0, 1, 0, -1, 0, 0, 0, 0, 1];
const HOURS = 36;

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

async function call<T>(method: string, path: string, body?: object): Promise<T> {
  const res = await system.api(path, {
    method,
    ...(body && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

type Day = { date: string; metrics: Record<string, number | null> };

test('a night uploaded over MQTT comes back through the API, analysed in body axes', async () => {
  // The upload starts at 16:00 UTC, at least HOURS ago, so it holds a whole night (the simulator's days run from
  // 18:00). Starting exactly HOURS ago put the start in the small hours some afternoons: the first night was cut
  // short, and whether it still lasted 4 hours depended on when the test ran.
  const latest = Date.now() - HOURS * 3_600_000;
  const startMs = Math.floor((latest - 16 * 3_600_000) / 86_400_000) * 86_400_000 + 16 * 3_600_000;
  await call('POST', '/api/v1/subjects', { id: 'p-night', studyCode: 'N-001', cohort: 'e2e' });
  const { credentials } = await call<{ credentials: { password: string } }>('POST', '/api/v1/devices', {
    id: 'belt-night',
  });
  await call('PUT', '/api/v1/devices/belt-night/mounting', { mounting: { deviceToBody: MOUNTING } });
  await call('POST', '/api/v1/devices/belt-night/assignments', {
    subjectId: 'p-night',
    from: new Date(startMs - 3_600_000).toISOString(),
  });

  const fleet = new DeviceFleet({
    brokerUrl: system.brokerUrl!,
    devices: [{ deviceId: 'belt-night', password: credentials.password }],
    seed: 11,
    rateHz: 20,
    startMs,
    speed: Number.POSITIVE_INFINITY,
    live: false,
    planOptions: { mounting: MOUNTING },
  });
  try {
    await fleet.start();
    await fleet.settled(240_000);
  } finally {
    await fleet.stop();
  }

  const from = new Date(startMs - 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const nights = await eventually(async () => {
    const body = await call<{ nights: Day[] }>('GET', `/api/v1/subjects/p-night/nights?from=${from}&to=${to}`);
    return body.nights.length > 0 ? body.nights : undefined;
  }, 120_000);
  const night = nights[0]!;
  for (const name of Object.keys(NIGHT_METRICS)) expect(night.metrics).toHaveProperty(name);
  expect(night.metrics.time_in_bed_min).toBeGreaterThan(240);
  expect(night.metrics.time_in_bed_min).toBeLessThan(720);
  // Lying postures fill the night only when the mounting turned device axes into body axes.
  const lying = ['share_supine', 'share_prone', 'share_left', 'share_right'].reduce(
    (s, k) => s + (night.metrics[k] ?? 0),
    0,
  );
  expect(lying).toBeGreaterThan(0.8);

  const mornings = await eventually(async () => {
    const body = await call<{ mornings: Day[] }>('GET', `/api/v1/subjects/p-night/mornings?from=${from}&to=${to}`);
    return body.mornings.some((m) => m.date === night.date) ? body.mornings : undefined;
  }, 120_000);
  const morning = mornings.find((m) => m.date === night.date)!;
  expect(morning.metrics.time_to_first_upright_s).not.toBeNull();
  expect(morning.metrics.rom_first_30min_deg).toBeGreaterThan(0);
}, 600_000);
