import type { Command } from 'commander';
import { describeSetting, type Settings } from './settings.js';

/** Adds one --flag per setting; values stay raw strings so loadConfig validates flags and env alike. */
export function addSettingOptions(command: Command, settings: Settings): Command {
  for (const s of Object.values(settings)) command.option(`--${s.flag} <value>`, describeSetting(s));
  return command;
}
