// The live path: the ingest service gives each device a StreamingAnalyzer with the same learned model. Each takes
// its own session, so devices do not share context, and a device streamed in small batches gets the labels a
// whole-recording analysis gives (the context is causal).
import { type AnalyzedEpoch, analyzeRecording, type Mat3, StreamingAnalyzer } from '@restpose/signal';
import { accelerationG, simulateRecording } from '@restpose/simulator';
import {
  CONDITIONS,
  DEFAULT_MODEL_DIR,
  loadArtifact,
  misconfiguredMounting,
  type PostureNet,
  selectBackend,
} from '../src/index.js';

let net: PostureNet;
beforeAll(async () => {
  await selectBackend();
  net = await loadArtifact(DEFAULT_MODEL_DIR);
});

/** A held-out night whose sensor slips during turns, with a mounting configured 10-30 degrees wrong (where the
 *  context matters). */
function night(seed: number) {
  const rec = simulateRecording({ ...CONDITIONS.slips.recording, seed, nights: 1, rateHz: 25, afterRiseHours: 1 });
  const acc = accelerationG(rec);
  const mounting = misconfiguredMounting(seed, rec.truth.mounting.initial.deviceToBody, 20) as unknown as Mat3;
  return { startMs: rec.startMs, rateHz: rec.rateHz, ax: acc.x, ay: acc.y, az: acc.z, mounting };
}

test('devices streamed side by side with one model keep their own context and match the whole-recording labels', () => {
  const a = night(9005);
  const b = night(9002);
  const t = Float64Array.from({ length: a.ax.length }, (_, i) => a.startMs + (i * 1000) / a.rateHz);
  const whole = analyzeRecording(
    { t, ax: a.ax, ay: a.ay, az: a.az },
    { orientation: a.mounting, calibrate: false, model: net.postureModel() },
  );

  const model = net.postureModel();
  const live = [a, b].map((n) => ({
    n,
    analyzer: new StreamingAnalyzer({ originMs: a.startMs, epochSeconds: 30, mounting: n.mounting, model }),
    epochs: [] as AnalyzedEpoch[],
  }));
  const chunk = 37 * a.rateHz; // batches that do not line up with epochs
  for (let i = 0; i < a.ax.length; i += chunk) {
    for (const d of live) {
      const j = Math.min(d.n.ax.length, i + chunk);
      if (i >= j) continue;
      const t0 = d.n.startMs + (i * 1000) / d.n.rateHz;
      const batch = {
        t0,
        rateHz: d.n.rateHz,
        ax: d.n.ax.subarray(i, j),
        ay: d.n.ay.subarray(i, j),
        az: d.n.az.subarray(i, j),
      };
      d.epochs.push(...d.analyzer.push(batch).epochs);
    }
  }
  for (const d of live) d.epochs.push(...d.analyzer.finish().epochs);

  const device = live[0]!.epochs;
  expect(device.length).toBe(whole.epochs.length);
  expect(device.every((e) => e.algorithm === net.version)).toBe(true);
  expect(device.map((e) => e.posture)).toEqual(whole.epochs.map((e) => e.posture));
  // The rule disagrees with the model on this night, so the comparison above depends on the context.
  expect(whole.epochs.filter((e) => e.posture !== e.rulePosture).length).toBeGreaterThan(20);
}, 300_000);
