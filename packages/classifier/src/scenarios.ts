// The conditions the posture model is trained and evaluated under: simulator options for the recording, and the
// mounting given to the analysis (estimated from the data, or configured wrong). Evaluation conditions are fixed;
// training draws a mixture of them per seed, with wider ranges, so no held-out condition is seen exactly.
import { deriveSeed, type Mat3, multiply, Random, type RecordingOptions, randomTilt } from '@restpose/simulator';

export interface Scenario {
  /** Simulator options apart from the seed. */
  recording: Omit<RecordingOptions, 'seed'>;
  /** Rotation error of the configured mounting, degrees (null: the analysis estimates the mounting, `auto`). */
  misconfiguredDeg: number | null;
}

/** Seeds: training, validation (choices made while building the model) and held-out (the model card only). */
export const SEEDS = {
  training: { from: 100_001, to: 100_999 },
  validation: { from: 200_001, to: 200_099 },
  heldOut: { from: 9111, to: 9160 },
} as const;

const placement = { base: 'random', jitterDeg: 3 } as const;

/** Evaluation conditions on held-out seeds (docs: models/posture/MODEL_CARD.md). */
export const CONDITIONS = {
  /** As the signal layer's held-out test: a random flat placement on the back, 3 degrees of jitter, auto. */
  default: { recording: { mounting: placement }, misconfiguredDeg: null },
  /** The configured mounting is wrong by 10-30 degrees (mostly turned about the spine, a little tilted). */
  misconfigured: { recording: { mounting: placement }, misconfiguredDeg: 20 },
  /** Half the bouts three-quarter, settled 36-44 degrees off nominal: 1-9 degrees inside their sector. */
  'three-quarter': {
    recording: {
      mounting: placement,
      person: { lying: { threeQuarterProb: 0.5 } },
      hardship: { threeQuarterDeg: [36, 44] },
    },
    misconfiguredDeg: null,
  },
  /** Two slips a night on average during turns, 20 degrees SD about the spine (7 about the anterior axis). */
  slips: { recording: { mounting: { ...placement, slipsPerNight: 2, slipDeg: 20 } }, misconfiguredDeg: null },
  /** Restless sleep (8 aborted turns an hour), a bed partner (8 movements an hour), 2 knocks an hour. */
  artifacts: {
    recording: { mounting: placement, hardship: { restlessPerHour: 8, partnerPerHour: 8 }, artifactsPerHour: 2 },
    misconfiguredDeg: null,
  },
  /** Everything above at once. */
  combined: {
    recording: {
      mounting: { ...placement, slipsPerNight: 2, slipDeg: 20 },
      person: { lying: { threeQuarterProb: 0.5 } },
      hardship: { threeQuarterDeg: [36, 44], restlessPerHour: 8, partnerPerHour: 8 },
      artifactsPerHour: 2,
    },
    misconfiguredDeg: 20,
  },
} satisfies Record<string, Scenario>;
export type ConditionName = keyof typeof CONDITIONS;
export const CONDITION_NAMES = Object.keys(CONDITIONS) as ConditionName[];

/**
 * The mounting configured in a misconfigured analysis: the true initial deviceToBody turned by `deg` (10-30 when
 * 20 is given: drawn per seed) mostly about the spine, plus up to a third of it as tilt.
 */
export function misconfiguredMounting(seed: number, trueDeviceToBody: Mat3, deg: number): Mat3 {
  const r = new Random(deriveSeed(seed, 'classifier-misconfigured'));
  const angle = r.uniform(deg / 2, (3 * deg) / 2) * (r.chance(0.5) ? 1 : -1);
  const c = Math.cos((angle * Math.PI) / 180);
  const s = Math.sin((angle * Math.PI) / 180);
  const aboutSpine: Mat3 = [c, 0, s, 0, 1, 0, -s, 0, c];
  const tilt = randomTilt(() => r.next(), r.uniform(0, Math.abs(angle) / 3));
  return multiply(multiply(tilt, aboutSpine), trueDeviceToBody);
}

/**
 * A training scenario drawn from the seed: each hard condition on about half the time, over ranges that cover the
 * evaluation conditions. A configured error stays within what the roll offset can resolve with no history to
 * follow (its evidence repeats every 90 degrees): larger ones only teach the model labels no input can explain.
 */
export function trainingScenario(seed: number): Scenario {
  const r = new Random(deriveSeed(seed, 'classifier-training-scenario'));
  const on = () => r.chance(0.5);
  const slips = on();
  const threeQuarter = on();
  const restless = on();
  const partner = on();
  const lo = r.uniform(25, 40);
  return {
    recording: {
      mounting: {
        base: 'random',
        jitterDeg: r.uniform(0, 5),
        slipsPerNight: slips ? r.uniform(1, 3) : 0,
        slipDeg: slips ? r.uniform(8, 22) : 8,
      },
      person: threeQuarter ? { lying: { threeQuarterProb: r.uniform(0.2, 0.6) } } : undefined,
      hardship: {
        threeQuarterDeg: threeQuarter ? [lo, r.uniform(lo, 44)] : [25, 33],
        restlessPerHour: restless ? r.uniform(2, 12) : 0,
        partnerPerHour: partner ? r.uniform(2, 12) : 0,
      },
      artifactsPerHour: on() ? r.uniform(0.5, 3) : 0,
      sensor: { gyro: on() },
    },
    misconfiguredDeg: r.chance(0.35) ? r.uniform(8, 22) : null,
  };
}
