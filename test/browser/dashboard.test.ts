// The dashboard in headless Chromium (Debian's, driven by playwright-core) against the real server: the embedded
// system on free loopback ports, its store seeded with a simulated cohort and engine-analysed nights
// (test/support/dashboard-seed.ts). Each test signs in as a role and checks what is shown against what the API
// answers; screenshots go to test-artifacts/screenshots/. The night view's render and pan timings are written to
// test-artifacts/dashboard-perf.json and printed (figures, not assertions). No request may leave the server.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  CHROMIUM,
  chromiumAvailable,
  type DashboardPage,
  launchChromium,
  openDashboard,
  screenshot,
  signIn,
} from '../support/browser.js';
import { DASHBOARD_COHORT, type DashboardSeed, SEED_USERS, seedDashboard } from '../support/dashboard-seed.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

const suite = chromiumAvailable ? describe : describe.skip;
if (!chromiumAvailable) {
  process.stdout.write(`dashboard browser tests skipped: ${CHROMIUM} is absent (bash .ci/run installs chromium)\n`);
}

/** A browser test's time limit: pages load a full night of 1-s epochs on a shared 2-core machine. */
const TIMEOUT = 120_000;

suite('the dashboard in Chromium against the real server', () => {
  let system: TestSystem;
  let seed: DashboardSeed;
  let browser: Browser;
  const pages: DashboardPage[] = [];

  beforeAll(async () => {
    system = await startTestSystem();
    seed = await seedDashboard(system.store);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** A fresh browser context (its own sessionStorage) on the dashboard, signed in when a token is given. */
  async function open(token?: string, viewport?: { width: number; height: number }): Promise<Page> {
    const d = await openDashboard(browser, system.apiUrl!, viewport);
    pages.push(d);
    if (token) await signIn(d.page, token);
    return d.page;
  }

  afterEach(async () => {
    for (const d of pages.splice(0)) {
      expect(d.foreignRequests).toEqual([]);
      expect(d.pageErrors).toEqual([]);
      await d.close();
    }
  });

  async function api<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await system.api(`/api/v1${path}`, init);
    expect(res.ok).toBe(true);
    return (await res.json()) as T;
  }

  const first = () => seed.subjects[0]!;
  /** Every text on the page, hidden text included (a name in a collapsed table would still be a leak). */
  const textOf = async (locator: Locator) => (await locator.textContent()) ?? '';
  const pageText = (page: Page) => textOf(page.locator('body'));
  const go = (page: Page, hash: string) => page.goto(`${system.apiUrl}/${hash}`);
  /** The night view's band, drawn. The subject page has a band too: wait for the night's own table first. */
  const bandRendered = async (page: Page) => {
    await page.getByTestId('position-table').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=posture-band] .uplot[data-rendered=true]').waitFor({ timeout: 30_000 });
  };

  test(
    'a wrong token is refused with a message; the admin sees every patient, flagged first',
    async () => {
      const page = await open();
      await screenshot(page, 'sign-in');
      await page.getByLabel('API token').fill('not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      expect(await textOf(page.getByRole('alert'))).toMatch(/not accepted/);

      await signIn(page, system.adminToken);
      const rows = page.getByTestId('patient-row');
      await rows.first().waitFor();
      const patients = await api<{ patients: Array<{ subject: { studyCode: string }; flags: unknown[] }> }>(
        '/patients',
      );
      expect(await rows.count()).toBe(patients.patients.length);
      expect(patients.patients.length).toBe(seed.subjects.length);
      // The API puts the red-flagged patient first; the table keeps its order and shows the flag.
      const flagged = seed.subjects[1]!;
      expect(patients.patients[0]!.subject.studyCode).toBe(flagged.studyCode);
      const firstRow = await textOf(rows.first());
      expect(firstRow).toContain(flagged.displayName);
      expect(firstRow).toContain('High');
      // The token lives in sessionStorage only.
      expect(await page.evaluate('sessionStorage.getItem("restpose.token")')).toBe(system.adminToken);
      expect(await page.evaluate('localStorage.length')).toBe(0);
      await screenshot(page, 'patients-admin');

      // The flagged patient's trends: the flag with its evidence as the API gives it.
      const { flags } = await api<{ flags: Array<{ evidence: Array<{ date: string; measure: string }> }> }>(
        `/subjects/${flagged.id}/flags`,
      );
      expect(flags.length).toBeGreaterThan(0);
      await go(page, `#/subjects/${flagged.id}/trends`);
      const flag = page.locator('article.flag').first();
      await flag.waitFor();
      expect(await textOf(flag)).toContain('Red flag');
      // The seed's red flag, in words; one evidence row per date the API gives.
      expect(await textOf(flag.locator('tbody'))).toContain('night pain that does not change with movement');
      const dates = await flag.locator('tbody time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
      expect(dates).toEqual(flags[0]!.evidence.map((e) => e.date));
      await page.locator('[data-testid=trend-scatter] canvas').waitFor();
      await screenshot(page, 'trends-flagged');
    },
    TIMEOUT,
  );

  test(
    'a clinician sees their own patients, opens one and its night: the band is drawn and the time per position is the API’s',
    async () => {
      const page = await open(SEED_USERS.clinician.token);
      await page.getByTestId('patient-row').first().waitFor();
      const text = await pageText(page);
      const mine = seed.subjects.filter((s) => s.clinicianId === SEED_USERS.clinician.id);
      const others = seed.subjects.filter((s) => s.clinicianId !== SEED_USERS.clinician.id);
      expect(await page.getByTestId('patient-row').count()).toBe(mine.length);
      for (const s of mine) expect(text).toContain(s.displayName);
      for (const s of others) expect(text).not.toContain(s.displayName);
      await screenshot(page, 'patients-clinician');

      const s = first();
      await page.getByRole('link', { name: `${s.displayName} (${s.studyCode})` }).click();
      await page.getByTestId('nights-table').waitFor();
      // The last 24 hours as the API gives them: the seeded night ends yesterday, so by the afternoon it has left the
      // window and the page must say so rather than draw a band.
      const recent = await api<{ epochs: unknown[] }>(`/subjects/${s.id}/epochs`);
      if (recent.epochs.length > 0) await page.getByTestId('posture-band').waitFor();
      else await page.getByText('No posture epochs in the last 24 hours.').waitFor();
      await screenshot(page, 'subject');

      // Nights are listed newest first: the first is the engine-analysed one.
      await page.getByTestId('nights-table').getByRole('link').first().click();
      await page.waitForURL(`**/#/subjects/${s.id}/nights/${s.analysedDate}`);
      await bandRendered(page);
      const night = await api<{
        epochs: unknown[];
        detail: { positions: Record<string, { minutes: number; share: number }> };
      }>(`/subjects/${s.id}/nights/${s.analysedDate}`);
      expect(night.epochs.length).toBeGreaterThan(20_000);
      const band = page.locator('[data-testid=posture-band] canvas');
      expect(await band.count()).toBe(1);
      const size = await band.boundingBox();
      expect(size!.width).toBeGreaterThan(300);
      expect(await pageText(page)).toContain(`${night.epochs.length.toLocaleString('en-GB')} epochs of 1 s`);
      const table = page.getByTestId('position-table');
      for (const [posture, p] of Object.entries(night.detail.positions)) {
        const cell = table.locator(`tr[data-posture=${posture}] td[data-minutes]`);
        expect(await cell.getAttribute('data-minutes')).toBe(p.minutes.toFixed(1));
        expect(await textOf(table.locator(`tr[data-posture=${posture}]`))).toContain(`${Math.round(p.share * 100)}%`);
      }
      await screenshot(page, 'night');
      await measureNight(page, night.epochs.length);
    },
    TIMEOUT,
  );

  /** Render time of the band and frame times while zooming and dragging it (written out, not asserted). */
  async function measureNight(page: Page, epochs: number): Promise<void> {
    const renderMs = (await page.evaluate("performance.getEntriesByName('posture-band').at(-1)?.duration ?? null")) as
      | number
      | null;
    const fetchMs = (await page.evaluate(
      "performance.getEntriesByType('resource').filter((r) => r.name.includes('/nights/')).at(-1)?.duration ?? null",
    )) as number | null;
    await page.evaluate(`(() => {
      window.__frames = []; window.__loaf = []; window.__recording = true;
      try {
        new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__loaf.push(e.duration); })
          .observe({ type: 'long-animation-frame' });
      } catch {}
      let last = performance.now();
      const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const box = (await page.locator('[data-testid=posture-band] .u-over').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await page.mouse.down();
    for (let i = 0; i < 40; i++) await page.mouse.move(box.x + box.width / 2 - i * 12, y);
    await page.mouse.up();
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 200);
    await page.evaluate('window.__recording = false');
    const frames = (await page.evaluate('window.__frames')) as number[];
    const loaf = (await page.evaluate('window.__loaf')) as number[];
    const sorted = [...frames].sort((a, b) => a - b);
    const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
    const figures = {
      epochs,
      fetchAndParseMs: fetchMs === null ? null : Math.round(fetchMs),
      bandRenderMs: renderMs === null ? null : Math.round(renderMs),
      pan: {
        frames: frames.length,
        frameMsMedian: at(0.5),
        frameMsP95: at(0.95),
        frameMsMax: at(1),
        longAnimationFrames: loaf.length,
        longestAnimationFrameMs: loaf.length ? Math.round(Math.max(...loaf)) : 0,
      },
    };
    writeFileSync(join(process.cwd(), 'test-artifacts', 'dashboard-perf.json'), `${JSON.stringify(figures)}\n`);
    process.stdout.write(`dashboard night view: ${JSON.stringify(figures)}\n`);
    expect(frames.length).toBeGreaterThan(0);
  }

  test(
    'the morning: the range-of-motion chart, the time to loosen the API gives, the report beside it',
    async () => {
      const s = first();
      const page = await open(SEED_USERS.clinician.token);
      await go(page, `#/subjects/${s.id}/nights/${s.analysedDate}`);
      await page.getByRole('link', { name: /The morning after/ }).click();
      await page.waitForURL(`**/#/subjects/${s.id}/mornings/${s.analysedDate}`);
      await page.locator('[data-testid=rom-chart] canvas').waitFor();
      const morning = await api<{ timeToLoosenMin: number | null; report: { severity: number; durationMin: number } }>(
        `/subjects/${s.id}/mornings/${s.analysedDate}`,
      );
      expect(morning.timeToLoosenMin).not.toBeNull();
      const loosen = page.getByTestId('time-to-loosen');
      expect(await loosen.getAttribute('data-value')).toBe(String(morning.timeToLoosenMin));
      expect(await textOf(loosen)).toMatch(new RegExp(`Loosened after ${morning.timeToLoosenMin}\\smin`));
      expect(await page.locator('[data-testid=direction-chart] canvas').count()).toBe(1);
      const report = await textOf(page.getByTestId('report'));
      expect(report).toMatch(new RegExp(`Stiffness severity \\(BASDAI 5\\)\\s*${morning.report.severity} / 10`));
      await screenshot(page, 'morning');
    },
    TIMEOUT,
  );

  test(
    'trends: a night metric against stiffness over weeks, the scatter with its fitted line and the API’s statistics',
    async () => {
      const s = first();
      const page = await open(SEED_USERS.clinician.token);
      await go(page, `#/subjects/${s.id}/trends`);
      await page.locator('[data-testid=trend-scatter] canvas').waitFor();
      expect(await page.locator('[data-testid=trend-timeline] canvas').count()).toBe(1);
      const trends = await api<{ link: { n: number; pearson: { status: string; r?: number } } }>(
        `/subjects/${s.id}/trends?metric=longest_immobile_bout_min&outcome=stiffness_duration_min&from=1970-01-01`,
      );
      const stats = page.getByTestId('link-stats');
      expect(await textOf(stats)).toContain(`${trends.link.n} nights with both values`);
      expect(trends.link.pearson.status).toBe('ok');
      expect(await textOf(stats.locator('tr', { hasText: 'Pearson r' }))).toContain(trends.link.pearson.r!.toFixed(2));
      await screenshot(page, 'trends');

      // Another metric: the choice is in the URL, and the statistics follow.
      await page.getByLabel('Night metric').selectOption('share_supine');
      await page.waitForURL(/metric=share_supine/);
      const supine = await api<{ link: { n: number } }>(
        `/subjects/${s.id}/trends?metric=share_supine&outcome=stiffness_duration_min&from=1970-01-01`,
      );
      await stats.getByText(`${supine.link.n} nights with both values`).waitFor();
      expect(await textOf(page.getByLabel('Night metric'))).toContain('share of time in bed lying supine');
    },
    TIMEOUT,
  );

  test(
    'keyboard only: from the patient list to a night, the previous night with ←, the shortcuts with ?',
    async () => {
      const page = await open(SEED_USERS.clinician.token);
      await page.getByTestId('patient-row').first().waitFor();
      const s = first();
      const focusOn = async (matches: (text: string, href: string) => boolean) => {
        for (let i = 0; i < 60; i++) {
          await page.keyboard.press('Tab');
          const [text, href] = (await page.evaluate(
            '[document.activeElement?.textContent ?? "", document.activeElement?.getAttribute("href") ?? ""]',
          )) as [string, string];
          if (matches(text, href)) return;
        }
        throw new Error('the element was not reached with Tab');
      };
      await focusOn((text) => text === `${s.displayName} (${s.studyCode})`);
      await page.keyboard.press('Enter');
      await page.getByTestId('nights-table').waitFor();
      await focusOn((_t, href) => href.includes(`/nights/${s.analysedDate}`));
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/nights/${s.analysedDate}`);
      await bandRendered(page);
      await screenshot(page, 'night-keyboard');

      // The band takes the focus; + zooms it, ← pans, 0 shows the whole night again (the same picture as before).
      const bandChart = page.getByTestId('posture-band');
      const isFocused = async () =>
        (await page.evaluate('document.activeElement?.getAttribute("data-testid")')) === 'posture-band';
      for (let i = 0; i < 30 && !(await isFocused()); i++) {
        await page.keyboard.press('Tab');
      }
      expect(await isFocused()).toBe(true);
      const whole = await bandChart.screenshot();
      await page.keyboard.press('+');
      await page.keyboard.press('ArrowLeft');
      await page.waitForTimeout(200);
      const zoomed = await bandChart.screenshot();
      expect(zoomed.equals(whole)).toBe(false);
      expect(page.url()).toContain(`/nights/${s.analysedDate}`); // ← panned the chart; it did not open the previous night
      await page.keyboard.press('0');
      await page.waitForTimeout(200);
      expect((await bandChart.screenshot()).equals(whole)).toBe(true);
      await page.keyboard.press('Shift+Tab'); // off the chart, so ← goes to the previous night

      const nights = await api<{ nights: Array<{ date: string }> }>(`/subjects/${s.id}/nights`);
      const previous = nights.nights
        .map((n) => n.date)
        .filter((d) => d < s.analysedDate)
        .at(-1)!;
      await page.getByRole('link', { name: /Previous night/ }).waitFor();
      await page.keyboard.press('ArrowLeft');
      await page.waitForURL(`**/nights/${previous}`);

      await page.keyboard.press('?');
      await page.locator('dialog[open]').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('dialog[open]').waitFor({ state: 'detached' });
    },
    TIMEOUT,
  );

  test(
    'a researcher sees the cohort links with q-values and study codes only, and downloads the export',
    async () => {
      const page = await open(SEED_USERS.researcher.token);
      expect(await textOf(page.getByRole('navigation', { name: 'Main' }))).not.toContain('Patients');
      await page.getByRole('link', { name: DASHBOARD_COHORT }).click();
      await page.getByTestId('links-table').waitFor({ timeout: 30_000 });
      const links = await api<{ rows: unknown[] }>(`/cohorts/${DASHBOARD_COHORT}/links`);
      expect(await page.getByTestId('link-row').count()).toBe(links.rows.length);
      const qs = await page.getByTestId('rmcorr-q').allTextContents();
      expect(qs.length).toBeGreaterThan(0);
      for (const q of qs) expect(q).toMatch(/^\d/);
      await screenshot(page, 'cohort-researcher');

      const forbidden = seed.subjects.flatMap((s) => [s.displayName, s.id]);
      const noIdentifiers = async () => {
        const text = await pageText(page);
        for (const word of forbidden) expect(text).not.toContain(word);
      };
      await noIdentifiers();

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: /Download CSV/ }).click(),
      ]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\n')[0]).toMatch(/^study_code,cohort,date,night_algorithm,/);
      for (const word of forbidden) expect(csv).not.toContain(word);
      expect(await textOf(page.getByRole('status'))).toContain('Downloaded nights-pilot');

      // A subject by study code, and its night: still no names or ids anywhere on the page.
      const s = first();
      await page.getByRole('link', { name: s.studyCode }).click();
      await page.getByTestId('nights-table').waitFor();
      await noIdentifiers();
      await page.getByTestId('nights-table').getByRole('link').first().click();
      await bandRendered(page);
      expect(page.url()).toContain(`#/subjects/${s.studyCode}/nights/${s.analysedDate}`);
      await noIdentifiers();
      await screenshot(page, 'night-researcher');
    },
    TIMEOUT,
  );

  test(
    'tablet screens: patients and a night fit 768x1024 and 1024x768 without sideways scrolling',
    async () => {
      const s = first();
      for (const viewport of [
        { width: 768, height: 1024 },
        { width: 1024, height: 768 },
      ]) {
        const page = await open(system.adminToken, viewport);
        const name = `${viewport.width}x${viewport.height}`;
        await page.getByTestId('patient-row').first().waitFor();
        expect(await page.evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
        await screenshot(page, `patients-${name}`);
        await go(page, `#/subjects/${s.id}/nights/${s.analysedDate}`);
        await bandRendered(page);
        expect(await page.evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
        await screenshot(page, `night-${name}`);
      }
    },
    TIMEOUT,
  );

  test(
    'provisioning sees devices only; pages of other roles say so',
    async () => {
      await api('/devices', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'belt-07' }),
      });
      const page = await open(SEED_USERS.provisioning.token);
      await page
        .getByRole('cell', { name: 'belt-07' })
        .or(page.getByRole('rowheader', { name: 'belt-07' }))
        .waitFor();
      const nav = await textOf(page.getByRole('navigation', { name: 'Main' }));
      expect(nav).toContain('Devices');
      expect(nav).not.toContain('Patients');
      expect(nav).not.toContain('Cohorts');
      await screenshot(page, 'devices-provisioning');
      await go(page, '#/patients');
      expect(await textOf(page.getByRole('alert'))).toContain('not available to the provisioning role');
    },
    TIMEOUT,
  );

  test(
    'sign-out clears the token; a token refused later returns to sign-in with a message',
    async () => {
      const page = await open(system.adminToken);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API token').waitFor();
      expect(await page.evaluate('sessionStorage.getItem("restpose.token")')).toBeNull();

      await signIn(page, SEED_USERS.otherClinician.token);
      await page.getByTestId('patient-row').first().waitFor();
      // The administrator disables the user while they are signed in; their next request is refused.
      await api(`/users/${SEED_USERS.otherClinician.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ disabled: true }),
      });
      await page.getByTestId('patient-row').first().getByRole('link').click();
      await page.getByLabel('API token').waitFor();
      expect(await textOf(page.getByRole('alert').first())).toMatch(
        /signed out: the bearer token is unknown or revoked/,
      );
      expect(await page.evaluate('sessionStorage.getItem("restpose.token")')).toBeNull();
      await screenshot(page, 'signed-out');
    },
    TIMEOUT,
  );
});
