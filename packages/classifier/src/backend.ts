// TensorFlow.js backend selection: the native tfjs-node backend when its addon loads (an optional dependency whose
// install downloads libtensorflow, so it is absent offline), else WebAssembly, else plain JavaScript (cpu).
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  backend: BackendName;
  /** Why each backend before it was passed over. */
  skipped: Array<{ backend: BackendName; reason: string }>;
}

/** Logs the choice: pino's `info(obj, msg)` fits, and so does a console-like function pair. */
export interface BackendLogger {
  info(obj: object, msg: string): void;
}

let chosen: Promise<BackendChoice> | null = null;

/**
 * Selects the first backend that initializes, in BACKEND_ORDER from `prefer` on (default: from the native one).
 * The choice holds for the process (TensorFlow.js has one global backend); later calls return the first choice.
 */
export function selectBackend(prefer: BackendName = 'tensorflow', logger?: BackendLogger): Promise<BackendChoice> {
  chosen ??= choose(prefer).then((choice) => {
    logger?.info(
      { backend: choice.backend, skipped: choice.skipped },
      `posture model: TensorFlow.js backend ${choice.backend}`,
    );
    return choice;
  });
  return chosen;
}

async function choose(prefer: BackendName): Promise<BackendChoice> {
  const skipped: BackendChoice['skipped'] = [];
  for (const backend of BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(prefer))) {
    try {
      await register(backend);
      if (await tf.setBackend(backend)) {
        await tf.ready();
        return { backend, skipped };
      }
      skipped.push({ backend, reason: 'did not initialize' });
    } catch (err) {
      skipped.push({ backend, reason: (err as Error).message.split('\n')[0]!.slice(0, 200) });
    }
  }
  throw new Error('no TensorFlow.js backend initialized (tried tensorflow, wasm, cpu)');
}

async function register(backend: BackendName): Promise<void> {
  // Importing a backend package registers it with the shared tfjs-core; cpu comes with @tensorflow/tfjs.
  if (backend === 'tensorflow') await import('@tensorflow/tfjs-node');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
}

/** The backend in use (after selectBackend). */
export function currentBackend(): string {
  return tf.getBackend();
}
