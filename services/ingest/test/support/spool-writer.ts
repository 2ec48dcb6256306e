// Child process for the kill -9 test: appends numbered records forever and prints the number of each record as
// soon as the spool reports it durable (written, under the interval policy), until it is killed.
import { Spool } from '../../src/spool/spool.js';

const dir = process.argv[2]!;
const spool = Spool.open({ dir, maxBytes: 1 << 30, fsync: 'interval', fsyncIntervalMs: 50, segmentBytes: 1 << 16 });
const body = (i: number, size: number) => Buffer.alloc(size, i % 251).fill(`record-${i}:`, 0, Math.min(size, 12));

let i = 0;
function burst(): void {
  for (let k = 0; k < 50; k++, i++) {
    const n = i;
    spool.append(body(n, 60 + (n % 200)), () => process.stdout.write(`${n}\n`));
  }
  setTimeout(burst, 1);
}
burst();
