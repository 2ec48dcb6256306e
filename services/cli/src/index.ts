export * from './settings.js';
export * from './system.js';
export * from './analysis/output.js';
