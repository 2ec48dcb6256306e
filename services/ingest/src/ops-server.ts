// A small HTTP server for operators: Prometheus metrics at /metrics and health at /healthz (200 while up or degraded,
// 503 when down). It runs beside ingest, in `restpose ingest` and in `restpose start`.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  registry: Registry;
  health: () => { state: 'up' | 'degraded' | 'down' } & Record<string, unknown>;
}

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
      );
    } else if (path === '/healthz') {
      const health = options.health();
      res
        .writeHead(health.state === 'down' ? 503 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(health));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
