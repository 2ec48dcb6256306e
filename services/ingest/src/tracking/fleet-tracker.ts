// Per-device state the drain keeps while it turns spooled batches into stored samples: the sequence window (dedup,
// gaps) and the sample clock (drift). It is a pure function of the batches in spool order, so replaying the spool
// from a snapshot after a crash reproduces exactly the verdicts and timestamps of the first pass: a batch written
// before the crash is written again with the same timestamps (the store keeps one copy), and a resent batch is
// still recognized as a duplicate.
import { SampleClock, type SampleClockState } from './sample-clock.js';
import { SequenceWindow, type SequenceWindowState, type SeqVerdict } from './sequence-window.js';

export interface TrackResult {
  verdict: SeqVerdict;
  /** Everything but a duplicate is stored. */
  store: boolean;
  /** Sample spacing to store the batch with, corrected for the device's sample clock. */
  intervalMs: number;
}

interface DeviceState {
  window: SequenceWindow;
  clock: SampleClock;
}

export interface FleetState {
  v: 1;
  devices: Record<string, { window: SequenceWindowState; clock: SampleClockState }>;
}

export class FleetTracker {
  private readonly devices = new Map<string, DeviceState>();

  track(deviceId: string, seq: number, t0: number, count: number, rateHz: number): TrackResult {
    let state = this.devices.get(deviceId);
    if (!state) {
      state = { window: new SequenceWindow(), clock: new SampleClock() };
      this.devices.set(deviceId, state);
    }
    const nominalMs = 1000 / rateHz;
    const verdict = state.window.observe(seq, t0);
    if (verdict.kind === 'restart') state.clock.breakRun();
    if (verdict.kind === 'next' || verdict.kind === 'restart') state.clock.observe(seq, t0, count, nominalMs);
    return { verdict, store: verdict.kind !== 'duplicate', intervalMs: state.clock.intervalMs(nominalMs) };
  }

  /** Sample-rate error in ppm (positive: samples faster than nominal), null until warmed up. */
  ppm(deviceId: string): number | null {
    return this.devices.get(deviceId)?.clock.ppm ?? null;
  }

  /** Consecutive-batch pairs left out of the drift estimate (clock steps, samples lost at a boundary). */
  refusedPairs(deviceId: string): number {
    return this.devices.get(deviceId)?.clock.pairsRefused ?? 0;
  }

  get size(): number {
    return this.devices.size;
  }

  snapshot(): FleetState {
    const devices: FleetState['devices'] = {};
    for (const [id, s] of this.devices) devices[id] = { window: s.window.toJSON(), clock: s.clock.toJSON() };
    return { v: 1, devices };
  }

  static restore(state: FleetState): FleetTracker {
    if (state.v !== 1) throw new Error(`tracker snapshot version ${String(state.v)}: expected 1`);
    const tracker = new FleetTracker();
    for (const [id, s] of Object.entries(state.devices)) {
      tracker.devices.set(id, { window: SequenceWindow.fromJSON(s.window), clock: SampleClock.fromJSON(s.clock) });
    }
    return tracker;
  }
}

/** Sample times t0 + i * interval, rounded to the microsecond (the finest time the stores keep). */
export function sampleTimes(t0: number, count: number, intervalMs: number): Float64Array {
  const t = new Float64Array(count);
  for (let i = 0; i < count; i++) t[i] = t0 + Math.round(i * intervalMs * 1000) / 1000;
  return t;
}
