// The Store contract, run against every adapter: the same cases, the same expectations.
import type { AuditEntry, Device, NightRecord, PostureEpoch, StiffnessReport, Subject, User } from '@restpose/protocol';
import { type SampleBatch, type Store, StoreConflictError, StoreInputError, subjectAt } from '../src/index.js';

export interface StoreHarness {
  /** A store on an empty database. */
  open(): Promise<Store>;
  /** Restarts the database under the store (or reopens the file) and returns the store to keep using. */
  restart(store: Store): Promise<Store>;
  /** Removes what open() created. */
  dispose(store: Store): Promise<void>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Raw data is recent (InfluxDB drops raw samples older than the retention period): yesterday, 22:00 UTC. */
const T0 = Math.floor(Date.now() / DAY) * DAY - 2 * HOUR;
const hash = (c: string) => c.repeat(64);

export const user = (id: string, role: User['role'] = 'clinician'): User => ({
  id,
  name: `Dr ${id}`,
  role,
  createdAt: 1_000,
  disabledAt: null,
});

export const subject = (id: string, overrides: Partial<Subject> = {}): Subject => ({
  id,
  studyCode: `S-${id}`,
  cohort: 'pilot',
  displayName: null,
  clinicianIds: [],
  createdAt: 2_000,
  ...overrides,
});

export const device = (id: string, overrides: Partial<Device> = {}): Device => ({
  id,
  secretHash: hash('a'),
  mounting: null,
  createdAt: 3_000,
  revokedAt: null,
  ...overrides,
});

function samples(deviceId: string, t0: number, n: number, rateHz: number, offset = 0): SampleBatch {
  const t = Float64Array.from({ length: n }, (_, i) => t0 + (i * 1000) / rateHz);
  return {
    deviceId,
    t,
    ax: Float32Array.from(t, (_, i) => 0.1 + (i + offset) / 1000),
    ay: Float32Array.from(t, (_, i) => -0.95 - i / 7),
    az: Float32Array.from(t, (_, i) => Math.sin(i) / 3),
  };
}

function epoch(start: number, overrides: Partial<PostureEpoch> = {}): PostureEpoch {
  return {
    subjectId: 's1',
    deviceId: 'dev-1',
    start,
    durationS: 30,
    posture: 'supine',
    confidence: 0.875,
    sagittalDeg: -88.5,
    frontalDeg: 1.25,
    rollDeg: 2.5,
    algorithm: 'angle-rule@0.1.0',
    ...overrides,
  };
}

function night(subjectId: string, date: string, overrides: Partial<NightRecord> = {}): NightRecord {
  const rise = Date.parse(`${date}T06:30:00Z`);
  return {
    subjectId,
    date,
    algorithm: 'night@1.0.0',
    start: rise - 8 * HOUR,
    end: rise,
    computedAt: Date.parse(`${date}T12:00:00Z`),
    metrics: { supine_pct: 41.5, turns: 12, longest_bout_min: null },
    detail: { turns: [{ at: rise - 3 * HOUR, from: 'left', to: 'supine' }], note: 'quoted "text", back\\slash' },
    ...overrides,
  };
}

function report(subjectId: string, date: string, overrides: Partial<StiffnessReport> = {}): StiffnessReport {
  return {
    subjectId,
    date,
    severity: 6,
    durationMin: 45,
    pain: 4.5,
    note: 'stiff until the second coffee',
    redFlags: {
      nightPainUnchangedByMovement: false,
      progressiveNeurologicalSymptoms: false,
      unexplainedWeightLoss: null,
      fever: false,
    },
    source: 'patient-app',
    createdAt: Date.parse(`${date}T08:00:00Z`),
    updatedAt: Date.parse(`${date}T08:00:00Z`),
    ...overrides,
  };
}

const audit = (at: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at,
  actor: 'u1',
  action: 'subject.update',
  subjectId: 's1',
  detail: { field: 'cohort' },
  ...overrides,
});

export function contractSuite(name: string, harness: () => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let h: StoreHarness;

    beforeEach(async () => {
      h = harness();
      store = await h.open();
    });

    afterEach(async () => {
      await h.dispose(store);
    });

    test('ping answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('registry', () => {
      test('users are created, replaced and listed by id', async () => {
        await store.putUser(user('u2', 'researcher'));
        await store.putUser(user('u1'));
        await store.putUser({ ...user('u1'), name: 'Dr Renamed', disabledAt: 9_000 });
        expect(await store.getUser('u1')).toEqual({ ...user('u1'), name: 'Dr Renamed', disabledAt: 9_000 });
        expect(await store.getUser('nobody')).toBeNull();
        expect((await store.listUsers()).map((u) => [u.id, u.role])).toEqual([
          ['u1', 'clinician'],
          ['u2', 'researcher'],
        ]);
      });

      test('tokens belong to existing users and are revoked once', async () => {
        const token = { tokenHash: hash('b'), userId: 'u1', label: 'laptop', createdAt: 5_000, revokedAt: null };
        await expect(store.putToken(token)).rejects.toThrow(StoreConflictError);
        await store.putUser(user('u1'));
        await store.putToken(token);
        await store.putToken({ ...token, tokenHash: hash('c'), label: 'script', createdAt: 6_000 });
        expect(await store.findToken(hash('b'))).toEqual(token);
        expect(await store.findToken(hash('d'))).toBeNull();
        expect(await store.revokeToken(hash('b'), 7_000)).toBe(true);
        expect(await store.revokeToken(hash('b'), 8_000)).toBe(false);
        expect(await store.revokeToken(hash('d'), 8_000)).toBe(false);
        expect((await store.findToken(hash('b')))?.revokedAt).toBe(7_000);
        expect((await store.listTokens('u1')).map((t) => [t.label, t.revokedAt])).toEqual([
          ['laptop', 7_000],
          ['script', null],
        ]);
        expect(await store.listTokens('u2')).toEqual([]);
      });

      test('subjects are upserted, filtered by cohort and clinician, and study codes stay unique', async () => {
        await store.upsertSubject(subject('s2', { cohort: 'control', clinicianIds: ['u1'] }));
        await store.upsertSubject(subject('s1', { displayName: 'Ann Example', clinicianIds: ['u1', 'u2'] }));
        await store.upsertSubject(subject('s3', { cohort: null }));
        await store.upsertSubject(subject('s3', { cohort: 'pilot', displayName: 'Bo' }));
        expect(await store.getSubject('s3')).toEqual(subject('s3', { cohort: 'pilot', displayName: 'Bo' }));
        expect((await store.listSubjects()).map((s) => s.id)).toEqual(['s1', 's2', 's3']);
        expect((await store.listSubjects({ cohort: 'pilot' })).map((s) => s.id)).toEqual(['s1', 's3']);
        expect((await store.listSubjects({ clinicianId: 'u1' })).map((s) => s.id)).toEqual(['s1', 's2']);
        expect((await store.listSubjects({ clinicianId: 'u2', cohort: 'control' })).map((s) => s.id)).toEqual([]);
        await expect(store.upsertSubject(subject('s4', { studyCode: 'S-s1' }))).rejects.toThrow(/S-s1.*s1/);
        expect(await store.getSubject('s4')).toBeNull();
      });

      test('a subject is deleted only when no device is assigned now', async () => {
        await store.upsertSubject(subject('s1'));
        await store.upsertDevice(device('dev-1'));
        await store.assignDevice({ deviceId: 'dev-1', subjectId: 's1', from: 1_000, to: null });
        await expect(store.deleteSubject('s1')).rejects.toThrow(StoreConflictError);
        expect(await store.endAssignment('dev-1', 2_000)).toBe(true);
        expect(await store.deleteSubject('s1')).toBe(true);
        expect(await store.deleteSubject('s1')).toBe(false);
        expect(await store.getSubject('s1')).toBeNull();
        expect(await store.listSubjects()).toEqual([]);
        // The history of the device still says who wore it.
        expect(await store.assignmentsForDevice('dev-1')).toEqual([
          { deviceId: 'dev-1', subjectId: 's1', from: 1_000, to: 2_000 },
        ]);
        await store.upsertSubject(subject('s1', { cohort: 'again' }));
        expect((await store.getSubject('s1'))?.cohort).toBe('again');
      });

      test('devices keep their mounting and revocation', async () => {
        const mounting = { deviceToBody: [0, -1, 0, 1, 0, 0, 0, 0, 1] }; // device -y is the body's x
        await store.upsertDevice(device('dev-2'));
        await store.upsertDevice(device('dev-1', { mounting }));
        await store.upsertDevice(device('dev-2', { revokedAt: 4_000, secretHash: hash('e') }));
        expect(await store.getDevice('dev-1')).toEqual(device('dev-1', { mounting }));
        expect(await store.getDevice('dev-2')).toEqual(device('dev-2', { revokedAt: 4_000, secretHash: hash('e') }));
        expect(await store.getDevice('dev-3')).toBeNull();
        expect((await store.listDevices()).map((d) => d.id)).toEqual(['dev-1', 'dev-2']);
      });

      test('assignments form a history: a new one ends the open one, overlaps are refused', async () => {
        for (const s of ['s1', 's2', 's3']) await store.upsertSubject(subject(s));
        await store.upsertDevice(device('dev-1'));
        await store.upsertDevice(device('dev-2'));
        await expect(store.assignDevice({ deviceId: 'dev-9', subjectId: 's1', from: 0, to: null })).rejects.toThrow(
          StoreConflictError,
        );
        await expect(store.assignDevice({ deviceId: 'dev-1', subjectId: 's9', from: 0, to: null })).rejects.toThrow(
          StoreConflictError,
        );
        await store.assignDevice({ deviceId: 'dev-1', subjectId: 's1', from: 1_000, to: null });
        await store.assignDevice({ deviceId: 'dev-1', subjectId: 's2', from: 5_000, to: null });
        await store.assignDevice({ deviceId: 'dev-2', subjectId: 's1', from: 6_000, to: null });
        // Same start: replaced, not added.
        await store.assignDevice({ deviceId: 'dev-1', subjectId: 's3', from: 5_000, to: null });
        // Inside a closed stretch, or overlapping a later one: refused.
        await expect(
          store.assignDevice({ deviceId: 'dev-1', subjectId: 's2', from: 2_000, to: 3_000 }),
        ).rejects.toThrow(StoreConflictError);
        await expect(store.assignDevice({ deviceId: 'dev-1', subjectId: 's2', from: 500, to: 1_500 })).rejects.toThrow(
          StoreConflictError,
        );
        await store.assignDevice({ deviceId: 'dev-1', subjectId: 's2', from: 100, to: 1_000 });

        const history = await store.assignmentsForDevice('dev-1');
        expect(history).toEqual([
          { deviceId: 'dev-1', subjectId: 's2', from: 100, to: 1_000 },
          { deviceId: 'dev-1', subjectId: 's1', from: 1_000, to: 5_000 },
          { deviceId: 'dev-1', subjectId: 's3', from: 5_000, to: null },
        ]);
        expect(subjectAt(history, 999)).toBe('s2');
        expect(subjectAt(history, 4_999)).toBe('s1');
        expect(subjectAt(history, 5_000)).toBe('s3');
        expect(subjectAt(history, 99)).toBeNull();
        expect(await store.assignmentsForSubject('s1')).toEqual([
          { deviceId: 'dev-1', subjectId: 's1', from: 1_000, to: 5_000 },
          { deviceId: 'dev-2', subjectId: 's1', from: 6_000, to: null },
        ]);

        await expect(store.endAssignment('dev-2', 6_000)).rejects.toThrow(StoreConflictError);
        expect(await store.endAssignment('dev-2', 7_000)).toBe(true);
        expect(await store.endAssignment('dev-2', 8_000)).toBe(false);
        expect(await store.assignmentsForDevice('dev-2')).toEqual([
          { deviceId: 'dev-2', subjectId: 's1', from: 6_000, to: 7_000 },
        ]);
      });

      test('bad records are refused with the field named', async () => {
        await expect(store.upsertSubject({ ...subject('s1'), id: 'no spaces' })).rejects.toThrow(
          new StoreInputError('subject.id: expected 1-64 letters, digits, "_" or "-"'),
        );
        await expect(store.upsertDevice(device('dev-1', { secretHash: 'short' }))).rejects.toThrow(
          /^device\.secretHash: expected a sha256/,
        );
        await expect(store.assignDevice({ deviceId: 'dev-1', subjectId: 's1', from: 5, to: 5 })).rejects.toThrow(
          /^assignment\.to: expected to after from/,
        );
      });
    });

    describe('raw samples', () => {
      test('round-trip with sub-millisecond timestamps; repeats are stored once', async () => {
        const b = samples('dev-1', T0, 400, 400); // 2.5 ms spacing
        await store.writeSamples(b);
        await store.writeSamples(b);
        const back = await store.readSamples('dev-1', { from: T0, to: T0 + 10_000 });
        expect(back.t.length).toBe(400);
        expect(Array.from(back.t)).toEqual(Array.from(b.t));
        expect(back.ax).toEqual(b.ax);
        expect(back.ay).toEqual(b.ay);
        expect(back.az).toEqual(b.az);
        expect(back.gyro).toBeUndefined();
      });

      test('a sample written again with other values keeps the last write', async () => {
        await store.writeSamples(samples('dev-1', T0, 100, 50));
        const again = samples('dev-1', T0 + 1000, 100, 50, 500); // overlaps the second half, different ax
        await store.writeSamples(again);
        const back = await store.readSamples('dev-1', { from: T0, to: T0 + 10_000 });
        expect(back.t.length).toBe(150);
        expect(back.ax[49]).toBeCloseTo(0.1 + 49 / 1000, 6);
        expect(back.ax[50]).toBe(again.ax[0]);
        expect(back.ax[149]).toBe(again.ax[99]);
      });

      test('ranges are half-open and reads are ordered, whatever the write order', async () => {
        await store.writeSamples([samples('dev-1', T0 + 1000, 50, 50), samples('dev-2', T0, 50, 50)]);
        await store.writeSamples(samples('dev-1', T0, 50, 50));
        const all = await store.readSamples('dev-1', { from: T0, to: T0 + 2000 });
        expect(all.t.length).toBe(100);
        expect(all.t.every((t, i) => i === 0 || t > all.t[i - 1]!)).toBe(true);
        const part = await store.readSamples('dev-1', { from: T0 + 20, to: T0 + 1000 });
        expect(part.t[0]).toBe(T0 + 20);
        expect(part.t[part.t.length - 1]).toBe(T0 + 980);
        expect(part.t.length).toBe(49);
        expect((await store.readSamples('dev-2', { from: T0, to: T0 + 2000 })).t.length).toBe(50);
        expect((await store.readSamples('dev-3', { from: T0, to: T0 + 2000 })).t.length).toBe(0);
      });

      test('gyroscope columns round-trip', async () => {
        const b = samples('dev-1', T0, 20, 100);
        b.gyro = {
          gx: Float32Array.from(b.t, (_, i) => i * 1.5),
          gy: Float32Array.from(b.t, (_, i) => -(i + 1) / 3),
          gz: new Float32Array(20).fill(250.125),
        };
        b.ay[0] = -0;
        await store.writeSamples(b);
        const back = await store.readSamples('dev-1', { from: T0, to: T0 + 1000 });
        expect(back.gyro?.gx).toEqual(b.gyro.gx);
        expect(back.gyro?.gy).toEqual(b.gyro.gy);
        expect(back.gyro?.gz).toEqual(b.gyro.gz);
        expect(Object.is(back.ay[0], 0)).toBe(true);
      });

      test('repeats inside one write are stored once, the later winning', async () => {
        const first = samples('dev-1', T0, 10, 10);
        const second = samples('dev-1', T0 + 500, 10, 10, 300);
        await store.writeSamples([first, second]);
        const back = await store.readSamples('dev-1', { from: T0, to: T0 + 5000 });
        expect(back.t.length).toBe(15);
        expect(back.ax[5]).toBe(second.ax[0]);
      });

      test('invalid batches are refused before anything is written', async () => {
        const good = samples('dev-1', T0, 10, 10);
        const nan = samples('dev-1', T0 + 5000, 10, 10);
        nan.az[3] = Number.NaN;
        await expect(store.writeSamples([good, nan])).rejects.toThrow(
          new StoreInputError('batches[1].az[3]: expected a finite number'),
        );
        const short = { ...samples('dev-1', T0, 10, 10), ay: new Float32Array(9) };
        await expect(store.writeSamples(short)).rejects.toThrow(/batches\[0\]\.ay: expected 10 values/);
        expect((await store.readSamples('dev-1', { from: T0, to: T0 + 10_000 })).t.length).toBe(0);
      });

      test('dead letters keep the bytes and are queried by device and time', async () => {
        const payload = Buffer.from([0, 1, 2, 254, 255, 10, 34]).toString('base64');
        const letter = { receivedAt: T0, deviceId: 'dev-1', topic: 't/1', code: 'BAD_FRAME', reason: 'crc', payload };
        await store.writeDeadLetter(letter);
        await store.writeDeadLetter({ ...letter, reason: 'second at the same ms' });
        await store.writeDeadLetter({ ...letter, receivedAt: T0 + 10, deviceId: null, topic: 'junk' });
        await store.writeDeadLetter({ ...letter, receivedAt: T0 + 20, deviceId: 'dev-2' });
        const range = { from: T0, to: T0 + 20 };
        expect(await store.queryDeadLetters({ range })).toEqual([
          letter,
          { ...letter, reason: 'second at the same ms' },
          { ...letter, receivedAt: T0 + 10, deviceId: null, topic: 'junk' },
        ]);
        expect((await store.queryDeadLetters({ range, deviceId: 'dev-1', limit: 1 })).map((d) => d.reason)).toEqual([
          'crc',
        ]);
      });
    });

    describe('derived records', () => {
      test('epochs are replaced per subject, start and algorithm; other versions are kept', async () => {
        await store.writeEpochs([epoch(T0), epoch(T0 + 30_000)]);
        await store.writeEpochs([epoch(T0, { posture: 'left', rollDeg: 90 })]);
        await store.writeEpochs([epoch(T0, { algorithm: 'angle-rule@0.2.0', posture: 'prone' })]);
        const all = await store.queryEpochs('s1', { from: T0, to: T0 + 60_000 });
        expect(all.map((e) => [e.start - T0, e.algorithm, e.posture])).toEqual([
          [0, 'angle-rule@0.1.0', 'left'],
          [0, 'angle-rule@0.2.0', 'prone'],
          [30_000, 'angle-rule@0.1.0', 'supine'],
        ]);
        expect(all[0]).toEqual(epoch(T0, { posture: 'left', rollDeg: 90 }));
        const v2 = await store.queryEpochs('s1', { from: T0, to: T0 + 60_000 }, { algorithm: 'angle-rule@0.2.0' });
        expect(v2.map((e) => e.posture)).toEqual(['prone']);
        expect(await store.queryEpochs('s1', { from: T0 + 1, to: T0 + 30_000 })).toEqual([]);
        expect(await store.queryEpochs('s2', { from: T0, to: T0 + 60_000 })).toEqual([]);
      });

      test('nights: re-running a version replaces it, the latest is the default, versions can be compared', async () => {
        await store.upsertSubject(subject('s1'));
        const v1 = night('s1', '2026-11-20');
        const v2 = night('s1', '2026-11-20', {
          algorithm: 'night@2.0.0',
          computedAt: v1.computedAt + HOUR,
          metrics: { supine_pct: 40, turns: 13 },
        });
        await store.writeNights([v1, night('s1', '2026-11-21')]);
        await store.writeNights([v2]);
        const rerun = { ...v1, metrics: { supine_pct: 39.25 }, detail: { rerun: true }, computedAt: v2.computedAt + 1 };
        await store.writeNights([rerun]);

        const dates = { from: '2026-11-20', to: '2026-11-22' };
        expect(await store.queryNights({ subjectIds: ['s1'], dates, algorithm: 'night@1.0.0' })).toEqual([
          rerun,
          night('s1', '2026-11-21'),
        ]);
        expect(await store.queryNights({ subjectIds: ['s1'], dates, algorithm: 'night@2.0.0' })).toEqual([v2]);
        // The rerun of 1.0.0 was computed last, so it is the latest for the 20th.
        expect(await store.queryNights({ subjectIds: ['s1'], dates })).toEqual([rerun, night('s1', '2026-11-21')]);
        await store.writeNights([{ ...v2, computedAt: rerun.computedAt + 1 }]);
        expect((await store.queryNights({ subjectIds: ['s1'], dates })).map((n) => n.algorithm)).toEqual([
          'night@2.0.0',
          'night@1.0.0',
        ]);
      });

      test('nights: the same key twice in one call keeps the later record, a year of nights in one call', async () => {
        await store.upsertSubject(subject('s1'));
        const first = night('s1', '2026-11-20', { metrics: { turns: 1, wake_min: 5 } });
        const second = night('s1', '2026-11-20', { metrics: { turns: 2 } });
        await store.writeNights([first, night('s1', '2026-11-21'), second]);
        const dates = { from: '2026-11-20', to: '2026-11-22' };
        expect(await store.queryNights({ subjectIds: ['s1'], dates })).toEqual([second, night('s1', '2026-11-21')]);
        const year = Array.from({ length: 365 }, (_, i) =>
          night('s1', new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)),
        );
        await store.writeNights(year);
        expect(
          await store.queryNights({ subjectIds: ['s1'], dates: { from: '2025-01-01', to: '2026-01-01' } }),
        ).toEqual(year);
      });

      test('nights and mornings without detail: the same records with an empty detail', async () => {
        await store.upsertSubject(subject('s1'));
        const withMetrics = night('s1', '2026-11-20', { metrics: { turns: 3, wake_min: null } });
        await store.writeNights([withMetrics, night('s1', '2026-11-21', { metrics: {} })]);
        await store.writeMornings([night('s1', '2026-11-21', { algorithm: 'morning@1.0.0' })]);
        const dates = { from: '2026-11-20', to: '2026-11-22' };
        expect(await store.queryNights({ dates, detail: false })).toEqual([
          { ...withMetrics, detail: {} },
          { ...night('s1', '2026-11-21', { metrics: {} }), detail: {} },
        ]);
        expect((await store.queryMornings({ dates, detail: false }))[0]!.detail).toEqual({});
        expect((await store.queryNights({ dates }))[0]).toEqual(withMetrics);
      });

      test('nights: date ranges are half-open and subjects are selected by id, cohort or all', async () => {
        await store.upsertSubject(subject('s1'));
        await store.upsertSubject(subject('s2', { cohort: 'control' }));
        await store.writeNights([
          night('s2', '2026-11-20'),
          night('s1', '2026-11-21'),
          night('s1', '2026-11-20'),
          night('s1', '2026-11-22'),
          night('gone', '2026-11-20'),
        ]);
        const key = (n: NightRecord) => `${n.subjectId} ${n.date}`;
        const dates = { from: '2026-11-20', to: '2026-11-22' };
        expect((await store.queryNights({ dates })).map(key)).toEqual([
          's1 2026-11-20',
          's1 2026-11-21',
          's2 2026-11-20',
        ]);
        expect((await store.queryNights({ dates, cohort: 'control' })).map(key)).toEqual(['s2 2026-11-20']);
        expect((await store.queryNights({ dates, subjectIds: ['gone'] })).map(key)).toEqual(['gone 2026-11-20']);
        expect(
          (await store.queryNights({ dates: { from: '2026-11-21', to: '2026-11-23' }, subjectIds: ['s1'] })).map(key),
        ).toEqual(['s1 2026-11-21', 's1 2026-11-22']);
        expect(await store.queryNights({ dates, subjectIds: [] })).toEqual([]);
        await expect(store.queryNights({ dates: { from: '2026-11-31', to: '2026-12-01' } })).rejects.toThrow(
          StoreInputError,
        );
      });

      test('mornings are kept apart from nights, with large details intact', async () => {
        const windows = Array.from({ length: 4000 }, (_, i) => ({ t: i * 1000, flexionDeg: 40 + (i % 17) / 4 }));
        const morning = night('s1', '2026-11-20', {
          algorithm: 'morning@1.0.0',
          start: Date.parse('2026-11-20T06:30:00Z'),
          end: Date.parse('2026-11-20T08:30:00Z'),
          metrics: { flexion_p95_deg: 61.75, minutes_to_plateau: 34 },
          detail: { windows, label: 'ünïcödé ✓ "quotes"' },
        });
        expect(JSON.stringify(morning.detail).length).toBeGreaterThan(100_000);
        await store.writeMornings([morning]);
        const dates = { from: '2026-11-20', to: '2026-11-21' };
        expect(await store.queryMornings({ subjectIds: ['s1'], dates })).toEqual([morning]);
        expect(await store.queryNights({ subjectIds: ['s1'], dates })).toEqual([]);
        // A smaller detail replacing a large one leaves nothing of the old behind.
        await store.writeMornings([{ ...morning, detail: { windows: [] } }]);
        expect((await store.queryMornings({ subjectIds: ['s1'], dates }))[0]!.detail).toEqual({ windows: [] });
      });

      test('metric names must be snake_case and values finite', async () => {
        await expect(store.writeNights([night('s1', '2026-11-20', { metrics: { 'Bad Name': 1 } })])).rejects.toThrow(
          /^nights\[0\]\.metrics\.Bad Name: /,
        );
        await expect(
          store.writeNights([night('s1', '2026-11-20', { metrics: { turns: Number.POSITIVE_INFINITY } })]),
        ).rejects.toThrow(/^nights\[0\]\.metrics\.turns: /);
      });
    });

    describe('stiffness reports', () => {
      test('one report per subject and date: created, then updated keeping createdAt', async () => {
        const first = report('s1', '2026-11-21');
        expect(await store.upsertStiffnessReport(first)).toEqual({ created: true, report: first });
        const edit = report('s1', '2026-11-21', {
          severity: 3,
          pain: null,
          note: null,
          redFlags: { ...first.redFlags, fever: null },
          source: 'clinician',
          createdAt: first.createdAt + 5 * HOUR,
          updatedAt: first.createdAt + 5 * HOUR,
        });
        const stored = { ...edit, createdAt: first.createdAt };
        expect(await store.upsertStiffnessReport(edit)).toEqual({ created: false, report: stored });
        expect(await store.getStiffnessReport('s1', '2026-11-21')).toEqual(stored);
        expect(await store.getStiffnessReport('s1', '2026-11-22')).toBeNull();
      });

      test('reports are queried by subject and date range, and deleted', async () => {
        await store.upsertSubject(subject('s1'));
        await store.upsertSubject(subject('s2'));
        for (const r of [report('s2', '2026-11-20'), report('s1', '2026-11-21'), report('s1', '2026-11-20')]) {
          await store.upsertStiffnessReport(r);
        }
        const dates = { from: '2026-11-20', to: '2026-11-21' };
        const key = (r: StiffnessReport) => `${r.subjectId} ${r.date}`;
        expect((await store.queryStiffnessReports({ dates })).map(key)).toEqual(['s1 2026-11-20', 's2 2026-11-20']);
        expect(await store.deleteStiffnessReport('s1', '2026-11-20')).toBe(true);
        expect(await store.deleteStiffnessReport('s1', '2026-11-20')).toBe(false);
        expect((await store.queryStiffnessReports({ dates, subjectIds: ['s1', 's2'] })).map(key)).toEqual([
          's2 2026-11-20',
        ]);
        expect((await store.upsertStiffnessReport(report('s1', '2026-11-20'))).created).toBe(true);
      });

      test('scores out of range are refused', async () => {
        await expect(store.upsertStiffnessReport(report('s1', '2026-11-21', { severity: 11 }))).rejects.toThrow(
          new StoreInputError('report.severity: expected 0 to 10'),
        );
      });
    });

    describe('audit log', () => {
      test('entries are appended and found by subject, actor and time, in order', async () => {
        await store.appendAudit(audit(T0));
        await store.appendAudit(audit(T0, { action: 'subject.read', detail: { same: 'millisecond' } }));
        await store.appendAudit(audit(T0 + 5, { actor: 'u2', subjectId: null, action: 'token.create', detail: {} }));
        await store.appendAudit(audit(T0 + 10, { subjectId: 's2' }));
        expect((await store.queryAudit({})).map((e) => e.action)).toEqual([
          'subject.update',
          'subject.read',
          'token.create',
          'subject.update',
        ]);
        expect(await store.queryAudit({ subjectId: 's1' })).toEqual([
          audit(T0),
          audit(T0, { action: 'subject.read', detail: { same: 'millisecond' } }),
        ]);
        expect((await store.queryAudit({ actor: 'u2' })).map((e) => e.subjectId)).toEqual([null]);
        expect((await store.queryAudit({ range: { from: T0 + 5, to: T0 + 10 } })).map((e) => e.at)).toEqual([T0 + 5]);
        expect((await store.queryAudit({ order: 'desc', limit: 2 })).map((e) => e.at)).toEqual([T0 + 10, T0 + 5]);
      });

      test('several entries are appended in one call, in order', async () => {
        const entries = ['s1', 's2', 's3'].map((s) => audit(T0, { subjectId: s, action: 'cohort.links' }));
        await store.appendAudit(entries);
        await store.appendAudit([]);
        expect(await store.queryAudit({})).toEqual(entries);
        await expect(store.appendAudit([audit(T0), audit(T0, { action: 'Bad Action' })])).rejects.toThrow(
          'audit[1].action',
        );
        expect(await store.queryAudit({})).toHaveLength(3);
      });
    });

    test('the tidy export has one row per subject-night with morning and report beside it', async () => {
      await store.upsertSubject(subject('s1', { displayName: 'Ann Example' }));
      await store.upsertSubject(subject('s2', { cohort: 'control' }));
      await store.writeNights([
        night('s1', '2026-11-20'),
        night('s1', '2026-11-21', { metrics: { turns: 9, wake_min: 14 } }),
        night('s2', '2026-11-20', { metrics: {} }),
      ]);
      await store.writeMornings([
        night('s1', '2026-11-21', {
          algorithm: 'morning@1.0.0',
          start: Date.parse('2026-11-21T06:30:00Z'),
          end: Date.parse('2026-11-21T08:30:00Z'),
          metrics: { flexion_p95_deg: 58 },
        }),
      ]);
      await store.upsertStiffnessReport(report('s1', '2026-11-21'));

      const table = await store.exportNights({ dates: { from: '2026-11-20', to: '2026-11-22' } });
      expect(table.columns).toEqual([
        'subject_id',
        'study_code',
        'cohort',
        'date',
        'night_algorithm',
        'night_start',
        'night_end',
        'night_longest_bout_min',
        'night_supine_pct',
        'night_turns',
        'night_wake_min',
        'morning_algorithm',
        'morning_start',
        'morning_end',
        'morning_flexion_p95_deg',
        'stiffness_severity',
        'stiffness_duration_min',
        'stiffness_pain',
        'stiffness_source',
        'stiffness_red_flag_night_pain',
        'stiffness_red_flag_neurological',
        'stiffness_red_flag_weight_loss',
        'stiffness_red_flag_fever',
      ]);
      expect(table.rows.map((r) => [r.subject_id, r.date])).toEqual([
        ['s1', '2026-11-20'],
        ['s1', '2026-11-21'],
        ['s2', '2026-11-20'],
      ]);
      expect(table.rows.every((r) => Object.keys(r).join() === table.columns.join())).toBe(true);
      expect(table.rows[1]).toMatchObject({
        study_code: 'S-s1',
        night_start: '2026-11-20T22:30:00.000Z',
        night_end: '2026-11-21T06:30:00.000Z',
        night_supine_pct: null,
        night_turns: 9,
        night_wake_min: 14,
        morning_algorithm: 'morning@1.0.0',
        morning_flexion_p95_deg: 58,
        stiffness_severity: 6,
        stiffness_duration_min: 45,
        stiffness_red_flag_weight_loss: null,
      });
      expect(table.rows[0]).toMatchObject({
        night_supine_pct: 41.5,
        morning_algorithm: null,
        stiffness_severity: null,
      });
      expect(JSON.stringify(table.rows)).not.toMatch(/Ann Example|coffee/);
      const control = await store.exportNights({ cohort: 'control', dates: { from: '2026-11-20', to: '2026-11-22' } });
      expect(control.rows.map((r) => r.subject_id)).toEqual(['s2']);
      expect(control.columns).not.toContain('night_turns');
    });

    test('the streamed export has the columns first and the same rows, a page of subjects at a time', async () => {
      for (const id of ['s1', 's2', 's3']) await store.upsertSubject(subject(id));
      await store.writeNights([
        night('s1', '2026-11-20', { metrics: { turns: 3 } }),
        night('s2', '2026-11-20', { metrics: {} }),
        // The only night with this metric is on the last page: the header must still name it.
        night('s3', '2026-11-21', { metrics: { wake_min: 12 } }),
      ]);
      await store.writeMornings([night('s3', '2026-11-21', { algorithm: 'morning@1.0.0', metrics: { rom_deg: 40 } })]);
      await store.upsertStiffnessReport(report('s2', '2026-11-20'));
      const query = { dates: { from: '2026-11-20', to: '2026-11-22' }, subjectsPerPage: 1 };
      const whole = await store.exportNights(query);
      const stream = await store.streamNights(query);
      expect(stream.columns).toEqual(whole.columns);
      expect(stream.columns).toEqual(expect.arrayContaining(['night_turns', 'night_wake_min', 'morning_rom_deg']));
      const rows = [];
      for await (const row of stream.rows) rows.push(row);
      expect(rows).toEqual(whole.rows);
      expect(rows.map((r) => [r.subject_id, r.night_turns, r.night_wake_min, r.morning_rom_deg])).toEqual([
        ['s1', 3, null, null],
        ['s2', null, null, null],
        ['s3', null, 12, 40],
      ]);
      expect(rows[1]!.stiffness_severity).toBe(6);
    });

    test('data written before a database restart is there after it, and writing goes on', async () => {
      await store.upsertSubject(subject('s1'));
      await store.upsertDevice(device('dev-1'));
      await store.writeSamples(samples('dev-1', T0, 500, 50));
      await store.writeNights([night('s1', '2026-11-20')]);
      store = await h.restart(store);
      expect((await store.getSubject('s1'))?.studyCode).toBe('S-s1');
      expect(await store.getDevice('dev-1')).toEqual(device('dev-1'));
      await store.writeSamples(samples('dev-1', T0 + 10_000, 500, 50));
      expect((await store.readSamples('dev-1', { from: T0, to: T0 + 20_000 })).t.length).toBe(1000);
      const dates = { from: '2026-11-20', to: '2026-11-21' };
      expect(await store.queryNights({ dates })).toEqual([night('s1', '2026-11-20')]);
    });
  });
}
