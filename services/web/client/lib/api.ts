// Requests to the API of the same origin with the session's bearer token. A 401 anywhere ends the session: the app
// returns to sign-in with the server's message.
import { clearToken, storedToken } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Listener = (message: string) => void;
let onUnauthorized: Listener = () => {};

/** The app's handler for a refused token (called once per refusal). */
export function setUnauthorizedHandler(listener: Listener): void {
  onUnauthorized = listener;
}

/** With `token`, a request for that token (signing in); without, the session's. */
async function request(path: string, init: RequestInit = {}, token?: string): Promise<Response> {
  const headers = new Headers(init.headers);
  const bearer = token ?? storedToken();
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  const res = await fetch(`/api/v1${path}`, { ...init, headers });
  if (res.ok) return res;
  const body = (await res.json().catch(() => null)) as { message?: string } | null;
  const message = body?.message ?? `${res.status} ${res.statusText}`;
  // The session ends at the first refusal of its token; the requests in flight with it are refused too and say
  // nothing more. A token being tried at sign-in is not the session's.
  if (res.status === 401 && token === undefined && storedToken() === bearer && bearer !== null) {
    clearToken();
    onUnauthorized(message);
  }
  throw new ApiError(res.status, message);
}

export async function apiGet<T>(path: string, signal?: AbortSignal, token?: string): Promise<T> {
  const res = await request(path, signal ? { signal } : {}, token);
  return (await res.json()) as T;
}

/** A file from the API (exports), as a blob and the name the server suggests. */
export async function apiDownload(path: string): Promise<{ blob: Blob; filename: string }> {
  const res = await request(path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'export';
  return { blob: await res.blob(), filename };
}

/** A query string from the defined values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
