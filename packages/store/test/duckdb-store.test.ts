import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MIGRATIONS } from '../src/duckdb/migrations.js';
import { DuckDbStore, type Store } from '../src/index.js';
import { contractSuite } from './contract-suite.js';

contractSuite('duckdb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'restpose-duckdb-'));
  const path = join(dir, 'restpose.duckdb');
  return {
    open: () => DuckDbStore.open({ path }),
    restart: async (store: Store) => {
      await store.close();
      return DuckDbStore.open({ path });
    },
    dispose: async (store: Store) => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('DuckDB adapter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'restpose-duckdb-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('creates the file and its directory, and migrations run once', async () => {
    const path = join(dir, 'nested', 'data', 'restpose.duckdb');
    let store = await DuckDbStore.open({ path });
    expect(await store.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    await store.close();
    store = await DuckDbStore.open({ path });
    expect(await store.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    await store.close();
  });

  test('a file of schema v1 is migrated with its data intact', async () => {
    const path = join(dir, 'v1.duckdb');
    // The database as the first release left it: migration 1 only, with a row in every table.
    const instance = await DuckDBInstance.create(path);
    const db = await instance.connect();
    await db.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)');
    await db.run(MIGRATIONS[0]!.sql);
    await db.run('INSERT INTO schema_migrations VALUES (1, now())');
    await db.run(`
      INSERT INTO subjects VALUES ('s1', 'A-001', 'pilot', 'Ann', TIMESTAMP '2026-01-01 00:00:00');
      INSERT INTO devices VALUES ('dev-1', '${'a'.repeat(64)}', TIMESTAMP '2026-01-02 00:00:00', NULL);
      INSERT INTO assignments VALUES ('dev-1', 's1', TIMESTAMP '2026-01-03 00:00:00', NULL);
      INSERT INTO api_tokens VALUES ('${'b'.repeat(64)}', 'admin', 'admin', TIMESTAMP '2026-01-01 00:00:00', NULL);
      INSERT INTO samples VALUES
        ('dev-1', TIMESTAMP '2026-01-04 00:00:00', 0.5, 1, 0, NULL, NULL, NULL),
        ('dev-1', TIMESTAMP '2026-01-04 00:00:00.02', 0.25, 1, 0, NULL, NULL, NULL);
      INSERT INTO posture_epochs VALUES
        ('s1', 'dev-1', TIMESTAMP '2026-01-04 00:00:00', 30, 'supine', 0.9, -88, 1, 2, 'angle-rule@0.1.0');
    `);
    db.closeSync();
    instance.closeSync();

    const store = await DuckDbStore.open({ path });
    try {
      expect(await store.schemaVersions()).toEqual([1, 2]);
      expect(await store.getSubject('s1')).toEqual({
        id: 's1',
        studyCode: 'A-001',
        cohort: 'pilot',
        displayName: 'Ann',
        clinicianIds: [],
        createdAt: Date.UTC(2026, 0, 1),
      });
      expect((await store.getDevice('dev-1'))?.mounting).toBeNull();
      expect(await store.assignmentsForDevice('dev-1')).toEqual([
        { deviceId: 'dev-1', subjectId: 's1', from: Date.UTC(2026, 0, 3), to: null },
      ]);
      // The v1 token now belongs to a user carrying its name and role.
      const token = await store.findToken('b'.repeat(64));
      expect(token).toMatchObject({ label: 'admin', revokedAt: null });
      expect(await store.getUser(token!.userId)).toMatchObject({ name: 'admin', role: 'admin' });

      const t0 = Date.UTC(2026, 0, 4);
      const samples = await store.readSamples('dev-1', { from: t0, to: t0 + 1000 });
      expect(Array.from(samples.t)).toEqual([t0, t0 + 20]);
      expect(Array.from(samples.ax)).toEqual([0.5, 0.25]);
      // Without the old primary key, writing the same samples again still stores them once.
      await store.writeSamples(samples);
      expect((await store.readSamples('dev-1', { from: t0, to: t0 + 1000 })).t.length).toBe(2);
      expect(await store.queryEpochs('s1', { from: t0, to: t0 + 60_000 })).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  test('a second process cannot open a file in use, and says why', async () => {
    const path = join(dir, 'busy.duckdb');
    const store = await DuckDbStore.open({ path });
    try {
      // DuckDB locks the file per process; within one process a second instance of the same file is refused too.
      await expect(DuckDbStore.open({ path })).rejects.toThrow(/lock|already|open/i);
    } finally {
      await store.close();
    }
  });
});
