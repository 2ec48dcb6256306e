// The HTTP surface: the OpenAPI document and its UI, security headers, the rate limit per token, and errors.
import { openTestApi, type TestApi } from './support.js';

let api: TestApi;

beforeAll(async () => {
  api = await openTestApi({ rateLimit: { max: 5, windowMs: 60_000 } });
});
afterAll(() => api.close());

describe('OpenAPI', () => {
  test('every /api route is documented from its schemas, with the bearer scheme and its roles', async () => {
    const res = await api.request('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const { op } of operations) {
      expect(op.security).toEqual([{ bearerAuth: [] }]);
      expect(op.description).toMatch(/Roles: (admin|clinician|researcher|provisioning)/);
      expect(Object.keys(op.responses as object)).toEqual(expect.arrayContaining(['400', '401', '403', '429']));
    }
    // Generated from the zod schemas: the report body names its fields and their bounds.
    const post = doc.paths['/api/v1/subjects/{id}/reports'].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['date', 'severity', 'durationMin']));
    expect(body.properties.severity).toMatchObject({ type: 'number', minimum: 0, maximum: 10 });
  });

  test('the UI is served at /docs from local files, with nothing loaded from elsewhere', async () => {
    const page = await api.request('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/(src|href)="https?:/);
    const script = await api.request('/docs/static/swagger-ui-bundle.js');
    expect(script.statusCode).toBe(200);
    const init = await api.request('/docs/static/swagger-initializer.js');
    expect(init.body).toContain('validatorUrl');
  });
});

describe('security headers', () => {
  test('a CSP that allows the same-origin dashboard, and the usual hardening headers', async () => {
    const res = await api.call('admin', 'GET', '/api/v1/me');
    const csp = res.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    // No CORS: the dashboard is served from the same origin.
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const health = await api.request('/healthz');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('rate limit', () => {
  test('counts per token: the sixth request in a minute is refused, another token goes on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.call('drA', 'GET', '/api/v1/me')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await api.call('drA', 'GET', '/api/v1/me');
    expect(refused.json()).toEqual({
      error: 'Too Many Requests',
      message: expect.stringMatching(/^Rate limit exceeded/),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const other = await api.call('drB', 'GET', '/api/v1/me');
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-ratelimit-limit']).toBe('5');
    expect(other.headers['x-ratelimit-remaining']).toBe('4');
  });
});

describe('errors', () => {
  test('one shape: unknown routes, bad JSON, bad path parameters', async () => {
    const unknown = await api.call('researcher', 'GET', '/api/v1/nothing-here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'Not Found', message: 'no route GET /api/v1/nothing-here' });
    const badJson = await api.request('/api/v1/subjects', {
      method: 'POST',
      headers: { authorization: 'Bearer token-admin', 'content-type': 'application/json' },
      body: '{"id": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error).toBe('Bad Request');
    const badDate = await api.call('admin', 'GET', '/api/v1/subjects/p1/nights/yesterday');
    expect(badDate.json()).toEqual({
      error: 'Bad Request',
      message: 'params.date: expected a date YYYY-MM-DD',
      issues: [{ field: 'params.date', message: 'expected a date YYYY-MM-DD' }],
    });
  });

  test('a role without access learns nothing of the input it would have sent', async () => {
    const res = await api.call('researcher', 'POST', '/api/v1/subjects', { nonsense: true });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toBe("this route is for admin; the token's role is researcher");
  });
});
