// Epochs to what the night view draws: levels per epoch, runs of one posture, gaps, time per position.
import { levelOf, positionsFromEpochs, postureSeries } from '../client/lib/posture.js';

type Posture = 'upright' | 'supine' | 'prone' | 'left' | 'right';
const T0 = Date.parse('2025-03-01T23:00:00Z');

function epochs(list: Array<[offsetS: number, posture: Posture, durationS?: number]>) {
  return list.map(([offset, posture, durationS = 30]) => ({
    start: new Date(T0 + offset * 1000).toISOString(),
    durationS,
    posture,
    confidence: 1,
    sagittalDeg: 0,
    frontalDeg: 0,
    rollDeg: posture === 'left' ? 90 : 0,
    deviceId: 'd',
    algorithm: 'a@1.0.0',
  }));
}

test('consecutive epochs of one posture make one run; a missing stretch is a gap that breaks the lines', () => {
  const s = postureSeries(
    epochs([
      [0, 'supine'],
      [30, 'supine'],
      [60, 'left'],
      [180, 'left'],
      [210, 'upright'],
    ]),
  );
  const t = T0 / 1000;
  // A run does not bridge a gap, even between epochs of the same posture.
  expect(s.runs).toEqual([
    { start: t, end: t + 60, posture: 'supine' },
    { start: t + 60, end: t + 90, posture: 'left' },
    { start: t + 180, end: t + 210, posture: 'left' },
    { start: t + 210, end: t + 240, posture: 'upright' },
  ]);
  expect(s.gaps).toEqual([{ start: t + 90, end: t + 180 }]);
  // A null right after the gap's start breaks the step line and the roll line; x stays increasing.
  const nullAt = s.level.indexOf(null);
  expect(s.x[nullAt - 1]).toBe(t + 90);
  expect(s.roll[nullAt]).toBeNull();
  expect(s.x.every((x, i) => i === 0 || x > s.x[i - 1]!)).toBe(true);
  // The step reaches the end of the last epoch; roll is null while upright.
  expect(s.x.at(-1)).toBe(t + 240);
  expect(s.level.at(-1)).toBe(levelOf('upright'));
  expect(s.roll.at(-1)).toBeNull();
});

test('a gap shorter than half an epoch is jitter, not a gap', () => {
  expect(
    postureSeries(
      epochs([
        [0, 'supine'],
        [44, 'supine'],
      ]),
    ).gaps,
  ).toEqual([]);
  expect(
    postureSeries(
      epochs([
        [0, 'supine'],
        [46, 'supine'],
      ]),
    ).gaps,
  ).toHaveLength(1);
});

test('time per position counts the epochs, shares of the time with epochs', () => {
  const rows = positionsFromEpochs(
    epochs([
      [0, 'supine', 1],
      [1, 'supine', 1],
      [2, 'left', 1],
      [3, 'prone', 1],
    ]),
  );
  const by = Object.fromEntries(rows.map((r) => [r.posture, r]));
  expect(by.supine).toMatchObject({ minutes: 2 / 60, share: 0.5 });
  expect(by.left).toMatchObject({ minutes: 1 / 60, share: 0.25 });
  expect(by.right).toMatchObject({ minutes: 0, share: 0 });
  expect(rows.map((r) => r.posture)).toEqual(['upright', 'left', 'supine', 'right', 'prone']);
});
