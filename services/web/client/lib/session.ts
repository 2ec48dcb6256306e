// The bearer token lives in sessionStorage: it goes with the tab, never persists past the browser session and is
// not shared with other tabs. Sign-out clears it.
const KEY = 'restpose.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}
