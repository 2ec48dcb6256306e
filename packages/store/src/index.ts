export * from './contract.js';
export { DuckDbStore, type DuckDbStoreOptions } from './duckdb/duckdb-store.js';
export * from './errors.js';
export { InfluxStore, type InfluxStoreOptions } from './influxdb/influx-store.js';
export { DEFAULT_RETRY, type RetryPolicy } from './influxdb/retry.js';
export { MEASUREMENTS as INFLUX_MEASUREMENTS, retentionHours } from './influxdb/schema.js';
export * from './open-store.js';
