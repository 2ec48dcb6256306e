// `restpose mosquitto`: an operator registers a device (its secret printed once), the device connects with it,
// revoking it cuts it off, and sync provisions ingest's account and removes access the registry no longer grants.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningMosquitto, startMosquitto } from '@restpose/harness';
import { DuckDbStore } from '@restpose/store';
import { connectAsync } from 'mqtt';
import { runCli } from '../support/cli.js';
import { connectDevice } from '../support/devices.js';

let broker: RunningMosquitto;
let dir: string;
const ADMIN_PASSWORD = 'admin-password-cli';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-mosq-cli-'));
  broker = await startMosquitto({ dynsec: { adminUsername: 'admin', adminPassword: ADMIN_PASSWORD } });
});

afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (command: string, ...args: string[]) =>
  runCli(['mosquitto', command, '--broker-url', broker.url, '--data-dir', dir, ...args], {
    RESTPOSE_DYNSEC_PASSWORD: ADMIN_PASSWORD,
  });

test('add-device, connect, revoke-device; sync provisions ingest and reconciles', async () => {
  const added = cli('add-device', '--device-id', 'cli-dev-1');
  expect(added.stderr).toBe('');
  const { deviceId, secret } = JSON.parse(added.stdout) as { deviceId: string; secret: string };
  expect(deviceId).toBe('cli-dev-1');
  const device = await connectDevice(broker.url, 'cli-dev-1', secret);
  const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));

  // A second add without --rekey is refused with one line naming the setting.
  const again = cli('add-device', '--device-id', 'cli-dev-1');
  expect(again.status).toBe(2);
  expect(again.stderr).toMatch(/^restpose: --device-id=cli-dev-1: already registered; add --rekey/);

  const revoked = cli('revoke-device', '--device-id', 'cli-dev-1');
  expect(revoked.status).toBe(0);
  await closed;
  device.end(true);
  await expect(connectDevice(broker.url, 'cli-dev-1', secret)).rejects.toThrow();
  const store = await DuckDbStore.open({ path: join(dir, 'restpose.duckdb') });
  try {
    expect((await store.getDevice('cli-dev-1'))?.revokedAt).not.toBeNull();
  } finally {
    await store.close();
  }

  const synced = cli('sync', '--ingest-password', 'ingest-pw-cli');
  expect(JSON.parse(synced.stdout)).toEqual({ ingestAccount: 'restpose-ingest', revoked: [], missing: [] });
  const ingest = await connectAsync(broker.url, {
    username: 'restpose-ingest',
    password: 'ingest-pw-cli',
    clientId: 'cli-ingest',
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  await expect(ingest.subscribeAsync('$share/g/restpose/v1/devices/+/imu', { qos: 1 })).resolves.toBeDefined();
  await ingest.endAsync();
}, 120_000);

test('a missing admin password stops with one line naming the variable', () => {
  const result = runCli(['mosquitto', 'sync', '--broker-url', broker.url, '--data-dir', dir], {
    RESTPOSE_DYNSEC_PASSWORD: '',
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(
    /^restpose: RESTPOSE_DYNSEC_PASSWORD: required: the dynamic security admin password\n$/,
  );
});
