// A simulated person: sleep habits, lying preferences, body, range of motion and the stiffness model.
// Every field has a documented meaning and unit; docs/simulator.md gives the sources of the default ranges.
import { z } from 'zod';
import { deriveSeed, Random } from './random.js';

const deg = z.number().describe('degrees');
const minutes = z.number().nonnegative().describe('minutes');

export const LYING_POSTURES = ['supine', 'left', 'right', 'prone'] as const;
export type LyingPosture = (typeof LYING_POSTURES)[number];

const perLying = <T extends z.ZodTypeAny>(t: T) => z.object({ supine: t, left: t, right: t, prone: t });

export const personSchema = z.object({
  /** Local time offset from UTC, minutes; bed and rise times are local. */
  utcOffsetMinutes: z.number().int().min(-720).max(840),
  sleep: z.object({
    /** Habitual bed entry, minutes after local midnight of the evening's date (23:00 = 1380, 00:30 = 1470). */
    bedtimeMin: z
      .number()
      .min(20 * 60)
      .max(27 * 60),
    bedtimeSdMin: minutes,
    /** Mean lying period (lights off to final rise) and its night-to-night SD. */
    lyingPeriodMin: z.number().min(240).max(660),
    lyingPeriodSdMin: minutes,
    /** Median sleep-onset latency (log-normal, sigma 0.6). */
    sleepLatencyMedianMin: minutes,
    /** Probability of sitting up in bed (reading) before lying down. */
    readingInBedProb: z.number().min(0).max(1),
    /** Mean out-of-bed episodes (bathroom visits) per night, Poisson. */
    outOfBedPerNight: z.number().min(0).max(4),
    /** Turns (roll change of at least 30 degrees between settled positions) per hour in bed, Poisson. */
    turnsPerHour: z.number().min(0.2).max(6),
    /** Log-space SD of bout durations around the person's median. */
    boutSigma: z.number().min(0.2).max(1.5),
    /** Probability of a wake bout (1-10 min) after a turn. */
    wakeAfterTurnProb: z.number().min(0).max(1),
    /** Small repositionings (5-10 degrees of roll, not turns) per hour asleep; awake, 4x as often. */
    repositionsPerHour: z.number().min(0).max(20),
    /** Limb-movement bursts per hour asleep; awake 4x as often. */
    twitchesPerHour: z.number().min(0).max(60),
    /** Median time lying awake before the final rise (log-normal, sigma 0.7). */
    finalWakeMedianMin: minutes,
  }),
  lying: z.object({
    /** Habitual share of lying time per position (normalized when used). */
    shares: perLying(z.number().nonnegative()),
    /** Personal offset of the settled trunk roll from the nominal 0 / +90 / -90 / 180 per position. */
    rollOffsetDeg: perLying(deg),
    /** Probability that a bout is a three-quarter position (roll 25-33 degrees off the nominal, same sector). */
    threeQuarterProb: z.number().min(0).max(1),
    /** Head-up incline of the lumbar trunk in bed (pillow, mattress), degrees. */
    inclineDeg: deg,
  }),
  body: z.object({
    /** Sagittal inclination standing, sitting on a chair, sitting on the bed edge, reclined in bed (flexion +). */
    standSagDeg: deg,
    standLatDeg: deg,
    sitSagDeg: deg,
    edgeSitSagDeg: deg,
    reclineSagDeg: deg,
    /** Sensor position relative to the trunk's centre of rotation, metres, body frame (posterior is -x). */
    leverArmM: z.tuple([z.number(), z.number(), z.number()]),
    breathingHz: z.number().min(0.1).max(0.5),
    /** Breathing rotation of the lumbar trunk while lying, degrees amplitude. */
    breathingDeg: deg,
    /** Steps per second while walking. */
    cadenceHz: z.number().min(1.2).max(2.4),
    /** Peak vertical trunk acceleration while walking, g. */
    gaitVerticalG: z.number().min(0.05).max(0.8),
    /** Turn of the walking trunk's forward-back acceleration from the anterior axis, degrees (right positive). */
    gaitAxisDeg: deg,
  }),
  mobility: z.object({
    /** Full range of motion of the trunk inclination from standing, degrees. */
    romDeg: z.object({ flexion: deg, extension: deg, left: deg, right: deg }),
    /** Peak angular speed of a full, unhurried bend at full capacity, deg/s. */
    peakSpeedDps: z.number().positive(),
  }),
  stiffness: z.object({
    /** Personal baseline morning stiffness level, 0-10. */
    baselineLevel: z.number().min(0).max(10),
    /** Within-person effect of the night's longest immobile bout on the level, points per minute (0: none). */
    effectPerMin: z.number(),
    /** The person's mean and SD of the longest immobile bout per night, minutes (the driver of the effect). */
    longestImmobileMeanMin: z.number().min(20).max(300),
    longestImmobileSdMin: minutes,
    /** Night-to-night noise of the level not explained by the driver. */
    noiseSd: z.number().nonnegative(),
  }),
});
export type Person = z.infer<typeof personSchema>;

/** Partial overrides, one level deep per section. */
export type PersonOverrides = { [K in keyof Person]?: Person[K] extends object ? Partial<Person[K]> : Person[K] };

/** Draws a plausible person from a seed. Ranges and their sources are in docs/simulator.md. */
export function createPerson(seed: number, overrides: PersonOverrides = {}): Person {
  const r = new Random(deriveSeed(seed, 'person'));
  const supineShare = r.uniform(0.2, 0.5);
  const proneShare = r.chance(0.3) ? r.uniform(0.1, 0.25) : r.uniform(0, 0.08);
  const sideShare = Math.max(0.1, 1 - supineShare - proneShare);
  const leftBias = r.uniform(0.35, 0.65);
  const flexion = r.normalIn(70, 12, 45, 100);
  const stiffnessMean = r.normalIn(100, 30, 50, 180);
  const person: Person = {
    utcOffsetMinutes: 0,
    sleep: {
      bedtimeMin: r.normalIn(23 * 60, 40, 21 * 60 + 30, 25 * 60),
      bedtimeSdMin: r.uniform(15, 40),
      lyingPeriodMin: r.normalIn(450, 35, 360, 540),
      lyingPeriodSdMin: r.uniform(20, 45),
      sleepLatencyMedianMin: r.uniform(8, 25),
      readingInBedProb: r.uniform(0, 0.6),
      outOfBedPerNight: r.uniform(0.1, 1.5),
      turnsPerHour: r.lognormal(1.6, 0.3),
      boutSigma: r.uniform(0.6, 1.0),
      wakeAfterTurnProb: r.uniform(0.1, 0.3),
      repositionsPerHour: r.uniform(1, 4),
      twitchesPerHour: r.uniform(2, 10),
      finalWakeMedianMin: r.uniform(3, 12),
    },
    lying: {
      shares: { supine: supineShare, left: sideShare * leftBias, right: sideShare * (1 - leftBias), prone: proneShare },
      rollOffsetDeg: {
        supine: r.normal(0, 5),
        left: r.normal(0, 6),
        right: r.normal(0, 6),
        prone: r.normal(0, 6),
      },
      threeQuarterProb: r.uniform(0.1, 0.35),
      inclineDeg: r.normalIn(4, 3, -2, 12),
    },
    body: {
      standSagDeg: r.normalIn(3, 3, -5, 10),
      standLatDeg: r.normal(0, 1.5),
      sitSagDeg: r.normalIn(6, 6, -10, 20),
      edgeSitSagDeg: r.normalIn(12, 5, 0, 25),
      reclineSagDeg: r.normalIn(-28, 6, -40, -15),
      leverArmM: [-r.uniform(0.06, 0.12), r.uniform(0.12, 0.25), 0],
      breathingHz: r.uniform(0.2, 0.3),
      breathingDeg: r.uniform(0.15, 0.4),
      cadenceHz: r.normalIn(1.8, 0.1, 1.5, 2.1),
      gaitVerticalG: r.normalIn(0.3, 0.06, 0.15, 0.5),
      // A stream of its own, so adding it left every other draw of a seed as it was.
      gaitAxisDeg: new Random(deriveSeed(seed, 'person-gait-axis')).normal(0, 8),
    },
    mobility: {
      romDeg: {
        flexion,
        extension: r.normalIn(25, 6, 12, 40),
        left: r.normalIn(28, 5, 18, 40),
        right: r.normalIn(28, 5, 18, 40),
      },
      peakSpeedDps: r.normalIn(80, 15, 45, 130),
    },
    stiffness: {
      // People whose nights hold still longer have lower baselines: the between-person confound of docs/simulator.md.
      baselineLevel: Math.min(9, Math.max(0.5, r.normal(5 - 0.05 * (stiffnessMean - 100), 0.8))),
      effectPerMin: 0.04,
      longestImmobileMeanMin: stiffnessMean,
      longestImmobileSdMin: r.uniform(15, 30),
      noiseSd: 0.8,
    },
  };
  return mergePerson(person, overrides);
}

export function mergePerson(base: Person, overrides: PersonOverrides): Person {
  const merged = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? { ...(current as object), ...value }
        : value;
  }
  return personSchema.parse(merged);
}
