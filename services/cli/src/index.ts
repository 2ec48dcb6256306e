export * from './analysis/output.js';
export * from './settings.js';
export * from './system.js';
