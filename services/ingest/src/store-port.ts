// What ingest needs from the store, in one place so the storage contract can change under it in one file.
import type { Store } from '@restpose/store';

export type IngestStore = Pick<
  Store,
  | 'writeSamples'
  | 'readSamples'
  | 'writeEpochs'
  | 'writeNights'
  | 'writeMornings'
  | 'writeDeadLetter'
  | 'listDevices'
  | 'assignmentsForDevice'
>;
