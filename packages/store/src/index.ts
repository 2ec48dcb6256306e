export * from './contract.js';
export { DuckDbStore, type DuckDbStoreOptions } from './duckdb/duckdb-store.js';
export * from './errors.js';
export * from './open-store.js';
