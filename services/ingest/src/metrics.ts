// Prometheus metrics of one ingest service, in its own registry (several services can live in one process, as in
// tests). Names and meanings are listed in docs/operations.md.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class IngestMetrics {
  readonly registry = new Registry();

  readonly acceptedBatches = this.counter('accepted_batches_total', 'imu batches accepted into the spool');
  readonly acceptedSamples = this.counter('accepted_samples_total', 'samples in accepted batches');
  readonly rejected = new Counter({
    name: 'restpose_ingest_rejected_total',
    help: 'payloads refused, by rejection code (docs/protocol.md)',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'restpose_ingest_dead_letters_total',
    help: 'refused payloads written to the dead-letter store, by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly deadLettersDropped = this.counter(
    'dead_letters_dropped_total',
    'refused payloads counted but not kept because their device exceeded its dead-letter budget',
  );
  readonly storedBatches = this.counter('stored_batches_total', 'batches written to the store');
  readonly storedSamples = this.counter('stored_samples_total', 'samples written to the store');
  readonly duplicates = this.counter(
    'duplicate_batches_total',
    'resent batches recognized by seq and not stored again',
  );
  readonly missingBatches = this.counter('seq_gap_batches_total', 'batch numbers skipped when a newer batch arrived');
  readonly lateBatches = this.counter('late_batches_total', 'batches that arrived after a newer one (filling a gap)');
  readonly epochs = this.counter('epochs_total', 'posture epochs written by the live analysis');
  readonly nights = this.counter('nights_total', 'nights computed when a final rise was confirmed');
  readonly mornings = this.counter('mornings_total', 'mornings computed once their reference hours were over');
  readonly storeErrors = this.counter('store_errors_total', 'failed store writes (each is retried)');
  readonly storeWriteSeconds = new Histogram({
    name: 'restpose_ingest_store_write_seconds',
    help: 'time of one store write round (samples, dead letters, epochs)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly receiveToStoredSeconds = new Histogram({
    name: 'restpose_ingest_receive_to_stored_seconds',
    help: 'from a batch reaching ingest to the store acknowledging it',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly spoolBytes = this.gauge('spool_bytes', 'bytes of spool segments on disk');
  readonly spoolLimitBytes = this.gauge('spool_limit_bytes', 'the spool bound (RESTPOSE_SPOOL_MAX_BYTES)');
  readonly spoolBacklogBytes = this.gauge('spool_backlog_bytes', 'spooled bytes not yet in the store');
  readonly storeLagSeconds = this.gauge('store_lag_seconds', 'age of the oldest spooled batch not yet in the store');
  readonly heldBatches = this.gauge('held_batches', 'batches held unacknowledged because the spool is full');
  readonly connected = this.gauge('mqtt_connected', '1 while connected to the broker');
  readonly healthState = this.gauge('health', 'health: 2 up, 1 degraded (warning), 0 down');
  readonly deviceLastSeen = new Gauge({
    name: 'restpose_ingest_device_last_seen_seconds',
    help: 'unix time of the last batch accepted from the device',
    labelNames: ['device'],
    registers: [this.registry],
  });
  readonly deviceMissing = new Counter({
    name: 'restpose_ingest_device_seq_gap_batches_total',
    help: 'batch numbers skipped by the device (lost or not yet arrived)',
    labelNames: ['device'],
    registers: [this.registry],
  });
  readonly deviceDuplicates = new Counter({
    name: 'restpose_ingest_device_duplicate_batches_total',
    help: 'resent batches of the device not stored again',
    labelNames: ['device'],
    registers: [this.registry],
  });
  readonly deviceDriftPpm = new Gauge({
    name: 'restpose_ingest_device_sample_clock_ppm',
    help: "the device's estimated sample-rate error in ppm (positive: samples faster than nominal)",
    labelNames: ['device'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'restpose_ingest_' });
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name: `restpose_ingest_${name}`, help, registers: [this.registry] });
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name: `restpose_ingest_${name}`, help, registers: [this.registry] });
  }

  /** Current value of a label-less counter or gauge (for health, tests and the benchmark). */
  async value(metric: Counter | Gauge, labels?: Record<string, string>): Promise<number> {
    const { values } = await metric.get();
    const hit = values.find((v) => !labels || Object.entries(labels).every(([k, x]) => v.labels[k] === x));
    return hit?.value ?? 0;
  }
}
