// A real Mosquitto broker on 127.0.0.1 with its own temporary directory, for tests and local runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, portAccepts, waitFor } from './ports.js';
import { ServerProcess } from './server-process.js';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO_CTRL_BIN = '/usr/bin/mosquitto_ctrl';
export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

export interface MosquittoUser {
  username: string;
  password: string;
}

export interface MosquittoOptions {
  users?: MosquittoUser[];
  /** Contents of an ACL file (mosquitto `user`/`topic`/`pattern` lines); omitted means no ACL file. */
  acl?: string;
  /** Extra mosquitto.conf lines. */
  extraConfig?: string[];
  /**
   * Authenticate and authorize with the dynamic security plugin instead of a password file and ACL: the plugin's
   * file is initialized with this admin, who manages clients and roles over `$CONTROL/dynamic-security/v1`.
   */
  dynsec?: { adminUsername: string; adminPassword: string };
}

export interface RunningMosquitto {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly process: ServerProcess;
  /** Rewrites the password and ACL files and makes the broker reload them (SIGHUP). */
  reload(users: MosquittoUser[], acl?: string): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function writeAuthFiles(dir: string, users: MosquittoUser[], acl: string | undefined): void {
  const passwordFile = join(dir, 'passwords');
  writeFileSync(passwordFile, '', { mode: 0o600 });
  for (const u of users) execFileSync('/usr/bin/mosquitto_passwd', ['-b', passwordFile, u.username, u.password]);
  if (acl !== undefined) writeFileSync(join(dir, 'acl'), acl, { mode: 0o600 });
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<RunningMosquitto> {
  ServerProcess.requireBinary(MOSQUITTO_BIN, 'mosquitto');
  const dir = mkdtempSync(join(tmpdir(), 'restpose-mosquitto-'));
  const port = await freePort();
  let auth: string[];
  if (options.dynsec) {
    ServerProcess.requireBinary(DYNSEC_PLUGIN, 'mosquitto');
    const file = join(dir, 'dynamic-security.json');
    const { adminUsername, adminPassword } = options.dynsec;
    execFileSync(MOSQUITTO_CTRL_BIN, ['dynsec', 'init', file, adminUsername, adminPassword], { stdio: 'ignore' });
    auth = [`plugin ${DYNSEC_PLUGIN}`, `plugin_opt_config_file ${file}`];
  } else {
    writeAuthFiles(dir, options.users ?? [], options.acl);
    auth = [
      `password_file ${join(dir, 'passwords')}`,
      ...(options.acl !== undefined ? [`acl_file ${join(dir, 'acl')}`] : []),
    ];
  }
  const config = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    ...auth,
    'persistence true',
    `persistence_location ${dir}/`,
    // Run as whoever runs the tests, so the broker can read its 0600 files in the 0700 temp dir.
    `user ${userInfo().username}`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...(options.extraConfig ?? []),
  ];
  writeFileSync(join(dir, 'mosquitto.conf'), `${config.join('\n')}\n`);
  const proc = new ServerProcess('mosquitto', MOSQUITTO_BIN, ['-c', join(dir, 'mosquitto.conf')]);

  const start = async () => {
    proc.start();
    await waitFor(`mosquitto on port ${port}`, () => portAccepts(port)).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.log}`);
    });
  };
  await start();

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    process: proc,
    reload: async (users, acl) => {
      writeAuthFiles(dir, users, acl);
      proc.signal('SIGHUP');
      await new Promise((r) => setTimeout(r, 200));
    },
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
