// What ingest needs from the store, in one place so the storage contract can change under it in one file.
import type { SampleBatch, Store } from '@restpose/store';

export type IngestStore = Pick<
  Store,
  'writeSamples' | 'readSamples' | 'writeEpochs' | 'listDevices' | 'assignmentsForDevice'
> & {
  // MERGE(store, issue 5): the storage contract adds writeDeadLetter; until then dead letters are logged only.
  writeDeadLetter?(letter: DeadLetter): Promise<void>;
};

/** A refused payload with why it was refused (the shape the storage issue adds to the contract). */
export interface DeadLetter {
  receivedAt: number;
  /** Null when the topic named no valid device. */
  deviceId: string | null;
  topic: string;
  code: string;
  reason: string;
  /** The payload bytes, base64. */
  payload: string;
}

/** Writes many devices' batches in as few calls as the store allows. */
export async function writeSampleBatches(store: IngestStore, batches: SampleBatch[]): Promise<void> {
  // MERGE(store, issue 5): the new contract takes an array in one call.
  for (const b of batches) await store.writeSamples(b);
}
