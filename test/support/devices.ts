// Small device stand-ins for ingest tests and the ingest benchmark: binary v1 frames of a subject lying on the left
// side, and MQTT clients that connect the way docs/protocol.md tells firmware to.
import { crc32, deviceTopic, encodeBinaryFrame } from '@restpose/protocol';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

const ACC_SCALE_MG = 0.061;

/** A binary v1 frame of `n` samples at `rateHz` (device lying on its left side: +1 g on z). */
export function imuFrame(seq: number, t0: number, n = 50, rateHz = 50): Uint8Array {
  const col = (value: number) => new Int16Array(n).fill(Math.round(value / (ACC_SCALE_MG / 1000)));
  return encodeBinaryFrame({ seq, t0, rateHz, accScaleMg: ACC_SCALE_MG, ax: col(0.05), ay: col(-0.02), az: col(0.99) });
}

/**
 * Frames that differ only in seq and t0 from one template: patches the two fields and the CRC, so a load generator
 * spends its time on MQTT rather than on encoding.
 */
export class FrameTemplate {
  private readonly template: Uint8Array;

  constructor(
    readonly samples = 50,
    readonly rateHz = 50,
  ) {
    this.template = imuFrame(0, Date.UTC(2026, 0, 1), samples, rateHz);
  }

  frame(seq: number, t0: number): Buffer {
    const bytes = Buffer.from(this.template);
    bytes.writeUInt32LE(seq, 4);
    bytes.writeUInt32LE(t0 % 2 ** 32, 8);
    bytes.writeUInt32LE(Math.floor(t0 / 2 ** 32), 12);
    bytes.writeUInt32LE(crc32(bytes.subarray(0, bytes.length - 4)), bytes.length - 4);
    return bytes;
  }
}

/** Connects as a device: client id = username = device id, persistent session, MQTT 5 unless told otherwise. */
export function connectDevice(
  brokerUrl: string,
  deviceId: string,
  secret: string,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return connectAsync(brokerUrl, {
    clientId: deviceId,
    username: deviceId,
    password: secret,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
    reconnectPeriod: 0,
    ...options,
  });
}

/** Publishes a device's imu batch at QoS 1 and resolves on the broker's PUBACK (rejects on a refusal code). */
export async function publishBatch(client: MqttClient, deviceId: string, payload: Uint8Array): Promise<void> {
  await client.publishAsync(deviceTopic(deviceId, 'imu'), Buffer.from(payload), { qos: 1 });
}
