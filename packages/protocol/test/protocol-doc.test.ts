// docs/protocol.md is the spec firmware authors implement from: its worked example and message examples must be
// exactly what the code produces and accepts. The frame is also rebuilt here from the documented byte table alone.
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  crc32,
  decodeDeviceConfig,
  decodeDeviceError,
  decodeDeviceStatus,
  decodeImuPayload,
  encodeBinaryFrame,
  encodeJsonFrame,
  type ImuFrame,
  REJECTION_CODES,
} from '../src/index.js';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const utf8 = new TextEncoder();
const NOW = Date.UTC(2026, 10, 21, 6, 1, 0);

/** The fenced block right after `<!-- marker -->`. */
function block(marker: string): string {
  const match = doc.match(new RegExp(`<!-- ${marker} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``));
  if (!match) throw new Error(`docs/protocol.md has no block marked ${marker}`);
  return match[1]!;
}

/** The hex column of the worked example: everything before "|" on each line. */
function exampleBytes(): Uint8Array {
  const hex = block('frame-v1-example')
    .split('\n')
    .flatMap((line) => line.split('|')[0]!.trim().split(/\s+/))
    .filter((h) => h.length > 0);
  expect(hex.every((h) => /^[0-9a-f]{2}$/.test(h))).toBe(true);
  return Uint8Array.from(hex, (h) => Number.parseInt(h, 16));
}

const documented: ImuFrame = {
  seq: 7,
  t0: Date.UTC(2026, 10, 21, 6, 0, 0),
  rateHz: 12.5,
  accScaleMg: 0.061,
  ax: Int16Array.of(16393, 16384),
  ay: Int16Array.of(-820, -812),
  az: Int16Array.of(328, 340),
  gyro: { scaleMdps: 8.75, gx: Int16Array.of(0, 3), gy: Int16Array.of(114, 110), gz: Int16Array.of(-57, -60) },
};

/** The frame written field by field from the documented byte table, independently of encodeBinaryFrame. */
function fromTable(): Uint8Array {
  const b = Buffer.alloc(60);
  b.set([0xa5, 0x52, 1, 1]);
  b.writeUInt32LE(7, 4);
  b.writeBigUInt64LE(1795240800000n, 8);
  b.writeUInt32LE(12_500_000, 16);
  b.writeFloatLE(0.061, 20);
  b.writeFloatLE(8.75, 24);
  b.writeUInt16LE(2, 28);
  b.writeUInt8(1, 30);
  const samples = [16393, -820, 328, 0, 114, -57, 16384, -812, 340, 3, 110, -60];
  for (const [i, v] of samples.entries()) b.writeInt16LE(v, 32 + 2 * i);
  b.writeUInt32LE(zlibCrc32(b.subarray(0, 56)), 56);
  return new Uint8Array(b);
}

test('the worked example is the byte table applied, and exactly what the reference encoder produces', () => {
  const bytes = exampleBytes();
  expect(bytes.length).toBe(60);
  expect(Buffer.from(bytes).equals(Buffer.from(fromTable()))).toBe(true);
  expect(Buffer.from(encodeBinaryFrame(documented)).equals(Buffer.from(bytes))).toBe(true);
  expect(doc).toContain('crc32 0xCCF55B92 of bytes 0-55');
  expect(new DataView(bytes.buffer).getUint32(56, true)).toBe(0xccf55b92);
});

test('the worked example decodes to the documented values, and its JSON form to the same batch', () => {
  const binary = decodeImuPayload(exampleBytes(), NOW);
  if (!binary.ok) throw new Error(binary.error.message);
  const b = binary.value;
  expect([b.seq, b.t0, b.rateHz]).toEqual([7, 1795240800000, 12.5]);
  expect(b.ax[0]).toBeCloseTo(0.999973, 6);
  expect(b.ay[0]).toBeCloseTo(-0.05002, 6);
  expect(b.az[0]).toBeCloseTo(0.020008, 6);
  expect([b.gyro!.gx[0], b.gyro!.gy[0], b.gyro!.gz[0]]).toEqual([0, Math.fround(0.9975), Math.fround(-0.49875)]);

  const jsonText = block('frame-v1-example-json');
  expect(decodeImuPayload(utf8.encode(jsonText.trim()), NOW)).toEqual(binary);
  expect(encodeJsonFrame(documented)).toBe(JSON.stringify(JSON.parse(jsonText)));
});

test('the documented CRC-32 check value holds', () => {
  expect(doc).toContain('`123456789` is `0xCBF43926`');
  expect(crc32(utf8.encode('123456789'))).toBe(0xcbf43926);
});

test('the status, config and errors examples are valid messages', () => {
  expect(decodeDeviceStatus(utf8.encode(block('status-example')))).toMatchObject({ ok: true });
  expect(decodeDeviceConfig(utf8.encode(block('config-example')))).toMatchObject({ ok: true });
  expect(decodeDeviceError(utf8.encode(block('errors-example')))).toMatchObject({ ok: true });
});

test('every rejection code is documented with what the device should do', () => {
  for (const code of Object.keys(REJECTION_CODES))
    expect(doc).toMatch(new RegExp(`^\\| \`${code}\` +\\|.*\\|.*\\|$`, 'm'));
});
