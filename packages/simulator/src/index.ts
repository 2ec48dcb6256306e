export * from './mqtt-device.js';
export * from './posture-stream.js';
export * from './random.js';
