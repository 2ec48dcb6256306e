// Bounds every decoder enforces, whichever wire form a batch arrives in.

export const LIMITS = {
  minRateHz: 1,
  maxRateHz: 400,
  /** Samples (time points) per frame: 100 s at 50 Hz, and a binary frame of 6 channels stays under 64 KiB. */
  maxSamples: 5000,
  /** No sample of a batch may be more than this far ahead of the server clock. */
  maxFutureMs: 5 * 60 * 1000,
  /** Nothing before 2020 is a real restpose clock; unset RTCs restart at 1970-01-01 or 2000-01-01. */
  minTimestampMs: Date.UTC(2020, 0, 1),
  /** Accelerometer scale, mg per LSB (0.061 at +-2 g through 0.98 at +-32 g). */
  minAccScaleMg: 0.001,
  maxAccScaleMg: 10,
  /** Gyroscope scale, mdps per LSB (3.8 at +-125 dps through 140 at +-4000 dps). */
  minGyroScaleMdps: 0.1,
  maxGyroScaleMdps: 1000,
  /** A JSON frame of 6 full columns is about 210 kB; anything much larger is refused before parsing. */
  maxJsonBytes: 256 * 1024,
  /** Status, config and errors messages are small JSON objects. */
  maxMessageBytes: 4096,
} as const;
