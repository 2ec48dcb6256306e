export * from './decode.js';
export * from './errors.js';
export * from './imu-batch.js';
export * from './json-frame.js';
export * from './limits.js';
export * from './records.js';
export * from './secrets.js';
export * from './topics.js';
