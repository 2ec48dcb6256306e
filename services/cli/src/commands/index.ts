// Every restpose command registers itself here; add a file under commands/ and one line below.
import type { Command } from 'commander';
import { registerGenerate } from './generate.js';
import { registerLink } from './link.js';
import { registerSimulate } from './simulate.js';
import { registerIngestAndApi, registerStart } from './start.js';

export const registerCommands: Array<(program: Command) => void> = [
  registerStart,
  registerIngestAndApi,
  registerSimulate,
  registerGenerate,
  registerLink,
];
