// A real InfluxDB 1.x server (Debian package influxdb) on 127.0.0.1 with its own temporary directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';
import { ServerProcess } from './server-process.js';

export const INFLUXD_BIN = '/usr/bin/influxd';

export interface RunningInfluxd {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly process: ServerProcess;
  /** SIGSTOP: the server hangs without closing connections, like a stalled database. */
  pause(): void;
  resume(): void;
  /** Stops and starts the server on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function pings(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
    return res.status === 204;
  } catch {
    return false;
  }
}

export async function startInfluxd(): Promise<RunningInfluxd> {
  ServerProcess.requireBinary(INFLUXD_BIN, 'influxdb');
  const dir = mkdtempSync(join(tmpdir(), 'restpose-influxd-'));
  const port = await freePort();
  const rpcPort = await freePort();
  const config = `
reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${dir}/meta"

[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  auth-enabled = false
  log-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false
`;
  writeFileSync(join(dir, 'influxdb.conf'), config);
  const url = `http://127.0.0.1:${port}`;
  const proc = new ServerProcess('influxd', INFLUXD_BIN, ['-config', join(dir, 'influxdb.conf')]);

  const start = async () => {
    proc.start();
    await waitFor(`influxd on port ${port}`, () => pings(url), 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.log}`);
    });
  };
  await start();

  return {
    url,
    port,
    dir,
    process: proc,
    pause: () => proc.signal('SIGSTOP'),
    resume: () => proc.signal('SIGCONT'),
    restart: async () => {
      await proc.stop();
      await start();
    },
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
