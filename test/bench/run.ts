// `pnpm bench <name>` runs test/bench/<name>.bench.ts. Each bench prints a ratio against a baseline measured in
// the same run, and ends with one JSON line of its figures.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
const name = process.argv[2];

if (!name || !available.includes(name)) {
  process.stderr.write(`usage: pnpm bench <name>\navailable: ${available.join(', ') || '(none yet)'}\n`);
  process.exit(name ? 2 : 0);
}
await import(pathToFileURL(`${dir}${name}.bench.ts`).href);
