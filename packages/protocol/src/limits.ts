// Bounds every decoder enforces, whichever wire form a batch arrives in.

export const LIMITS = {
  minRateHz: 1,
  maxRateHz: 400,
  /** Samples per frame: 60 s at 50 Hz with room to spare, and a binary frame of 6 channels stays under 64 KiB. */
  maxSamples: 5000,
  /** A batch may start at most this far ahead of the server clock. */
  maxFutureMs: 5 * 60 * 1000,
  /** Nothing before 2000-01-01 is a real device clock. */
  minTimestampMs: Date.UTC(2000, 0, 1),
  /** Accelerometer scale, mg per LSB (0.061 at +-2 g through 0.98 at +-32 g). */
  minAccScaleMg: 0.001,
  maxAccScaleMg: 10,
  /** Gyroscope scale, mdps per LSB. */
  minGyroScaleMdps: 0.1,
  maxGyroScaleMdps: 1000,
} as const;
