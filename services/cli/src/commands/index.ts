// Every restpose command registers itself here; add a file under commands/ and one line below.
import type { Command } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerEvaluate } from './evaluate.js';
import { registerGenerate } from './generate.js';
import { registerLink } from './link.js';
import { registerMosquitto } from './mosquitto.js';
import { registerSimulate } from './simulate.js';
import { registerIngestAndApi, registerStart } from './start.js';
import { registerTrain } from './train.js';
import { registerValidate } from './validate.js';

export const registerCommands: Array<(program: Command) => void> = [
  registerStart,
  registerIngestAndApi,
  registerSimulate,
  registerAnalyze,
  registerValidate,
  registerGenerate,
  registerLink,
  registerTrain,
  registerEvaluate,
  registerMosquitto,
];
