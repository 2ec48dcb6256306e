// Reference labels for `restpose validate`: a CSV with columns t,label (a polysomnography body-position channel,
// video scoring, a simulator's ground truth). Each row's label holds from its time until the next row's; the last
// row holds for the mean row interval. An epoch takes the label covering at least half of it; epochs with no
// label, a mix of labels, or labels outside the posture classes are left out and counted.
import { createReadStream } from 'node:fs';
import { type Agreement, agreement, POSTURE_LABELS } from '@restpose/signal';
import { CsvError, parse } from 'csv-parse';
import { detectFormat, InputError, parseTime, type TimeFormat } from './read-csv.js';

/** Reference labels that mean a posture class; "lying" (side unknown) counts only lying vs upright. */
const SYNONYMS: Record<string, string> = {
  upright: 'upright',
  standing: 'upright',
  stand: 'upright',
  sitting: 'upright',
  sit: 'upright',
  walking: 'upright',
  walk: 'upright',
  supine: 'supine',
  back: 'supine',
  prone: 'prone',
  front: 'prone',
  stomach: 'prone',
  left: 'left',
  right: 'right',
  lying: 'lying',
  laying: 'lying',
};

export interface ReferenceLabels {
  t: Float64Array;
  labels: string[];
  /** Raw label of each row, mapped (or "other"). */
  codes: Uint8Array;
}

/** `secondsOrigin`: the UTC ms that t = 0 stands for when the time column is in seconds (as for the analysis). */
export async function readReference(file: string, secondsOrigin = 0): Promise<ReferenceLabels> {
  const source = createReadStream(file);
  const parser = source.pipe(parse({ info: true, trim: true, skip_empty_lines: true, comment: '#' }));
  source.on('error', (err) => parser.destroy(err));
  const labels: string[] = [];
  const codeOf = new Map<string, number>();
  let t = new Float64Array(65_536);
  let codes = new Uint8Array(65_536);
  let n = 0;
  let ti = -1;
  let li = -1;
  let format: TimeFormat | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (ti < 0) {
        const names = record.map((h) => h.toLowerCase());
        ti = names.indexOf('t');
        li = names.indexOf('label');
        if (ti < 0 || li < 0) throw new InputError(`${file}: line ${info.lines}: header needs columns t and label`);
        continue;
      }
      format ??= detectFormat(record[ti]!);
      const time = parseTime(record[ti]!, format, secondsOrigin);
      if (!Number.isFinite(time)) {
        throw new InputError(`${file}: line ${info.lines}, column ${ti + 1} (t): expected a time, got "${record[ti]}"`);
      }
      if (n > 0 && time < t[n - 1]!) {
        throw new InputError(`${file}: line ${info.lines}, column ${ti + 1} (t): time goes backwards`);
      }
      const label = SYNONYMS[record[li]!.toLowerCase()] ?? 'other';
      let code = codeOf.get(label);
      if (code === undefined) {
        code = labels.length;
        labels.push(label);
        codeOf.set(label, code);
      }
      if (n === t.length) {
        const t2 = new Float64Array(n * 2);
        t2.set(t);
        t = t2;
        const c2 = new Uint8Array(n * 2);
        c2.set(codes);
        codes = c2;
      }
      t[n] = time;
      codes[n++] = code;
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const e = err as CsvError & { lines?: number; index?: number };
      throw new InputError(
        `${file}: line ${e.lines ?? '?'}${e.index !== undefined ? `, column ${e.index + 1}` : ''}: ${err.message}`,
      );
    }
    throw err;
  }
  if (n === 0) throw new InputError(`${file}: no labels (expected a header t,label and rows)`);
  return { t: t.slice(0, n), labels, codes: codes.slice(0, n) };
}

export interface EpochLike {
  start: string;
  durationS: number;
  posture: string;
}

export interface Validation {
  epochs: number;
  compared: { fiveClass: number; lyingVsUpright: number };
  excluded: { unlabeled: number; mixed: number; other: number };
  fiveClass: Agreement;
  lyingVsUpright: Agreement;
}

/** The reference label covering at least half of [start, end), or why there is none. */
export function referenceFor(ref: ReferenceLabels, start: number, end: number, cursor: { i: number }): string {
  const { t, codes } = ref;
  const n = t.length;
  let step = 0;
  if (n > 1) step = (t[n - 1]! - t[0]!) / (n - 1);
  while (cursor.i + 1 < n && t[cursor.i + 1]! <= start) cursor.i++;
  const share = new Map<number, number>();
  for (let i = cursor.i; i < n && t[i]! < end; i++) {
    const from = Math.max(start, t[i]!);
    const to = Math.min(end, i + 1 < n ? t[i + 1]! : t[i]! + step);
    if (to > from) share.set(codes[i]!, (share.get(codes[i]!) ?? 0) + to - from);
  }
  let best = -1;
  let bestMs = 0;
  let covered = 0;
  for (const [code, ms] of share) {
    covered += ms;
    if (ms > bestMs) {
      best = code;
      bestMs = ms;
    }
  }
  if (covered < (end - start) / 2) return 'unlabeled';
  if (bestMs < (end - start) / 2) return 'mixed';
  return ref.labels[best]!;
}

export function validateEpochs(epochs: readonly EpochLike[], ref: ReferenceLabels): Validation {
  const excluded = { unlabeled: 0, mixed: 0, other: 0 };
  const five: [string[], string[]] = [[], []];
  const two: [string[], string[]] = [[], []];
  const cursor = { i: 0 };
  for (const e of epochs) {
    const start = Date.parse(e.start);
    const truth = referenceFor(ref, start, start + e.durationS * 1000, cursor);
    if (truth === 'unlabeled' || truth === 'mixed' || truth === 'other') {
      excluded[truth]++;
      continue;
    }
    if (truth !== 'lying') {
      five[0].push(truth);
      five[1].push(e.posture);
    }
    two[0].push(truth === 'upright' ? 'upright' : 'lying');
    two[1].push(e.posture === 'upright' ? 'upright' : 'lying');
  }
  return {
    epochs: epochs.length,
    compared: { fiveClass: five[0].length, lyingVsUpright: two[0].length },
    excluded,
    fiveClass: agreement(POSTURE_LABELS, five[0], five[1]),
    lyingVsUpright: agreement(['upright', 'lying'], two[0], two[1]),
  };
}

function pct(v: number | null): string {
  return v === null ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`;
}

function table(a: Agreement): string {
  const w = Math.max(8, ...a.labels.map((l) => l.length));
  const lines = [
    `  accuracy ${pct(a.accuracy)}   macro-F1 ${a.macroF1 === null ? '-' : a.macroF1.toFixed(3)}   Cohen's kappa ${a.kappa === null ? '-' : a.kappa.toFixed(3)}   (n = ${a.n})`,
    '',
    `  ${'class'.padEnd(w)}  support  precision  recall      F1`,
    ...a.perClass.map(
      (c) =>
        `  ${c.label.padEnd(w)}  ${String(c.support).padStart(7)}  ${pct(c.precision).padStart(9)}  ${pct(c.recall)}  ${c.f1 === null ? '     -' : c.f1.toFixed(3).padStart(6)}`,
    ),
    '',
    `  confusion (rows: reference, columns: restpose)`,
    `  ${''.padEnd(w)}  ${a.labels.map((l) => l.padStart(8)).join('')}`,
    ...a.labels.map((l, i) => `  ${l.padEnd(w)}  ${a.confusion[i]!.map((v) => String(v).padStart(8)).join('')}`),
  ];
  return lines.join('\n');
}

export function validationText(v: Validation): string {
  return [
    `${v.epochs} epochs: ${v.compared.fiveClass} compared on the five posture classes, ${v.compared.lyingVsUpright} on lying vs upright;`,
    `left out: ${v.excluded.unlabeled} without a reference label, ${v.excluded.mixed} with mixed labels, ${v.excluded.other} with labels outside the classes`,
    '',
    'Five classes',
    table(v.fiveClass),
    '',
    'Lying vs upright',
    table(v.lyingVsUpright),
    '',
  ].join('\n');
}
