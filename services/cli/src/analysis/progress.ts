// A one-line progress bar on stderr, only for long inputs and only when stderr is a terminal (never in pipes, logs
// or tests).

export interface Progress {
  update(fraction: number, phase: string): void;
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };

/** Inputs smaller than this finish too fast for a bar to help. */
const LONG_INPUT_BYTES = 8 * 1024 * 1024;

export function progressBar(label: string, bytes: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || bytes < LONG_INPUT_BYTES) return SILENT;
  let last = -1;
  return {
    update(fraction, phase) {
      const pct = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${pct}% ${phase}   `);
    },
    done() {
      if (last >= 0) stream.write('\n');
    },
  };
}
