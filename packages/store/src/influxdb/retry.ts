// Retries for InfluxDB requests: 5xx answers and network errors are retried with exponential backoff and jitter,
// within a bound on attempts and elapsed time, then surface as StoreUnavailableError so the caller (ingest's spool)
// can take over. A 4xx is the request's fault: it fails at once with InfluxDB's own explanation.
import type { IncomingMessage } from 'node:http';
import { StoreRequestError, StoreUnavailableError } from '../errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No new attempt starts after this long since the first. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 200, maxDelayMs: 5_000, maxElapsedMs: 30_000 };

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // Node's fetch (undici) names a connection the server closed mid-request, or a stalled one, with its own codes.
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// The influx client does not export its error classes: a RequestError carries the response (status >= 300),
// a ServiceNotAvailableError stands for a 5xx, a timeout or no host left.
type RequestError = Error & { res: IncomingMessage };
const isRequestError = (err: unknown): err is RequestError =>
  err instanceof Error && typeof (err as Partial<RequestError>).res?.statusCode === 'number';
const isServiceNotAvailable = (err: unknown) =>
  err instanceof Error && err.constructor.name === 'ServiceNotAvailableError';

/** What InfluxDB said, from the client's "A 400 Bad Request error occurred: {"error":"..."}". */
function influxExplanation(err: RequestError): string {
  const body = err.message.replace(/^A \d+ .*? error occurred: /, '');
  try {
    const parsed = JSON.parse(body) as { error?: string };
    return parsed.error ?? body;
  } catch {
    return body;
  }
}

/** Turns a failed request into the error the caller sees, or null when it is worth another attempt. */
export function classify(err: unknown, what: string): Error | null {
  if (isRequestError(err)) {
    const status = err.res.statusCode ?? 0;
    if (status >= 500) return null;
    return new StoreRequestError(`InfluxDB refused ${what} (HTTP ${status}): ${influxExplanation(err)}`, status);
  }
  if (isServiceNotAvailable(err)) return null;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && NETWORK_CODES.has(code)) return null;
  return err instanceof Error ? err : new Error(String(err));
}

/** Exponential backoff with equal jitter: half the step is fixed, half random, so retries spread out but grow. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return step / 2 + random() * (step / 2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(what: string, policy: RetryPolicy, request: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      const fatal = classify(err, what);
      if (fatal) throw fatal;
      const delay = backoffDelay(attempt, policy);
      const elapsed = Date.now() - started;
      if (attempt + 1 >= policy.attempts || elapsed + delay > policy.maxElapsedMs) {
        throw new StoreUnavailableError(
          `InfluxDB unavailable for ${what}: ${attempt + 1} attempts over ${(elapsed / 1000).toFixed(1)} s, ` +
            `last error: ${(err as Error).message || (err as NodeJS.ErrnoException).code}`,
          { cause: err },
        );
      }
      await sleep(delay);
    }
  }
}
