// The app: sign-in until a token is accepted, then the shell (header, navigation for the role, the routed view).
// What each role sees follows the API: the navigation offers only what the role may call, and views ask only for
// what the role may read (researchers get study codes only: the API never sends them names or ids).
import type { Me } from '@restpose/api';
import type { Role } from '@restpose/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNote, Loading } from './components.js';
import { apiGet, setUnauthorizedHandler } from './lib/api.js';
import { timeZoneName } from './lib/format.js';
import { isTyping } from './lib/keys.js';
import { href, type Route, useRoute } from './lib/router.js';
import { clearToken, storedToken } from './lib/session.js';
import { CohortsView, CohortView } from './views/cohorts.js';
import { DevicesView } from './views/devices.js';
import { MorningView } from './views/morning.js';
import { NightView } from './views/night.js';
import { PatientsView } from './views/patients.js';
import { SignIn } from './views/sign-in.js';
import { SubjectView } from './views/subject.js';
import { TrendsView } from './views/trends.js';

const NAV: Array<{ route: Route; label: string; roles: Role[] }> = [
  { route: { view: 'patients' }, label: 'Patients', roles: ['admin', 'clinician'] },
  { route: { view: 'cohorts' }, label: 'Cohorts', roles: ['admin', 'researcher'] },
  { route: { view: 'devices' }, label: 'Devices', roles: ['admin', 'provisioning'] },
];

/** The views each role may open (the API decides in the end; this keeps the UI from offering refusals). */
const VIEWS: Record<Route['view'], Role[]> = {
  home: ['admin', 'clinician', 'researcher', 'provisioning'],
  patients: ['admin', 'clinician'],
  subject: ['admin', 'clinician', 'researcher'],
  night: ['admin', 'clinician', 'researcher'],
  morning: ['admin', 'clinician', 'researcher'],
  trends: ['admin', 'clinician', 'researcher'],
  cohorts: ['admin', 'researcher'],
  cohort: ['admin', 'researcher'],
  devices: ['admin', 'provisioning'],
  'not-found': ['admin', 'clinician', 'researcher', 'provisioning'],
};

const HOME: Record<Role, Route> = {
  admin: { view: 'patients' },
  clinician: { view: 'patients' },
  researcher: { view: 'cohorts' },
  provisioning: { view: 'devices' },
};

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    setUnauthorizedHandler((message) => {
      setMe(null);
      setNotice(`You were signed out: ${message}. Sign in again.`);
    });
    if (storedToken() === null) return;
    apiGet<Me>('/me')
      .then(setMe, () => {})
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <Loading what="your session" />;
  if (!me) {
    const signedIn = (m: Me) => {
      setMe(m);
      setNotice(null);
    };
    return <SignIn notice={notice} onSignedIn={signedIn} />;
  }
  return (
    <Shell
      me={me}
      onSignOut={() => {
        clearToken();
        setMe(null);
        setNotice('Signed out.');
        location.hash = '#/';
      }}
    />
  );
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const route = useRoute();
  const help = useRef<HTMLDialogElement>(null);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    if (route.view === 'home') location.replace(href(HOME[me.role]));
  }, [route, me.role]);

  // Moving to another view puts focus on its content, as a page load would, for keyboard and screen-reader users.
  useEffect(() => {
    main.current?.focus({ preventScroll: true });
  }, [route]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !isTyping(e.target)) {
        e.preventDefault();
        help.current?.showModal();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href="#/">
          restpose
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => n.roles.includes(me.role)).map((n) => (
              <li key={n.label}>
                <a href={href(n.route)} aria-current={route.view === n.route.view ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {me.name} <span class="muted">({me.role})</span>
          </span>
          <button type="button" class="link" onClick={() => help.current?.showModal()}>
            Keyboard
          </button>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Routed route={route} role={me.role} />
      </main>
      <footer class="muted">
        Times in {timeZoneName}. Flags are for clinical review, not a diagnosis; the sleep figures are estimates from
        movement, not polysomnography.
      </footer>
      <dialog ref={help} aria-labelledby="keys-title" class="help">
        <h2 id="keys-title">Keyboard shortcuts</h2>
        <dl>
          <dt>Tab, Shift+Tab</dt>
          <dd>move between links, buttons and charts</dd>
          <dt>Enter, Space</dt>
          <dd>open a link, press a button</dd>
          <dt>← →</dt>
          <dd>on a night or a morning: the previous or next one</dd>
          <dt>← → on a focused chart</dt>
          <dd>pan; + and − zoom; 0 or Home shows the whole night</dd>
          <dt>?</dt>
          <dd>this list</dd>
          <dt>Escape</dt>
          <dd>close this list</dd>
        </dl>
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </>
  );
}

function Routed({ route, role }: { route: Route; role: Role }) {
  if (!VIEWS[route.view].includes(role)) {
    return <ErrorNote message={`This page is not available to the ${role} role.`} />;
  }
  switch (route.view) {
    case 'home':
      return <Loading what="your start page" />;
    case 'patients':
      return <PatientsView />;
    case 'subject':
      return <SubjectView subjectRef={route.ref} role={role} />;
    case 'night':
      return <NightView subjectRef={route.ref} date={route.date} />;
    case 'morning':
      return <MorningView subjectRef={route.ref} date={route.date} />;
    case 'trends':
      return <TrendsView route={route} role={role} />;
    case 'cohorts':
      return <CohortsView />;
    case 'cohort':
      return <CohortView id={route.id} />;
    case 'devices':
      return <DevicesView />;
    case 'not-found':
      return <ErrorNote message={`No page at #/${route.path}.`} />;
  }
}
