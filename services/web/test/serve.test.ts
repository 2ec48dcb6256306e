// The dashboard served by a real API server: the page and its bundle from the same origin, under the API's CSP,
// revalidated by ETag; the API's own routes unchanged beside it.
import { buildApi } from '@restpose/api';
import { DuckDbStore, type Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { registerDashboard } from '../src/index.js';

let store: Store;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  store = await DuckDbStore.open({ path: ':memory:' });
  app = await buildApi({
    store,
    logger: pino({ level: 'silent' }),
    health: async () => ({}),
    dashboard: registerDashboard,
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app.close();
  await store.close();
});

test('the page loads its script and styles from its own origin, under a same-origin CSP', async () => {
  const res = await fetch(`${url}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = res.headers.get('content-security-policy')!;
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  const html = await res.text();
  // Every script and stylesheet is a path on this server; no inline script.
  const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(sources).toEqual(['/assets/icon.svg', '/assets/app.css', '/assets/app.js']);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  for (const path of sources) {
    const asset = await fetch(`${url}${path}`);
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
  }
  const js = await fetch(`${url}/assets/app.js`);
  expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  // The metric catalogue was put into the bundle (esbuild's define), not left as a free identifier.
  const code = await js.text();
  expect(code).not.toContain('RESTPOSE_METRIC_CATALOGUE');
  expect(code).toContain('longest_immobile_bout_min');
});

test('files are revalidated by ETag: unchanged is 304', async () => {
  const first = await fetch(`${url}/assets/app.js`);
  const etag = first.headers.get('etag')!;
  expect(first.headers.get('cache-control')).toBe('no-cache');
  const again = await fetch(`${url}/assets/app.js`, { headers: { 'if-none-match': etag } });
  expect(again.status).toBe(304);
});

test('an unknown file is a 404 in the API’s error shape; the API is unchanged beside the dashboard', async () => {
  const res = await fetch(`${url}/assets/nope.js`);
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ error: 'Not Found', message: 'no dashboard file nope.js' });
  expect((await fetch(`${url}/api/v1/me`)).status).toBe(401);
  // The dashboard's routes are not API routes: they stay out of the OpenAPI document.
  const doc = (await (await fetch(`${url}/docs/json`)).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths).some((p) => !p.startsWith('/api/') && p !== '/healthz')).toBe(false);
});
