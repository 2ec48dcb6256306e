import { selectBackend, trainPostureModel, saveArtifact, loadArtifact, analyzeNight, CONDITIONS, modelInputs } from './src/index.js';
import { POSTURE_LABELS, argmax } from '@restpose/signal';
await selectBackend('wasm');
const nights = Number(process.argv[2] ?? 120);
const r = await trainPostureModel({ nights, epochs: 25, onProgress: (m) => { if (m.includes('25/') || m.includes('00/')) console.log(m); } });
console.log(r.seconds, r.classCounts, r.config.rows, r.finalLoss);
const v = await saveArtifact('/tmp/pm', r.net.network, r.normalization, r.config);
const net = await loadArtifact('/tmp/pm');
for (const [name, sc] of Object.entries(CONDITIONS)) {
  let ok = 0, okr = 0, okoff = 0, tot = 0;
  for (const seed of [200_011, 200_012, 200_013]) {
    const n = analyzeNight(seed, sc, net.postureModel(), { rateHz: 25, afterRiseHours: 1 });
    const p = net.probabilities(modelInputs(n.analysis.epochs), n.analysis.epochs.length);
    n.analysis.epochs.forEach((e, i) => { const l = n.labels[i]!; if (l < 0) return; tot++; if (POSTURE_LABELS[l] === e.rulePosture) okr++; if (POSTURE_LABELS[l] === e.posture) ok++; if (argmax(p, i*5, 5) === l) okoff++; });
  }
  console.log(name.padEnd(14), 'rule', (okr/tot).toFixed(4), 'model', (ok/tot).toFixed(4), 'model-nohyst', (okoff/tot).toFixed(4));
}
