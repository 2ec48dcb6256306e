export * from './app.js';
export * from './auth.js';
export * from './device-credentials.js';
export * from './health.js';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './protection.js';
