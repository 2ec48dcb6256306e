export * from './angles.js';
export * from './epoch-accumulator.js';
export * from './posture-rule.js';
