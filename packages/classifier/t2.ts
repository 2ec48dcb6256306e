import { selectBackend, loadArtifact, analyzeNight, CONDITIONS, modelInputs, trainingScenario } from './src/index.js';
import { POSTURE_LABELS, argmax } from '@restpose/signal';
await selectBackend('wasm');
const net = await loadArtifact('/tmp/pm');
for (const [seed, sc] of [[100_001, trainingScenario(100_001)], [200_011, CONDITIONS.default]] as const) {
  const n = analyzeNight(seed, sc, net.postureModel(), { rateHz: 25, afterRiseHours: 1 });
  const x = modelInputs(n.analysis.epochs);
  const p = net.probabilities(x, n.analysis.epochs.length);
  let ok = 0, okm = 0, tot = 0;
  const conf: Record<string, number> = {};
  n.analysis.epochs.forEach((e, i) => { const l = n.labels[i]!; if (l < 0) return; tot++; const a = argmax(p, i*5, 5); if (a === l) ok++; if (POSTURE_LABELS[l] === e.posture) okm++; else { const k = POSTURE_LABELS[l] + '->' + e.posture; conf[k] = (conf[k] ?? 0) + 1; } });
  console.log(seed, 'offline', ok/tot, 'analyzer', okm/tot, conf);
}
