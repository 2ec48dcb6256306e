// Device provisioning, rotation, revocation and assignment through the API, with the broker hook recorded.
import { hashSecret, secretMatches } from '@restpose/protocol';
import type { DeviceChange } from '../src/index.js';
import { openTestApi, type TestApi } from './support.js';

let api: TestApi;
const told: DeviceChange[] = [];
let brokerDown = false;

beforeAll(async () => {
  api = await openTestApi({
    deviceBrokerUrl: 'mqtt://127.0.0.1:1883',
    deviceCredentials: {
      deviceChanged: async (change) => {
        if (brokerDown) throw new Error('broker unreachable');
        told.push(change);
      },
    },
  });
});
afterAll(() => api.close());

test('provisioning returns the MQTT credentials once; the registry keeps a hash', async () => {
  const res = await api.call('provisioning', 'POST', '/api/v1/devices', { id: 'imu-001' });
  expect(res.statusCode).toBe(201);
  const { device, credentials } = res.json();
  expect(device).toMatchObject({ id: 'imu-001', mounting: null, revokedAt: null, subjectId: null });
  expect(credentials).toEqual({
    username: 'imu-001',
    password: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    brokerUrl: 'mqtt://127.0.0.1:1883',
    topics: {
      imu: 'restpose/v1/devices/imu-001/imu',
      status: 'restpose/v1/devices/imu-001/status',
      config: 'restpose/v1/devices/imu-001/config',
      errors: 'restpose/v1/devices/imu-001/errors',
    },
  });
  const stored = await api.store.getDevice('imu-001');
  expect(secretMatches(credentials.password, stored!.secretHash)).toBe(true);
  expect(told.at(-1)).toEqual({ kind: 'provisioned', device: stored, password: credentials.password });
  const again = await api.call('provisioning', 'GET', '/api/v1/devices/imu-001');
  expect(again.body).not.toContain(credentials.password);
  expect(again.body).not.toContain(stored!.secretHash);
  expect((await api.call('provisioning', 'POST', '/api/v1/devices', { id: 'imu-001' })).statusCode).toBe(409);
});

test('rotation replaces the secret and tells the broker', async () => {
  await api.call('provisioning', 'POST', '/api/v1/devices', { id: 'imu-002' });
  const before = (await api.store.getDevice('imu-002'))!.secretHash;
  const res = await api.call('provisioning', 'POST', '/api/v1/devices/imu-002/rotate');
  expect(res.statusCode).toBe(200);
  const { password } = res.json().credentials;
  const after = (await api.store.getDevice('imu-002'))!.secretHash;
  expect(after).not.toBe(before);
  expect(after).toBe(hashSecret(password));
  expect(told.at(-1)).toMatchObject({ kind: 'rotated', password, device: { id: 'imu-002' } });
});

test('assignments over time: each new one ends the one before; revocation ends the current one', async () => {
  await api.call('provisioning', 'POST', '/api/v1/devices', { id: 'imu-003' });
  const assign = (subjectId: string, from: string) =>
    api.call('provisioning', 'POST', '/api/v1/devices/imu-003/assignments', { subjectId, from });
  expect((await assign('p1', '2025-01-01T00:00:00Z')).statusCode).toBe(201);
  expect((await assign('p2', '2025-02-01T00:00:00+01:00')).statusCode).toBe(201);
  const unknown = await assign('nobody', '2025-03-01T00:00:00Z');
  expect(unknown.statusCode).toBe(404);
  const detail = (await api.call('admin', 'GET', '/api/v1/devices/imu-003')).json();
  expect(detail.assignments).toEqual([
    { subjectId: 'p1', from: '2025-01-01T00:00:00.000Z', to: '2025-01-31T23:00:00.000Z' },
    { subjectId: 'p2', from: '2025-01-31T23:00:00.000Z', to: null },
  ]);
  expect(detail.device.subjectId).toBe('p2');

  const revoked = await api.call('admin', 'POST', '/api/v1/devices/imu-003/revoke');
  expect(revoked.statusCode).toBe(200);
  expect(revoked.json().device).toMatchObject({ revokedAt: expect.any(String), subjectId: null });
  expect(told.at(-1)).toMatchObject({ kind: 'revoked', device: { id: 'imu-003' } });
  expect((await api.store.assignmentsForDevice('imu-003')).at(-1)!.to).not.toBeNull();
  expect((await api.call('admin', 'POST', '/api/v1/devices/imu-003/rotate')).statusCode).toBe(409);
  expect((await assign('p1', '2026-01-01T00:00:00Z')).statusCode).toBe(409);
  const audit = await api.store.queryAudit({ subjectId: 'p2' });
  expect(audit.map((e) => e.action)).toEqual(['device.assign', 'device.revoke']);
});

test('mounting: a rotation, or null to estimate; anything else is refused', async () => {
  await api.call('admin', 'POST', '/api/v1/devices', { id: 'imu-004' });
  const rotation = [0, 1, 0, -1, 0, 0, 0, 0, 1];
  const res = await api.call('admin', 'PUT', '/api/v1/devices/imu-004/mounting', {
    mounting: { deviceToBody: rotation },
  });
  expect(res.json().device.mounting).toEqual({ deviceToBody: rotation });
  expect((await api.store.getDevice('imu-004'))!.mounting).toEqual({ deviceToBody: rotation });
  const mirror = await api.call('admin', 'PUT', '/api/v1/devices/imu-004/mounting', {
    mounting: { deviceToBody: [-1, 0, 0, 0, 1, 0, 0, 0, 1] },
  });
  expect(mirror.json().issues).toEqual([
    { field: 'body.mounting.deviceToBody', message: 'expected a rotation: orthonormal rows, determinant +1' },
  ]);
});

test('a broker that is not told makes the call fail with 503; the registry change stays and a retry tells it', async () => {
  await api.call('admin', 'POST', '/api/v1/devices', { id: 'imu-005' });
  brokerDown = true;
  const res = await api.call('admin', 'POST', '/api/v1/devices/imu-005/revoke');
  expect(res.statusCode).toBe(503);
  expect(res.json().message).toBe('device imu-005: revoked is recorded but the broker did not take it; retry');
  expect((await api.store.getDevice('imu-005'))!.revokedAt).not.toBeNull();
  brokerDown = false;
  expect((await api.call('admin', 'POST', '/api/v1/devices/imu-005/revoke')).statusCode).toBe(200);
  expect(told.at(-1)).toMatchObject({ kind: 'revoked', device: { id: 'imu-005' } });
});
