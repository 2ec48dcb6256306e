// Decides what one incoming publish is: an imu batch to spool, or a refusal with its code. Pure: the same topic,
// payload and time give the same answer.
import { decodeImuPayload, parseDeviceTopic, type Rejection } from '@restpose/protocol';

export type Judgement =
  | { kind: 'batch'; deviceId: string; seq: number; samples: number }
  | { kind: 'refuse'; deviceId: string | null; rejection: Rejection };

export function judgePublish(topic: string, payload: Uint8Array, receivedAt: number): Judgement {
  const parsed = parseDeviceTopic(topic);
  if (parsed?.channel !== 'imu') {
    return {
      kind: 'refuse',
      deviceId: parsed?.deviceId ?? null,
      rejection: { code: 'WRONG_TOPIC', message: `topic: ${topic.slice(0, 200)} is not a device imu topic` },
    };
  }
  const decoded = decodeImuPayload(payload, receivedAt);
  if (!decoded.ok) return { kind: 'refuse', deviceId: parsed.deviceId, rejection: decoded.error };
  return { kind: 'batch', deviceId: parsed.deviceId, seq: decoded.value.seq, samples: decoded.value.ax.length };
}
