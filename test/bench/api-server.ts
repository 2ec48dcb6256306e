// The API server of `pnpm bench api`, in a process of its own so the load generator does not share its thread:
// opens the DuckDB store at argv[2], listens on a free loopback port and prints its URL as one line.
import { buildApi } from '@restpose/api';
import { DuckDbStore } from '@restpose/store';
import pino from 'pino';

const store = await DuckDbStore.open({ path: process.argv[2]! });
// The rate limit stays in the request path, set far above what the bench sends.
const app = await buildApi({
  store,
  logger: pino({ level: 'warn' }),
  health: async () => ({}),
  rateLimit: { max: 1_000_000_000, windowMs: 60_000 },
});
process.stdout.write(`${await app.listen({ host: '127.0.0.1', port: 0 })}\n`);
process.on('SIGTERM', () => {
  app.close().then(
    () => store.close().then(() => process.exit(0)),
    () => process.exit(1),
  );
});
