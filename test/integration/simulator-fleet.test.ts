// Simulated devices over real MQTT: what arrives is what was sent, accounting for the configured drops,
// duplicates and connection losses. Through the embedded system into the store, and through a real Mosquitto
// to a subscriber that counts every message.

import { startMosquitto } from '@restpose/harness';
import { decodeDeviceStatus, decodeImuPayload, hashSecret, parseDeviceTopic } from '@restpose/protocol';
import { DeviceFleet } from '@restpose/simulator';
import { connectAsync } from 'mqtt';
import { eventually, startTestSystem } from '../support/system.js';

test('a flood of backlog through the embedded system: the store holds every batch that was not dropped, once', async () => {
  const system = await startTestSystem();
  const devices = ['sim-a', 'sim-b', 'sim-c'].map((id) => ({ deviceId: id, password: `pw-${id}` }));
  for (const d of devices) {
    await system.store.upsertDevice({
      id: d.deviceId,
      secretHash: hashSecret(d.password),
      mounting: null,
      createdAt: 0,
      revokedAt: null,
    });
  }
  const startMs = Math.floor(Date.now() / 1000) * 1000 - 3 * 60_000;
  const fleet = new DeviceFleet({
    brokerUrl: system.brokerUrl!,
    devices,
    seed: 5,
    startMs,
    speed: Number.POSITIVE_INFINITY,
    live: false,
    sensor: { gyro: true },
    realism: { dropRate: 0.1, duplicateRate: 0.1 },
  });
  try {
    await fleet.start();
    await fleet.settled(60_000);
    const progress = fleet.progress();
    expect(progress.dropped).toBeGreaterThan(0);
    expect(progress.duplicated).toBeGreaterThan(0);
    expect(progress.acknowledged).toBe(progress.published);
    for (const fd of fleet.devices) {
      const p = fd.progress;
      // Every batch that was not dropped, by its first-sample time: none missing, none extra, none twice.
      const expected = new Set<number>();
      for (let b = 0; b < p.batches; b++) {
        const info = fd.device.info(b);
        if (!info.dropped) for (let i = 0; i < 50; i++) expected.add(info.t0 + i * 20);
      }
      expect(expected.size).toBe((p.batches - p.dropped) * 50);
      const stored = await eventually(async () => {
        const s = await system.store.readSamples(p.deviceId, { from: startMs - 60_000, to: Date.now() + 60_000 });
        return s.t.length >= expected.size ? s : undefined;
      }, 30_000);
      expect(stored.t.length).toBe(expected.size);
      expect(Array.from(stored.t).every((t) => expected.has(t))).toBe(true);
      expect(stored.gyro).toBeDefined();
    }
  } finally {
    await fleet.stop();
    await system.stop();
  }
});

test('through Mosquitto with connection losses: every batch not dropped arrives, duplicates twice, status too', async () => {
  const devices = ['sim-m1', 'sim-m2'].map((id) => ({ deviceId: id, password: `pw-${id}` }));
  const broker = await startMosquitto({
    users: [
      ...devices.map((d) => ({ username: d.deviceId, password: d.password })),
      { username: 'counter', password: 'pw' },
    ],
  });
  const counter = await connectAsync(broker.url, {
    username: 'counter',
    password: 'pw',
    clientId: 'counter',
    reconnectPeriod: 0,
  });
  const arrivals = new Map<string, number>();
  const statuses: string[] = [];
  counter.on('message', (topic, payload) => {
    const parsed = parseDeviceTopic(topic);
    if (parsed?.channel === 'status') {
      const status = decodeDeviceStatus(payload);
      if (status.ok) statuses.push(parsed.deviceId);
      return;
    }
    const batch = decodeImuPayload(payload, Date.now());
    if (!parsed || !batch.ok) throw new Error(`undecodable message on ${topic}`);
    const key = `${parsed.deviceId}/${batch.value.seq}`;
    arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
  });
  await counter.subscribeAsync(['restpose/v1/devices/+/imu', 'restpose/v1/devices/+/status'], { qos: 1 });

  const fleet = new DeviceFleet({
    brokerUrl: broker.url,
    devices,
    seed: 9,
    startMs: Math.floor(Date.now() / 1000) * 1000 - 4 * 60_000,
    speed: 60,
    live: false,
    realism: { dropRate: 0.05, duplicateRate: 0.05, reconnectEveryS: 40, outageS: 8, clockDriftPpm: 30 },
  });
  try {
    await fleet.start();
    await fleet.settled(60_000);
    const progress = fleet.progress();
    expect(progress.reconnects).toBeGreaterThan(0);
    await eventually(async () => {
      const received = [...arrivals.values()].reduce((a, v) => a + v, 0);
      return received >= progress.acknowledged ? true : undefined;
    });
    for (const fd of fleet.devices) {
      const p = fd.progress;
      for (let b = 0; b < p.batches; b++) {
        const info = fd.device.info(b);
        const count = arrivals.get(`${p.deviceId}/${info.seq}`) ?? 0;
        if (info.dropped) expect([b, count]).toEqual([b, 0]);
        else if (info.duplicated) expect([b, count >= 2]).toEqual([b, true]);
        else expect([b, count >= 1]).toEqual([b, true]);
      }
      // On connect and every 15 data minutes, the device reports its state; every report the broker acknowledged
      // arrives (one sent just before a connection loss may not be, and is not resent: the next connect reports).
      expect(p.statusAcknowledged).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((id) => id === p.deviceId).length).toBeGreaterThanOrEqual(p.statusAcknowledged);
    }
  } finally {
    await fleet.stop();
    await counter.endAsync();
    await broker.stop();
  }
});
