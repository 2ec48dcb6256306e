// Device credentials end to end: the API provisions, rotates and revokes; the broker accepts, drops and refuses the
// device accordingly, including a session that is already open. Both brokers: the embedded one (it reads the
// registry) and Mosquitto (the API drives its dynamic security plugin).
import { type RunningMosquitto, startMosquitto } from '@restpose/harness';
import { connectAsync, type MqttClient } from 'mqtt';
import { startTestSystem, type TestSystem } from '../support/system.js';

const ADMIN_PASSWORD = 'dynsec-admin-credentials-test';

const setups: Array<[string, () => Promise<{ system: TestSystem; stop: () => Promise<void> }>]> = [
  [
    'embedded broker',
    async () => {
      const system = await startTestSystem();
      return { system, stop: () => system.stop() };
    },
  ],
  [
    'Mosquitto',
    async () => {
      const mosquitto: RunningMosquitto = await startMosquitto({
        dynsec: { adminUsername: 'admin', adminPassword: ADMIN_PASSWORD },
      });
      const system = await startTestSystem({
        components: { broker: false, ingest: false, api: true },
        brokerUrl: mosquitto.url,
        dynsecPassword: ADMIN_PASSWORD,
      }).catch(async (err) => {
        await mosquitto.stop();
        throw err;
      });
      return {
        system,
        stop: async () => {
          await system.stop();
          await mosquitto.stop();
        },
      };
    },
  ],
];

describe.each(setups)('%s', (_name, setup) => {
  let system: TestSystem;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ system, stop } = await setup());
  }, 60_000);
  afterAll(() => stop());

  const post = async (path: string, body?: object) => {
    const res = await system.api(path, {
      method: 'POST',
      ...(body && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as { credentials: { password: string; brokerUrl: string } } };
  };

  // Both brokers take the device id as the client id and refuse any other.
  const connect = (username: string, password: string): Promise<MqttClient> =>
    connectAsync(system.brokerUrl!, { username, password, clientId: username, reconnectPeriod: 0 });

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
    session.end(true);
    await expect(connect('belt-01', first.password)).rejects.toThrow(/Bad username or password|Not authorized/);

    const second = await connect('belt-01', rotated.body.credentials.password);
    const droppedAgain = closed(second);
    expect((await post('/api/v1/devices/belt-01/revoke')).status).toBe(200);
    await droppedAgain;
    second.end(true);
    await expect(connect('belt-01', rotated.body.credentials.password)).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
  }, 60_000);
});
