// `restpose ingest` as a real child process against an ingest stack, with its own spool directory and client id,
// for the fault tests that kill it.
import type { ChildProcess } from 'node:child_process';
import { freePort } from '@restpose/harness';
import { spawnCli } from './cli.js';
import type { IngestStack } from './ingest-stack.js';

export class IngestProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private port = 0;
  private output = '';

  constructor(
    private readonly stack: IngestStack,
    readonly clientId: string,
    readonly spoolDir: string,
    /** Each test its own group: a stopped member of a group keeps its share of the batches queued. */
    readonly shareGroup: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The last things the process printed, for failure messages. */
  get log(): string {
    return this.output.slice(-4000);
  }

  async start(env: NodeJS.ProcessEnv = {}): Promise<void> {
    this.port = await freePort();
    const child = spawnCli(this.stack.ingestArgs(this.spoolDir, this.clientId, this.port, this.shareGroup), env);
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-50_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ingest ${this.clientId} exited at start:\n${this.log}`);
      const health = await fetch(`${this.metricsUrl}/healthz`).then(
        (r) => r.json() as Promise<{ state: string }>,
        () => null,
      );
      if (health?.state === 'up') return;
      if (Date.now() > deadline) throw new Error(`ingest ${this.clientId} not healthy within 60 s:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Sends the signal and waits for the process to exit. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
    this.child = null;
  }

  /** A label-less metric's value from /metrics. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.metricsUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : Number.NaN;
  }
}
