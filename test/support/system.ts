// Starts the embedded system in-process on free loopback ports with a temporary data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiSettings,
  brokerSettings,
  common,
  ingestSettings,
  loadConfig,
  type RunningSystem,
  type SystemConfig,
  startSystem,
  storeSettings,
} from '@restpose/cli';
import pino from 'pino';

export interface TestSystem extends RunningSystem {
  dataDir: string;
  /** fetch against the API with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

export async function startTestSystem(overrides: Partial<SystemConfig> = {}): Promise<TestSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'restpose-test-'));
  // Every setting at its default, then what a test needs: free ports, a temporary directory, quiet logs.
  const defaults = loadConfig(
    { ...common, ...storeSettings, ...brokerSettings, ...ingestSettings, ...apiSettings },
    { dataDir, logLevel: 'warn', mqttPort: '0', apiPort: '0', metricsPort: '0' },
    {},
  );
  const config: SystemConfig = {
    ...defaults,
    components: { broker: true, ingest: true, api: true },
    demoDevices: 0,
    ...overrides,
  };
  const system = await startSystem(config, pino({ level: 'silent' }));
  return {
    ...system,
    dataDir,
    api: (path, init = {}) =>
      fetch(`${system.apiUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${system.adminToken}`, ...(init.headers ?? {}) },
      }),
    stop: async () => {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value, or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
