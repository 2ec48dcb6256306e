// A body-frame accelerometer stream through a random sequence of postures, with sensor noise.
// Ground truth is the posture of every sample.
import { createGaussian, createRng } from './random.js';

export const SIM_POSTURES = ['upright', 'supine', 'left', 'right', 'prone'] as const;
export type SimPosture = (typeof SIM_POSTURES)[number];

/** Body-frame gravity reaction (g) of each posture, DESIGN.md conventions. */
const GRAVITY: Record<SimPosture, [number, number, number]> = {
  upright: [0, 1, 0],
  supine: [1, 0, 0],
  prone: [-1, 0, 0],
  left: [0, 0, 1],
  right: [0, 0, -1],
};

export interface PostureStreamOptions {
  seed: number;
  rateHz: number;
  /** Bout length range in seconds. */
  minBoutS?: number;
  maxBoutS?: number;
  noiseG?: number;
}

export interface StreamChunk {
  x: Float32Array;
  y: Float32Array;
  z: Float32Array;
  truth: SimPosture[];
}

export class PostureStream {
  private readonly rng: () => number;
  private readonly gauss: () => number;
  private posture: SimPosture = 'upright';
  private left = 0;

  constructor(private readonly options: PostureStreamOptions) {
    this.rng = createRng(options.seed);
    this.gauss = createGaussian(this.rng);
  }

  next(n: number): StreamChunk {
    const { rateHz, minBoutS = 60, maxBoutS = 600, noiseG = 0.01 } = this.options;
    const out: StreamChunk = { x: new Float32Array(n), y: new Float32Array(n), z: new Float32Array(n), truth: [] };
    for (let i = 0; i < n; i++) {
      if (this.left <= 0) {
        const others = SIM_POSTURES.filter((p) => p !== this.posture);
        this.posture = others[Math.floor(this.rng() * others.length)]!;
        this.left = Math.round((minBoutS + this.rng() * (maxBoutS - minBoutS)) * rateHz);
      }
      this.left--;
      const [gx, gy, gz] = GRAVITY[this.posture];
      out.x[i] = gx + noiseG * this.gauss();
      out.y[i] = gy + noiseG * this.gauss();
      out.z[i] = gz + noiseG * this.gauss();
      out.truth.push(this.posture);
    }
    return out;
  }
}
