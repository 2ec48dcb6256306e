import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@restpose/harness';
import { DuckDbStore } from '@restpose/store';
import { REPO_ROOT, runCli, spawnCli } from '../support/cli.js';

test('every command has --help', () => {
  const top = runCli(['--help']);
  expect(top.status).toBe(0);
  expect(top.stdout).toMatch(/start/);
  expect(top.stdout).toMatch(/simulate/);
  for (const command of ['start', 'simulate', 'generate', 'link']) {
    const help = runCli([command, '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`Usage: restpose ${command}`));
  }
  expect(runCli(['start', '--help']).stdout).toMatch(/RESTPOSE_API_PORT/);
});

test.each([
  [['start', '--api-port', 'abc'], {}, /^restpose: --api-port="abc": expected an integer from 0 to 65535\n$/],
  [['start'], { RESTPOSE_MQTT_PORT: '70000' }, /^restpose: RESTPOSE_MQTT_PORT="70000": expected an integer/],
  [['start'], { RESTPOSE_LOG_LEVEL: 'loud' }, /^restpose: RESTPOSE_LOG_LEVEL="loud": expected one of fatal/],
  [['simulate', '--rate', '0'], {}, /^restpose: --rate="0": expected a rate in Hz/],
])('a bad setting stops with one line naming it: %j %j', (args, env, message) => {
  const result = runCli(args, env);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
});

test('start serves the API with a fresh admin token and stops cleanly on SIGINT, keeping what it stored', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'restpose-cli-'));
  const apiPort = await freePort();
  const mqttPort = await freePort();
  const child = spawnCli(
    [
      'start',
      '--data-dir',
      dataDir,
      '--api-port',
      String(apiPort),
      '--mqtt-port',
      String(mqttPort),
      '--metrics-port',
      '0',
    ],
    {
      RESTPOSE_DEMO_DEVICES: '2',
    },
  );
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  try {
    const deadline = Date.now() + 45_000;
    while (!stdout.includes('restpose is running') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain(`http://127.0.0.1:${apiPort}`);
    const tokenFile = join(dataDir, 'admin.token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);

    // The demo devices upload their backfill; wait until some epochs are labelled.
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(stdout).toContain(token);
    let epochs = 0;
    while (epochs === 0 && Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/subjects/demo-01/epochs`, {
        headers: { authorization: `Bearer ${token}` },
      });
      epochs = ((await res.json()) as { epochs: unknown[] }).epochs.length;
      if (epochs === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(epochs).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${apiPort}/api/v1/subjects`)).status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);

    // Everything acknowledged before the signal is in the database after it.
    const store = await DuckDbStore.open({ path: join(dataDir, 'restpose.duckdb') });
    try {
      const stored = await store.queryEpochs('demo-01', { from: 0, to: Date.now() + 60_000 });
      expect(stored.length).toBeGreaterThanOrEqual(epochs);
    } finally {
      await store.close();
    }
    expect(existsSync(join(dataDir, 'restpose.duckdb.wal'))).toBe(false);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('docs/configuration.md documents every setting of every command', () => {
  const docs = readFileSync(join(REPO_ROOT, 'docs/configuration.md'), 'utf8');
  for (const command of [
    'start',
    'ingest',
    'api',
    'simulate',
    'generate',
    'link',
    'analyze',
    'validate',
    'train',
    'evaluate',
  ]) {
    const help = runCli([command, '--help']).stdout;
    // Help text wraps, so "env" and the variable name may be on different lines.
    const variables = [...help.matchAll(/env\s+(RESTPOSE_[A-Z0-9_]+)/g)].map((m) => m[1]!);
    const flags = [...help.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!).filter((f) => f !== '--help');
    expect(variables.length).toBeGreaterThan(0);
    for (const name of [...variables, ...flags])
      expect([command, name, docs.includes(`\`${name}\``)]).toEqual([command, name, true]);
  }
});
