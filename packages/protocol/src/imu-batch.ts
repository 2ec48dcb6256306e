// The one in-memory form every IMU payload decodes to: column typed arrays, no per-sample objects.

export interface ImuBatch {
  /** Device sequence number of this batch (uint32, wraps). */
  seq: number;
  /** UTC epoch milliseconds of the first sample, by the device clock. */
  t0: number;
  /** Nominal sample rate in Hz. */
  rateHz: number;
  /** Acceleration in g, device axes. */
  ax: Float32Array;
  ay: Float32Array;
  az: Float32Array;
  /** Angular rate in deg/s, device axes, when the device has a gyroscope. */
  gyro?: { gx: Float32Array; gy: Float32Array; gz: Float32Array };
}

export function batchLength(batch: ImuBatch): number {
  return batch.ax.length;
}
