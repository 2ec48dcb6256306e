// Every restpose command registers itself here; add a file under commands/ and one line below.
import type { Command } from 'commander';
import { registerLink } from './link.js';
import { registerMosquitto } from './mosquitto.js';
import { registerSimulate } from './simulate.js';
import { registerIngestAndApi, registerStart } from './start.js';

export const registerCommands: Array<(program: Command) => void> = [
  registerStart,
  registerIngestAndApi,
  registerSimulate,
  registerLink,
  registerMosquitto,
];
