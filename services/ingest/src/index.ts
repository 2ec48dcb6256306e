export * from './embedded-broker.js';
export * from './ingest-service.js';
