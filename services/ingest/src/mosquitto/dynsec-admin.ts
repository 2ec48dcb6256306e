// A client of Mosquitto's dynamic security plugin: JSON commands published to $CONTROL/dynamic-security/v1, answers
// read from .../response. One request in flight at a time (a request may carry many commands), so answers match
// requests by order.
import mqtt, { type MqttClient } from 'mqtt';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;

export type DynsecCommand = { command: string } & Record<string, unknown>;
export interface DynsecResponse {
  command: string;
  error?: string;
  data?: Record<string, unknown>;
}

export class DynsecError extends Error {}

export interface DynsecAdminOptions {
  brokerUrl: string;
  username: string;
  password: string;
  /** Answers slower than this fail the request. */
  timeoutMs?: number;
}

export class DynsecAdmin {
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: ((responses: DynsecResponse[]) => void) | null = null;

  private constructor(
    private readonly client: MqttClient,
    private readonly timeoutMs: number,
  ) {
    client.on('message', (topic, payload) => {
      if (topic !== RESPONSE_TOPIC) return;
      const resolve = this.waiting;
      this.waiting = null;
      try {
        resolve?.((JSON.parse(payload.toString('utf8')) as { responses: DynsecResponse[] }).responses);
      } catch {
        resolve?.([]);
      }
    });
  }

  static async connect(options: DynsecAdminOptions): Promise<DynsecAdmin> {
    const client = await mqtt.connectAsync(options.brokerUrl, {
      username: options.username,
      password: options.password,
      clientId: `restpose-dynsec-${process.pid}-${Date.now().toString(36)}`,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
    return new DynsecAdmin(client, options.timeoutMs ?? 30_000);
  }

  /** Sends commands in one request; returns one response per command (each may carry an `error`). */
  send(commands: DynsecCommand[]): Promise<DynsecResponse[]> {
    const run = async () => {
      const answer = new Promise<DynsecResponse[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting = null;
          reject(new DynsecError(`no answer from the dynamic security plugin within ${this.timeoutMs} ms`));
        }, this.timeoutMs);
        this.waiting = (responses) => {
          clearTimeout(timer);
          resolve(responses);
        };
      });
      await this.client.publishAsync(CONTROL_TOPIC, JSON.stringify({ commands }), { qos: 1 });
      const responses = await answer;
      if (responses.length !== commands.length) {
        throw new DynsecError(`expected ${commands.length} answers, got ${responses.length}`);
      }
      return responses;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  /** Sends commands and throws on the first error not in `tolerated`. */
  async run(commands: DynsecCommand[], tolerated: RegExp[] = []): Promise<DynsecResponse[]> {
    const responses = await this.send(commands);
    for (const r of responses) {
      if (r.error && !tolerated.some((t) => t.test(r.error!))) {
        throw new DynsecError(`dynamic security ${r.command}: ${r.error}`);
      }
    }
    return responses;
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
