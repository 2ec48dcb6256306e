// Each role calls every route through real HTTP handling over a real DuckDB store: the status each gets, what each
// sees (clinicians their own patients with names, researchers study codes only, provisioning no health data),
// 401 without a valid token, 403 across patients, and the audit entries left behind.
import { hashSecret } from '@restpose/protocol';
import {
  type Caller,
  epochs,
  morning,
  night,
  openTestApi,
  report,
  rise,
  SUBJECTS,
  type TestApi,
  TOKENS,
} from './support.js';

let api: TestApi;
const CALLERS: Caller[] = ['admin', 'drA', 'drB', 'researcher', 'provisioning'];
const DATES = ['2025-03-01', '2025-03-02', '2025-03-03'];
const ROTATION = [0, 1, 0, -1, 0, 0, 0, 0, 1];

beforeAll(async () => {
  api = await openTestApi();
  const { store } = api;
  for (const s of ['p1', 'p2']) {
    await store.writeNights(DATES.map((d) => night(s, d, { share_supine: 0.5, longest_immobile_bout_min: 40 })));
    await store.writeMornings(DATES.map((d) => morning(s, d, { time_to_loosen_min: 20 })));
    for (const d of DATES) await store.upsertStiffnessReport(report(s, d));
    await store.writeEpochs(epochs(s, rise('2025-03-01') - 3_600_000, 20));
  }
  await store.upsertSubject({ ...SUBJECTS[2]!, id: 'p-del', studyCode: 'DEL-1' });
  for (const c of ['admin', 'provisioning']) {
    for (const prefix of ['dev', 'dev-r', 'dev-u']) {
      await store.upsertDevice({
        id: `${prefix}-${c}`,
        secretHash: hashSecret('x'),
        mounting: null,
        createdAt: 0,
        revokedAt: null,
      });
    }
    await store.assignDevice({ deviceId: `dev-u-${c}`, subjectId: 'p3', from: 0, to: null });
  }
});

afterAll(() => api.close());

/** How a caller names subject p1: researchers by study code. */
const p1 = (c: Caller) => (c === 'researcher' ? 'PIL-001' : 'p1');

interface Row {
  route: string;
  request: (c: Caller) => { method: string; url: string; payload?: object };
  /** Expected status for admin, drA (p1's clinician), drB (another clinician), researcher, provisioning. */
  expect: [number, number, number, number, number];
}

const get = (url: (c: Caller) => string) => (c: Caller) => ({ method: 'GET' as const, url: url(c) });
const SUBJECT_READ: Row['expect'] = [200, 200, 403, 200, 403];
const CLINICAL: Row['expect'] = [200, 200, 403, 403, 403];
const RESEARCH: Row['expect'] = [200, 403, 403, 200, 403];
const ADMIN_ONLY_200: Row['expect'] = [200, 403, 403, 403, 403];
const DEVICES_200: Row['expect'] = [200, 403, 403, 403, 200];

const MATRIX: Row[] = [
  { route: 'GET /me', request: get(() => '/api/v1/me'), expect: [200, 200, 200, 200, 200] },
  { route: 'GET /users', request: get(() => '/api/v1/users'), expect: ADMIN_ONLY_200 },
  {
    route: 'POST /users',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/users',
      payload: { id: `u-${c}`, name: 'N', role: 'researcher' },
    }),
    expect: [201, 403, 403, 403, 403],
  },
  {
    route: 'PATCH /users/:id',
    request: () => ({ method: 'PATCH', url: '/api/v1/users/res-1', payload: { name: 'Research One' } }),
    expect: ADMIN_ONLY_200,
  },
  { route: 'GET /users/:id/tokens', request: get(() => '/api/v1/users/dr-a/tokens'), expect: ADMIN_ONLY_200 },
  {
    route: 'POST /users/:id/tokens',
    request: () => ({ method: 'POST', url: '/api/v1/users/dr-a/tokens', payload: { label: 'phone' } }),
    expect: [201, 403, 403, 403, 403],
  },
  {
    route: 'DELETE /tokens/:id',
    request: () => ({ method: 'DELETE', url: `/api/v1/tokens/${'0'.repeat(64)}` }),
    expect: [404, 403, 403, 403, 403],
  },
  { route: 'GET /subjects', request: get(() => '/api/v1/subjects'), expect: [200, 200, 200, 200, 200] },
  {
    route: 'POST /subjects',
    request: (c) => ({ method: 'POST', url: '/api/v1/subjects', payload: { id: `s-${c}`, studyCode: `SC-${c}` } }),
    expect: [201, 403, 403, 403, 403],
  },
  { route: 'GET /subjects/:id', request: get((c) => `/api/v1/subjects/${p1(c)}`), expect: SUBJECT_READ },
  {
    route: 'PATCH /subjects/:id',
    request: (c) => ({ method: 'PATCH', url: `/api/v1/subjects/${p1(c)}`, payload: { cohort: 'pilot' } }),
    expect: ADMIN_ONLY_200,
  },
  {
    route: 'DELETE /subjects/:id',
    request: () => ({ method: 'DELETE', url: '/api/v1/subjects/p-del' }),
    expect: [204, 403, 403, 403, 403],
  },
  {
    route: 'GET /subjects/:id/epochs',
    request: get((c) => `/api/v1/subjects/${p1(c)}/epochs?from=2025-02-28T00:00:00Z&to=2025-03-01T12:00:00Z`),
    expect: SUBJECT_READ,
  },
  {
    route: 'GET /subjects/:id/nights',
    request: get((c) => `/api/v1/subjects/${p1(c)}/nights?from=2025-03-01&to=2025-03-03`),
    expect: SUBJECT_READ,
  },
  {
    route: 'GET /subjects/:id/nights/:date',
    request: get((c) => `/api/v1/subjects/${p1(c)}/nights/2025-03-01`),
    expect: SUBJECT_READ,
  },
  {
    route: 'GET /subjects/:id/mornings',
    request: get((c) => `/api/v1/subjects/${p1(c)}/mornings?from=2025-03-01&to=2025-03-03`),
    expect: SUBJECT_READ,
  },
  {
    route: 'GET /subjects/:id/mornings/:date',
    request: get((c) => `/api/v1/subjects/${p1(c)}/mornings/2025-03-01`),
    expect: SUBJECT_READ,
  },
  {
    route: 'GET /subjects/:id/reports',
    request: get((c) => `/api/v1/subjects/${p1(c)}/reports?from=2025-03-01&to=2025-03-03`),
    expect: SUBJECT_READ,
  },
  {
    route: 'GET /subjects/:id/reports/:date',
    request: get((c) => `/api/v1/subjects/${p1(c)}/reports/2025-03-01`),
    expect: SUBJECT_READ,
  },
  {
    route: 'POST /subjects/:id/reports',
    request: (c) => ({
      method: 'POST',
      url: `/api/v1/subjects/${p1(c)}/reports`,
      payload: { date: `2025-03-1${CALLERS.indexOf(c)}`, severity: 3, durationMin: 20 },
    }),
    expect: [201, 201, 403, 403, 403],
  },
  {
    route: 'DELETE /subjects/:id/reports/:date',
    request: (c) => ({
      method: 'DELETE',
      url: `/api/v1/subjects/${p1(c)}/reports/${c === 'admin' ? DATES[1] : DATES[2]}`,
    }),
    expect: [204, 204, 403, 403, 403],
  },
  { route: 'GET /subjects/:id/flags', request: get((c) => `/api/v1/subjects/${p1(c)}/flags`), expect: CLINICAL },
  { route: 'GET /subjects/:id/summary', request: get((c) => `/api/v1/subjects/${p1(c)}/summary`), expect: CLINICAL },
  { route: 'GET /subjects/:id/links', request: get((c) => `/api/v1/subjects/${p1(c)}/links`), expect: SUBJECT_READ },
  { route: 'GET /subjects/:id/trends', request: get((c) => `/api/v1/subjects/${p1(c)}/trends`), expect: SUBJECT_READ },
  { route: 'GET /patients', request: get(() => '/api/v1/patients'), expect: [200, 200, 200, 403, 403] },
  { route: 'GET /cohorts', request: get(() => '/api/v1/cohorts'), expect: RESEARCH },
  { route: 'GET /cohorts/:id', request: get(() => '/api/v1/cohorts/pilot'), expect: RESEARCH },
  { route: 'GET /cohorts/:id/links', request: get(() => '/api/v1/cohorts/pilot/links'), expect: RESEARCH },
  { route: 'GET /exports/nights.csv', request: get(() => '/api/v1/exports/nights.csv'), expect: RESEARCH },
  { route: 'GET /exports/nights.ndjson', request: get(() => '/api/v1/exports/nights.ndjson'), expect: RESEARCH },
  { route: 'GET /devices', request: get(() => '/api/v1/devices'), expect: DEVICES_200 },
  {
    route: 'POST /devices',
    request: (c) => ({ method: 'POST', url: '/api/v1/devices', payload: { id: `new-${c}` } }),
    expect: [201, 403, 403, 403, 201],
  },
  { route: 'GET /devices/:id', request: get(() => '/api/v1/devices/dev-admin'), expect: DEVICES_200 },
  {
    route: 'POST /devices/:id/rotate',
    request: () => ({ method: 'POST', url: '/api/v1/devices/dev-admin/rotate' }),
    expect: DEVICES_200,
  },
  {
    route: 'POST /devices/:id/revoke',
    request: (c) => ({ method: 'POST', url: `/api/v1/devices/dev-r-${c}/revoke` }),
    expect: DEVICES_200,
  },
  {
    route: 'PUT /devices/:id/mounting',
    request: () => ({
      method: 'PUT',
      url: '/api/v1/devices/dev-admin/mounting',
      payload: { mounting: { deviceToBody: ROTATION } },
    }),
    expect: DEVICES_200,
  },
  {
    route: 'POST /devices/:id/assignments',
    request: (c) => ({
      method: 'POST',
      url: `/api/v1/devices/dev-${c}/assignments`,
      payload: { subjectId: 'p3', from: '2025-01-01T00:00:00Z' },
    }),
    expect: [201, 403, 403, 403, 201],
  },
  {
    route: 'POST /devices/:id/unassign',
    request: (c) => ({ method: 'POST', url: `/api/v1/devices/dev-u-${c}/unassign`, payload: {} }),
    expect: DEVICES_200,
  },
  { route: 'GET /audit', request: get(() => '/api/v1/audit'), expect: ADMIN_ONLY_200 },
];

describe('the role matrix', () => {
  test.each(MATRIX)('$route', async ({ request, expect: expected }) => {
    const got: number[] = [];
    for (const c of CALLERS) {
      const { method, url, payload } = request(c);
      const res = await api.call(c, method, url, payload);
      got.push(res.statusCode);
    }
    expect(got).toEqual(expected);
  });

  test('every /api route of the application is in the matrix', () => {
    const doc = api.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map(
          (m) => `${m.toUpperCase()} ${path.slice('/api/v1'.length).replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      );
    expect(documented.sort()).toEqual(MATRIX.map((r) => r.route).sort());
  });
});

describe('without a valid token', () => {
  test.each(MATRIX)('$route answers 401', async ({ request }) => {
    const { method, url, payload } = request('admin');
    const none = await api.call(null, method, url, payload);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="restpose"');
    const wrong = await api.request(url, { method, headers: { authorization: 'Bearer not-a-token' } });
    expect(wrong.statusCode).toBe(401);
  });

  test('a revoked token and a disabled user stop working at once', async () => {
    const { store } = api;
    await store.putUser({ id: 'temp', name: 'Temp', role: 'clinician', createdAt: 0, disabledAt: null });
    const made = await api.call('admin', 'POST', '/api/v1/users/temp/tokens', { label: 'x' });
    const { token, id } = made.json() as { token: string; id: string };
    expect(id).toBe(hashSecret(token));
    const as = (t: string) => api.request('/api/v1/me', { headers: { authorization: `Bearer ${t}` } });
    expect((await as(token)).statusCode).toBe(200);
    expect((await api.call('admin', 'DELETE', `/api/v1/tokens/${id}`)).statusCode).toBe(204);
    expect((await as(token)).statusCode).toBe(401);

    const second = (await api.call('admin', 'POST', '/api/v1/users/temp/tokens', { label: 'y' })).json() as {
      token: string;
    };
    expect((await as(second.token)).statusCode).toBe(200);
    expect((await api.call('admin', 'PATCH', '/api/v1/users/temp', { disabled: true })).statusCode).toBe(200);
    expect((await as(second.token)).statusCode).toBe(401);
  });
});

describe('what each role sees', () => {
  const body = async (c: Caller, url: string) => {
    const res = await api.call(c, 'GET', url);
    expect(res.statusCode).toBe(200);
    return res;
  };

  test('a clinician lists only their own patients, with names', async () => {
    const { subjects } = (await body('drA', '/api/v1/subjects')).json();
    expect(subjects).toEqual([{ id: 'p1', studyCode: 'PIL-001', cohort: 'pilot', displayName: 'Ann Patient' }]);
    const { patients } = (await body('drB', '/api/v1/patients')).json();
    expect(patients.map((p: { subject: { id: string } }) => p.subject.id)).toEqual(['p2']);
  });

  test('across patients a clinician gets 403, for unknown ids too, and the attempt is audited', async () => {
    const other = await api.call('drA', 'GET', '/api/v1/subjects/p2/nights');
    const unknown = await api.call('drA', 'GET', '/api/v1/subjects/nobody/nights');
    expect([other.statusCode, unknown.statusCode]).toEqual([403, 403]);
    expect(other.json().message).toBe('subject p2 is not one of your patients');
    const denied = await api.store.queryAudit({ actor: 'dr-a', order: 'desc', limit: 2 });
    expect(denied.map((e) => [e.action, e.subjectId])).toEqual([
      ['access.denied', null],
      ['access.denied', 'p2'],
    ]);
  });

  test('a researcher sees study codes only: no subject ids, names or notes, anywhere', async () => {
    const responses = await Promise.all(
      [
        '/api/v1/subjects',
        '/api/v1/cohorts/pilot',
        '/api/v1/subjects/PIL-001',
        '/api/v1/subjects/PIL-001/nights?from=2025-03-01&to=2025-03-03',
        '/api/v1/subjects/PIL-001/nights/2025-03-01',
        '/api/v1/subjects/PIL-001/mornings/2025-03-01',
        '/api/v1/subjects/PIL-001/reports?from=2025-03-01&to=2025-03-03',
        '/api/v1/subjects/PIL-001/links',
        '/api/v1/cohorts/pilot/links',
        '/api/v1/exports/nights.csv',
        '/api/v1/exports/nights.ndjson',
      ].map((url) => body('researcher', url)),
    );
    for (const res of responses) {
      expect(res.body).not.toMatch(
        /"p[123]"|\bp[123],|Ann Patient|Bob Patient|Cy Control|note of|displayName|subject_id/,
      );
    }
    expect(responses[0]!.json().subjects).toContainEqual({ studyCode: 'PIL-001', cohort: 'pilot' });
    expect(responses[4]!.json().subject).toEqual({ studyCode: 'PIL-001', cohort: 'pilot' });
    expect(responses[9]!.body.split('\n')[0]!.startsWith('study_code,cohort,date,')).toBe(true);
    // Subject ids do not resolve for researchers: they cannot probe them.
    expect((await api.call('researcher', 'GET', '/api/v1/subjects/p1')).statusCode).toBe(404);
  });

  test('provisioning lists subjects to assign devices, without names, and reads no health data', async () => {
    const { subjects } = (await body('provisioning', '/api/v1/subjects')).json();
    expect(subjects).toContainEqual({ id: 'p1', studyCode: 'PIL-001', cohort: 'pilot' });
    expect(JSON.stringify(subjects)).not.toMatch(/Patient|displayName/);
  });

  test('admins see everything, clinician ids included', async () => {
    const { subject } = (await body('admin', '/api/v1/subjects/p2')).json();
    expect(subject).toEqual({
      id: 'p2',
      studyCode: 'PIL-002',
      cohort: 'pilot',
      displayName: 'Bob Patient',
      clinicianIds: ['dr-b'],
    });
  });
});

describe('the audit log', () => {
  test('every read and write of a subject leaves who, which subject, what and when', async () => {
    const before = Date.now();
    await api.call('drA', 'GET', '/api/v1/subjects/p1/nights/2025-03-01');
    await api.call('drA', 'POST', '/api/v1/subjects/p1/reports', { date: '2025-03-20', severity: 2, durationMin: 10 });
    await api.call('researcher', 'GET', '/api/v1/cohorts/pilot/links');
    const entries = await api.store.queryAudit({ range: { from: before, to: Date.now() + 1 } });
    expect(entries.map((e) => [e.actor, e.action, e.subjectId])).toEqual([
      ['dr-a', 'night.read', 'p1'],
      ['dr-a', 'report.create', 'p1'],
      ['res-1', 'links.read', 'p1'],
      ['res-1', 'links.read', 'p2'],
    ]);
    expect(entries[0]!.detail).toEqual({ route: 'GET /api/v1/subjects/:id/nights/:date', date: '2025-03-01' });
    expect(entries.every((e) => e.at >= before)).toBe(true);

    const { entries: listed } = (await api.call('admin', 'GET', '/api/v1/audit?subject=p2&limit=1')).json();
    expect(listed).toEqual([
      expect.objectContaining({ actor: 'res-1', action: 'links.read', subjectId: 'p2', at: expect.any(String) }),
    ]);
  });
});

test('tokens are stored only as their sha256', async () => {
  const tokens = await api.store.listTokens('dr-a');
  expect(tokens.map((t) => t.tokenHash)).toContain(hashSecret(TOKENS.drA));
  expect(JSON.stringify(tokens)).not.toContain(TOKENS.drA);
});
