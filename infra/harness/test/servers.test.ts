import { connectAsync } from 'mqtt';
import { startInfluxd, startMosquitto } from '../src/index.js';

test('mosquitto starts on loopback, refuses unknown users and accepts configured ones', async () => {
  const broker = await startMosquitto({ users: [{ username: 'alice', password: 's3cret' }] });
  try {
    await expect(
      connectAsync(broker.url, { username: 'alice', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Not authorized|Bad username/i);
    const client = await connectAsync(broker.url, { username: 'alice', password: 's3cret', reconnectPeriod: 0 });
    expect(client.connected).toBe(true);
    await client.endAsync();
  } finally {
    await broker.stop();
  }
});

test('influxd starts on loopback, answers queries, and survives a restart', async () => {
  const influx = await startInfluxd();
  try {
    const query = async (q: string) => {
      const res = await fetch(`${influx.url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' });
      return (await res.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
    };
    await query('CREATE DATABASE harness');
    await influx.restart();
    const result = await query('SHOW DATABASES');
    expect(result.results[0]!.series![0]!.values.flat()).toContain('harness');
  } finally {
    await influx.stop();
  }
});
