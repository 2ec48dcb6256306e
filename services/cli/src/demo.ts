// Demo subjects and devices, so a newcomer sees data within a minute of `pnpm start`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashSecret, newSecret } from '@restpose/protocol';
import { createPerson, DeviceFleet } from '@restpose/simulator';
import type { Store } from '@restpose/store';

export interface DeviceCredential {
  deviceId: string;
  password: string;
}

/** Registers demo subjects with one device each; device secrets are new on every start. */
export async function provisionDemo(store: Store, count: number, now: number): Promise<DeviceCredential[]> {
  const credentials: DeviceCredential[] = [];
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(2, '0');
    const subjectId = `demo-${n}`;
    const deviceId = `demo-dev-${n}`;
    if (!(await store.getSubject(subjectId))) {
      await store.upsertSubject({
        id: subjectId,
        studyCode: `DEMO-${n}`,
        cohort: 'demo',
        displayName: null,
        clinicianIds: [],
        createdAt: now,
      });
    }
    const password = newSecret();
    const existing = await store.getDevice(deviceId);
    await store.upsertDevice({
      id: deviceId,
      secretHash: hashSecret(password),
      mounting: existing?.mounting ?? null,
      createdAt: existing?.createdAt ?? now,
      revokedAt: null,
    });
    if ((await store.assignmentsForDevice(deviceId)).length === 0) {
      await store.assignDevice({ deviceId, subjectId, from: 0, to: null });
    }
    credentials.push({ deviceId, password });
  }
  return credentials;
}

/** Saved for `restpose simulate`, which runs as another process against the same broker. */
export function saveCredentials(dataDir: string, credentials: DeviceCredential[]): string {
  const file = join(dataDir, 'demo-devices.json');
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export interface DemoFleetOptions {
  brokerUrl: string;
  credentials: DeviceCredential[];
  rateHz: number;
  /** Recorded data the devices upload first, replayed at `speed`, before streaming live. */
  backfillMs: number;
  speed: number;
  now: number;
  seed: number;
}

/** Local times the demo subjects are at when the demo starts: one asleep, one just up, one going to bed. */
const DEMO_LOCAL_MINUTES = [3 * 60, 7 * 60 + 30, 23 * 60 + 15];

/** The UTC offset (whole minutes, -12 h to +12 h) that makes `now` read `localMinutes` after midnight. */
export function offsetForLocalTime(now: number, localMinutes: number): number {
  const utcMinutes = Math.floor(now / 60_000) % 1440;
  return ((((localMinutes - utcMinutes) % 1440) + 1440 + 720) % 1440) - 720;
}

/** Demo subjects live in different time zones, so a newcomer sees a night, a morning and an evening at once. */
export async function startDemoFleet(options: DemoFleetOptions): Promise<DeviceFleet> {
  const fleet = new DeviceFleet({
    brokerUrl: options.brokerUrl,
    seed: options.seed,
    devices: options.credentials.map((c, i) => {
      const seed = options.seed + i;
      const local = DEMO_LOCAL_MINUTES[i % DEMO_LOCAL_MINUTES.length]!;
      const person = createPerson(seed, { utcOffsetMinutes: offsetForLocalTime(options.now, local) });
      return { deviceId: c.deviceId, password: c.password, seed, person };
    }),
    rateHz: options.rateHz,
    speed: options.speed,
    startMs: Math.floor((options.now - options.backfillMs) / 1000) * 1000,
    signal: 'physical',
  });
  await fleet.start();
  return fleet;
}
