// Runs the restpose command line as a user would, as a child process.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${REPO_ROOT}node_modules/.bin/tsx`;
const MAIN = `${REPO_ROOT}services/cli/src/main.ts`;

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(TSX, [MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts the command as a long-running child. It runs as `node --import tsx` rather than through the tsx wrapper, so
 * a signal (SIGKILL included) reaches the restpose process itself.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
}
