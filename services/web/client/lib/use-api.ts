// Loads an API resource for a view: the answer, the error (with the server's message) or loading; a new path
// cancels the request before it.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, apiGet } from './api.js';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'error'; status: number; message: string }
  | { state: 'ok'; data: T };

export function useApi<T>(path: string | null): Loaded<T> & { reload: () => void } {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setResult({ state: 'loading' });
    apiGet<T>(path, controller.signal).then(
      (data) => setResult({ state: 'ok', data }),
      (err: Error) => {
        if (controller.signal.aborted) return;
        const status = err instanceof ApiError ? err.status : 0;
        setResult({ state: 'error', status, message: err.message });
      },
    );
    return () => controller.abort();
  }, [path, version]);
  return { ...result, reload };
}
