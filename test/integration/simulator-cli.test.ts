// The simulator's commands as a user runs them: `generate` writes the same bytes for the same seed, and
// `simulate --live no` replays the recent past into a running system and exits once it is acknowledged.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '@restpose/protocol';
import { runCli, spawnCli } from '../support/cli.js';
import { eventually, startTestSystem } from '../support/system.js';

test('generate writes recordings, truth and the nights table, byte for byte the same for the same seed', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'restpose-gen-')), mkdtempSync(join(tmpdir(), 'restpose-gen-'))];
  try {
    for (const dir of dirs) {
      const r = runCli(['generate', '--out', dir, '--seed', '3', '--subjects', '2', '--rate', '5', '--gyro', 'yes']);
      expect(r.stderr).toMatch(/wrote .*sim-002\.csv/);
      expect(r.status).toBe(0);
    }
    const files = readdirSync(dirs[0]!).sort();
    expect(files).toEqual(
      [
        'nights.csv',
        ...['sim-001', 'sim-002'].flatMap((s) =>
          ['.csv', '.epochs.csv', '.labels.csv', '.truth.json'].map((e) => s + e),
        ),
      ].sort(),
    );
    const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    for (const f of files) expect([f, hash(join(dirs[1]!, f))]).toEqual([f, hash(join(dirs[0]!, f))]);
    expect(readFileSync(join(dirs[0]!, 'sim-001.csv'), 'utf8').split('\n')[0]).toBe('t,ax,ay,az,gx,gy,gz');
    expect(existsSync(join(dirs[0]!, 'relationship.json'))).toBe(false);

    const r = runCli([
      'generate',
      '--out',
      dirs[0]!,
      '--seed',
      '3',
      '--subjects',
      '2',
      '--recordings',
      'no',
      '--reveal',
      'yes',
    ]);
    expect(r.status).toBe(0);
    const relationship = JSON.parse(readFileSync(join(dirs[0]!, 'relationship.json'), 'utf8'));
    expect(relationship.driver).toBe('longestImmobileBoutMin');
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});

test('simulate --live no replays the last minutes as fast as acknowledged, then exits', async () => {
  const system = await startTestSystem();
  const credentials = join(system.dataDir, 'devices.json');
  try {
    const devices = [
      { deviceId: 'cli-sim-1', password: 'pw-1' },
      { deviceId: 'cli-sim-2', password: 'pw-2' },
    ];
    for (const d of devices) {
      await system.store.upsertDevice({
        id: d.deviceId,
        secretHash: hashSecret(d.password),
        mounting: null,
        createdAt: 0,
        revokedAt: null,
      });
    }
    writeFileSync(credentials, JSON.stringify(devices));
    const before = Date.now();
    // Asynchronously: the broker runs in this process and must keep answering.
    const child = spawnCli([
      'simulate',
      '--broker',
      system.brokerUrl!,
      '--credentials',
      credentials,
      '--devices',
      '2',
      '--backfill-minutes',
      '2',
      '--speed',
      'max',
      '--live',
      'no',
    ]);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const r = { status, stderr };
    expect(r.stderr).toMatch(/2\/2 connected|0\/2 connected/);
    expect(r.stderr).toMatch(/acked (1[12]\d|2[34]\d)\b/);
    expect(r.status).toBe(0);
    const stored = await eventually(async () => {
      const s = await system.store.readSamples('cli-sim-2', { from: before - 3 * 60_000, to: Date.now() });
      return s.t.length >= 115 * 50 ? s : undefined;
    });
    expect(stored.t.length).toBeLessThanOrEqual(121 * 50);
  } finally {
    await system.stop();
  }
});

test('simulate refuses a broker it cannot reach with one line naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'restpose-sim-'));
  try {
    writeFileSync(join(dir, 'devices.json'), JSON.stringify([{ deviceId: 'x1', password: 'p' }]));
    const r = runCli([
      'simulate',
      '--broker',
      'mqtt://127.0.0.1:1',
      '--credentials',
      join(dir, 'devices.json'),
      '--devices',
      '1',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^restpose: --broker=mqtt:\/\/127\.0\.0\.1:1: device x1: .*ECONNREFUSED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
