#!/usr/bin/env node
// The restpose command line: `pnpm restpose <command> --help`.
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { ConfigError } from './settings.js';

const program = new Command('restpose')
  .description('lumbar IMU sleep posture and morning mobility, linked with reported morning stiffness')
  .showHelpAfterError();
for (const register of registerCommands) register(program);

program.parseAsync(process.argv).catch((err: Error) => {
  // Configuration mistakes get one line; anything else is a bug worth its stack.
  process.stderr.write(err instanceof ConfigError ? `restpose: ${err.message}\n` : `restpose: ${err.stack}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
