// The in-memory forms of an IMU batch. ImuBatch is what every payload decodes to (physical units, column typed
// arrays, no per-sample objects); ImuFrame is what a device puts on the wire (raw int16 counts and their scales).
import { wireScale } from './frame-fields.js';

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

export interface ImuFrame {
  seq: number;
  t0: number;
  rateHz: number;
  /** Accelerometer scale in mg per LSB, as the sensor's datasheet gives it (0.061 at +-2 g). */
  accScaleMg: number;
  ax: Int16Array;
  ay: Int16Array;
  az: Int16Array;
  /** Gyroscope counts and their scale in mdps per LSB (8.75 at +-250 dps). */
  gyro?: { scaleMdps: number; gx: Int16Array; gy: Int16Array; gz: Int16Array };
}

export function batchLength(batch: ImuBatch): number {
  return batch.ax.length;
}

function quantize(values: Float32Array, scale: number): Int16Array {
  const out = new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.max(-32768, Math.min(32767, Math.round((values[i]! * 1000) / scale)));
  }
  return out;
}

/** Quantizes a batch in g (and deg/s) to int16 counts at the given scales, clamping at full range; gyro only with its scale. */
export function quantizeBatch(batch: ImuBatch, accScaleMg: number, gyroScaleMdps?: number): ImuFrame {
  const acc = wireScale(accScaleMg);
  const frame: ImuFrame = {
    seq: batch.seq,
    t0: batch.t0,
    rateHz: batch.rateHz,
    accScaleMg,
    ax: quantize(batch.ax, acc),
    ay: quantize(batch.ay, acc),
    az: quantize(batch.az, acc),
  };
  if (batch.gyro && gyroScaleMdps !== undefined) {
    const dps = wireScale(gyroScaleMdps);
    const { gx, gy, gz } = batch.gyro;
    frame.gyro = { scaleMdps: gyroScaleMdps, gx: quantize(gx, dps), gy: quantize(gy, dps), gz: quantize(gz, dps) };
  }
  return frame;
}
