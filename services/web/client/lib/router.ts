// Hash routes (#/subjects/p1/nights/2025-03-02): every view has a URL to bookmark or share, the server serves one
// page, and the browser's back button works.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'home' }
  | { view: 'patients' }
  | { view: 'subject'; ref: string }
  | { view: 'night'; ref: string; date: string }
  | { view: 'morning'; ref: string; date: string }
  | { view: 'trends'; ref: string; metric?: string; outcome?: string; weeks?: string }
  | { view: 'cohorts' }
  | { view: 'cohort'; id: string }
  | { view: 'devices' }
  | { view: 'not-found'; path: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search);
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { view: 'home' };
  if (a === 'patients' && parts.length === 1) return { view: 'patients' };
  if (a === 'cohorts' && parts.length === 1) return { view: 'cohorts' };
  if (a === 'cohorts' && b && parts.length === 2) return { view: 'cohort', id: b };
  if (a === 'devices' && parts.length === 1) return { view: 'devices' };
  if (a === 'subjects' && b) {
    if (parts.length === 2) return { view: 'subject', ref: b };
    if (c === 'nights' && d && DATE.test(d) && parts.length === 4) return { view: 'night', ref: b, date: d };
    if (c === 'mornings' && d && DATE.test(d) && parts.length === 4) return { view: 'morning', ref: b, date: d };
    if (c === 'trends' && parts.length === 3) {
      const route: Route = { view: 'trends', ref: b };
      for (const key of ['metric', 'outcome', 'weeks'] as const) {
        const value = params.get(key);
        if (value) route[key] = value;
      }
      return route;
    }
  }
  return { view: 'not-found', path };
}

const enc = encodeURIComponent;

export function href(route: Route): string {
  switch (route.view) {
    case 'home':
      return '#/';
    case 'patients':
    case 'cohorts':
    case 'devices':
      return `#/${route.view}`;
    case 'cohort':
      return `#/cohorts/${enc(route.id)}`;
    case 'subject':
      return `#/subjects/${enc(route.ref)}`;
    case 'night':
      return `#/subjects/${enc(route.ref)}/nights/${route.date}`;
    case 'morning':
      return `#/subjects/${enc(route.ref)}/mornings/${route.date}`;
    case 'trends': {
      const q = new URLSearchParams();
      for (const key of ['metric', 'outcome', 'weeks'] as const) if (route[key]) q.set(key, route[key]);
      const s = q.toString();
      return `#/subjects/${enc(route.ref)}/trends${s ? `?${s}` : ''}`;
    }
    case 'not-found':
      return `#/${route.path}`;
  }
}

export function navigate(route: Route): void {
  location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
