// Picks the adapter from configuration, so services depend on the contract alone.
import type { Store } from './contract.js';
import { DuckDbStore } from './duckdb/duckdb-store.js';
import { InfluxStore, type InfluxStoreOptions } from './influxdb/influx-store.js';

export type StoreConfig = { kind: 'duckdb'; path: string } | ({ kind: 'influxdb' } & InfluxStoreOptions);

export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'duckdb':
      return DuckDbStore.open({ path: config.path });
    case 'influxdb':
      return InfluxStore.open(config);
  }
}
