// Device credentials end to end: the API provisions, rotates and revokes; the embedded broker accepts, drops and
// refuses the device accordingly, including a session that is already open.
import { connectAsync, type MqttClient } from 'mqtt';
import { startTestSystem, type TestSystem } from '../support/system.js';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

const post = async (path: string, body?: object) => {
  const res = await system.api(path, {
    method: 'POST',
    ...(body && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as { credentials: { password: string; brokerUrl: string } } };
};

const connect = (username: string, password: string): Promise<MqttClient> =>
  connectAsync(system.brokerUrl!, {
    username,
    password,
    clientId: `c-${username}-${Math.random()}`,
    reconnectPeriod: 0,
  });

/** Resolves when the broker closes the client's connection. */
const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

test('provision, rotate, revoke: the broker follows the registry', async () => {
  const provisioned = await post('/api/v1/devices', { id: 'belt-01' });
  expect(provisioned.status).toBe(201);
  const first = provisioned.body.credentials;
  expect(first.brokerUrl).toBe(system.brokerUrl);

  const session = await connect('belt-01', first.password);
  const dropped = closed(session);
  const rotated = await post('/api/v1/devices/belt-01/rotate');
  expect(rotated.status).toBe(200);
  await dropped;
  await expect(connect('belt-01', first.password)).rejects.toThrow(/Bad username or password|Not authorized/);

  const second = await connect('belt-01', rotated.body.credentials.password);
  const droppedAgain = closed(second);
  expect((await post('/api/v1/devices/belt-01/revoke')).status).toBe(200);
  await droppedAgain;
  await expect(connect('belt-01', rotated.body.credentials.password)).rejects.toThrow(
    /Bad username or password|Not authorized/,
  );
});
