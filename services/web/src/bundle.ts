// The dashboard's browser code, bundled by esbuild into memory: TypeScript and JSX (Preact) to one ES module, the
// stylesheets (uPlot's and ours) to one CSS file, plus the static files in client/public. No build step and nothing
// on disk: the API builds it once per process when it starts, offline, in a fraction of a second.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MORNING_METRICS, NIGHT_METRICS } from '@restpose/protocol';
import { build } from 'esbuild';

export interface Asset {
  body: Buffer;
  type: string;
  /** Strong validator: a hash of the body. */
  etag: string;
}

/** Files by URL path: "/" (the page), "/assets/app.js", "/assets/app.css", "/assets/icon.svg"... */
export type Assets = ReadonlyMap<string, Asset>;

const CLIENT_DIR = fileURLToPath(new URL('../client/', import.meta.url));
const PUBLIC_DIR = join(CLIENT_DIR, 'public');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function asset(body: Buffer, name: string): Asset {
  const type = TYPES[extname(name)];
  if (!type) throw new Error(`dashboard: no content type for ${name}`);
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Bundles the browser code. Throws with esbuild's messages (file, line, what) when the sources do not compile. */
export async function buildDashboard(): Promise<Assets> {
  const result = await build({
    absWorkingDir: CLIENT_DIR,
    entryPoints: { app: 'main.tsx' },
    bundle: true,
    write: false,
    outdir: 'assets',
    format: 'esm',
    platform: 'browser',
    // Tablets a clinic may still use (iPadOS 15, Chrome/Edge of 2021).
    target: ['es2020', 'safari15', 'chrome96'],
    minify: true,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // The metric catalogue (names, units, descriptions) comes from @restpose/protocol, so the dashboard names every
    // metric as the API and the exports do, without shipping the protocol package to the browser.
    define: { RESTPOSE_METRIC_CATALOGUE: JSON.stringify({ night: NIGHT_METRICS, morning: MORNING_METRICS }) },
    logLevel: 'silent',
  }).catch((err: Error & { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }) => {
    const where = (err.errors ?? []).map((e) => `${e.location?.file ?? '?'}:${e.location?.line ?? '?'}: ${e.text}`);
    throw new Error(`dashboard: the browser code did not bundle: ${where.join('; ') || err.message}`);
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    assets.set(`/assets/${name}`, asset(Buffer.from(file.contents), name));
  }
  for (const name of readdirSync(PUBLIC_DIR)) {
    const body = readFileSync(join(PUBLIC_DIR, name));
    assets.set(name === 'index.html' ? '/' : `/assets/${name}`, asset(body, name));
  }
  return assets;
}

let cached: Promise<Assets> | null = null;

/** One bundle per process: the sources do not change while it runs. */
export function dashboardAssets(): Promise<Assets> {
  cached ??= buildDashboard().catch((err: Error) => {
    cached = null;
    throw err;
  });
  return cached;
}
