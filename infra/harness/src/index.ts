export * from './influxd.js';
export * from './mosquitto.js';
export * from './ports.js';
export * from './server-process.js';
