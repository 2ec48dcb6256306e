// `pnpm bench classify`: posture model inference against the angle rule on the same epochs, in the same run: one
// simulated night's 30-s epochs (features already computed), the model called one epoch at a time (a live device)
// and in batches (a recording, or epochs batched across devices). Also the whole analysis of the night with each.
// Last line: one JSON object with the figures and `ratio` (model time per epoch over rule time per epoch, batched).
import {
  analyzeNight,
  CONDITIONS,
  DEFAULT_MODEL_DIR,
  loadArtifact,
  measureInference,
  selectBackend,
} from '@restpose/classifier';

const { backend } = await selectBackend();
const net = await loadArtifact(DEFAULT_MODEL_DIR);
const seed = 9001;
const time = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
let ruleNight = Number.POSITIVE_INFINITY;
let modelNight = Number.POSITIVE_INFINITY;
let epochs: ReturnType<typeof analyzeNight>['analysis']['epochs'] = [];
for (let k = 0; k < 3; k++) {
  ruleNight = Math.min(
    ruleNight,
    time(() => (epochs = analyzeNight(seed, CONDITIONS.default).analysis.epochs)),
  );
  modelNight = Math.min(
    modelNight,
    time(() => analyzeNight(seed, CONDITIONS.default, net.postureModel())),
  );
}
const costs = [1, 2, 3].map(() => measureInference(net, epochs, 64));
const pick = (key: 'ruleUsPerEpoch' | 'modelUsPerEpochSingle' | 'modelUsPerEpochBatched') =>
  Math.min(...costs.map((c) => c[key]));
const rule = pick('ruleUsPerEpoch');
const single = pick('modelUsPerEpochSingle');
const batched = pick('modelUsPerEpochBatched');
const result = {
  backend,
  model: net.version,
  epochs: epochs.length,
  ruleUsPerEpoch: Number(rule.toFixed(2)),
  modelUsPerEpochSingle: Number(single.toFixed(1)),
  modelUsPerEpochBatched64: Number(batched.toFixed(1)),
  modelEpochsPerSecSingle: Math.round(1e6 / single),
  modelEpochsPerSecBatched: Math.round(1e6 / batched),
  // Live: one epoch per device every 30 s.
  liveDevicesPerCore: Math.round((30 * 1e6) / single),
  nightAnalysisMsRule: Math.round(ruleNight),
  nightAnalysisMsModel: Math.round(modelNight),
  ratio: Number((batched / rule).toFixed(1)),
};
process.stdout.write(
  `posture inference on ${result.epochs} epochs (${backend}): rule ${result.ruleUsPerEpoch} µs/epoch; model ${result.modelUsPerEpochSingle} µs/epoch one at a time, ${result.modelUsPerEpochBatched64} µs/epoch in batches of 64; whole night (simulate + analyze) ${result.nightAnalysisMsRule} ms with the rule, ${result.nightAnalysisMsModel} ms with the model\n`,
);
process.stdout.write(`${JSON.stringify(result)}\n`);
