export * from './device-access.js';
export * from './embedded-broker.js';
export * from './ingest-service.js';
export { IngestMetrics } from './metrics.js';
export * from './mosquitto/dynsec-admin.js';
export * from './mosquitto/mosquitto-access.js';
export * from './ops-server.js';
export type { FsyncPolicy } from './spool/spool.js';
export type { IngestStore } from './store-port.js';
