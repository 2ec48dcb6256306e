// What a spool record holds. A batch keeps the payload exactly as the device sent it, with the device id and the
// receive time: the drain decodes it again with that time as "now", so it yields the same samples it did on
// arrival, and timestamp correction happens there, in spool order, deterministically (see device-tracker.ts).
// A dead letter keeps the refused payload with why it was refused.
const BATCH = 1;
const DEAD_LETTER = 2;

export interface BatchRecord {
  kind: 'batch';
  deviceId: string;
  receivedAt: number;
  payload: Uint8Array;
}

export interface DeadLetterRecord {
  kind: 'deadLetter';
  receivedAt: number;
  /** Null when the topic named no valid device. */
  deviceId: string | null;
  clientId: string | null;
  topic: string;
  code: string;
  reason: string;
  payload: Uint8Array;
}

export type SpoolRecord = BatchRecord | DeadLetterRecord;

export function encodeBatchRecord(deviceId: string, receivedAt: number, payload: Uint8Array): Buffer {
  const id = Buffer.from(deviceId, 'utf8');
  const out = Buffer.allocUnsafe(1 + 1 + id.length + 8 + payload.length);
  out[0] = BATCH;
  out[1] = id.length;
  id.copy(out, 2);
  out.writeDoubleLE(receivedAt, 2 + id.length);
  out.set(payload, 10 + id.length);
  return out;
}

export function encodeDeadLetterRecord(letter: Omit<DeadLetterRecord, 'kind' | 'payload'>, payload: Uint8Array) {
  const meta = Buffer.from(JSON.stringify(letter), 'utf8');
  const out = Buffer.allocUnsafe(1 + 4 + meta.length + payload.length);
  out[0] = DEAD_LETTER;
  out.writeUInt32LE(meta.length, 1);
  meta.copy(out, 5);
  out.set(payload, 5 + meta.length);
  return out;
}

export function decodeSpoolRecord(body: Buffer): SpoolRecord {
  switch (body[0]) {
    case BATCH: {
      const idLength = body[1]!;
      return {
        kind: 'batch',
        deviceId: body.toString('utf8', 2, 2 + idLength),
        receivedAt: body.readDoubleLE(2 + idLength),
        payload: body.subarray(10 + idLength),
      };
    }
    case DEAD_LETTER: {
      const metaLength = body.readUInt32LE(1);
      const meta = JSON.parse(body.toString('utf8', 5, 5 + metaLength)) as Omit<DeadLetterRecord, 'kind' | 'payload'>;
      return { kind: 'deadLetter', ...meta, payload: body.subarray(5 + metaLength) };
    }
    default:
      throw new Error(`spool record of unknown type ${body[0]}`);
  }
}
