// Agreement between reference labels and predictions: confusion matrix, per-class precision, recall and F1,
// accuracy, macro-F1 and Cohen's kappa (Cohen 1960). Used by `restpose validate` and the accuracy tests.

export interface ClassAgreement {
  label: string;
  /** Reference epochs of this class. */
  support: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface Agreement {
  labels: string[];
  /** confusion[i][j]: reference label i predicted as label j. */
  confusion: number[][];
  n: number;
  accuracy: number | null;
  /** Mean F1 over classes present in the reference. */
  macroF1: number | null;
  kappa: number | null;
  perClass: ClassAgreement[];
}

export function agreement(
  labels: readonly string[],
  truth: readonly string[],
  predicted: readonly string[],
): Agreement {
  if (truth.length !== predicted.length) throw new Error('agreement: truth and predictions differ in length');
  const k = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const a = index.get(truth[i]!);
    const b = index.get(predicted[i]!);
    if (a === undefined || b === undefined)
      throw new Error(`agreement: unknown label "${truth[i]}" or "${predicted[i]}"`);
    confusion[a]![b]!++;
  }
  const n = truth.length;
  const rowSum = confusion.map((r) => r.reduce((s, v) => s + v, 0));
  const colSum = labels.map((_, j) => confusion.reduce((s, r) => s + r[j]!, 0));
  const diag = labels.reduce((s, _, i) => s + confusion[i]![i]!, 0);
  const perClass = labels.map((label, i) => {
    const tp = confusion[i]![i]!;
    const precision = colSum[i]! > 0 ? tp / colSum[i]! : null;
    const recall = rowSum[i]! > 0 ? tp / rowSum[i]! : null;
    const f1 =
      precision === null || recall === null
        ? null
        : precision + recall === 0
          ? 0
          : (2 * precision * recall) / (precision + recall);
    return { label, support: rowSum[i]!, precision, recall, f1 };
  });
  const present = perClass.filter((c) => c.support > 0);
  // A class in the reference that is never predicted has F1 0, not "unknown".
  const macroF1 = present.length ? present.reduce((s, c) => s + (c.f1 ?? 0), 0) / present.length : null;
  const po = n ? diag / n : null;
  const pe = n ? labels.reduce((s, _, i) => s + (rowSum[i]! * colSum[i]!) / (n * n), 0) : null;
  const kappa = po === null || pe === null ? null : pe === 1 ? (po === 1 ? 1 : 0) : (po - pe) / (1 - pe);
  return { labels: [...labels], confusion, n, accuracy: po, macroF1, kappa, perClass };
}
