export * from './settings.js';
export * from './system.js';
