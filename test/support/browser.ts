// Debian's Chromium driven by playwright-core, headless, for the dashboard's browser tests and bench. Nothing may
// leave the machine: background networking, component updates, sync and QUIC are off, every request the pages make
// is recorded, and any that is not to the server under test is aborted (and shows in `foreignRequests`).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.RESTPOSE_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');

/** Launches Chromium with a fresh profile (playwright makes a new user-data-dir per launch and removes it). */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface DashboardPage {
  context: BrowserContext;
  page: Page;
  /** Requests to anywhere but the server under test (aborted). */
  foreignRequests: string[];
  /** Errors thrown in the page, and console errors other than the browser's note of a refused request. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openDashboard(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1280, height: 900 },
): Promise<DashboardPage> {
  // UTC and a fixed locale, so times and dates on screen can be compared with the API's.
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB', acceptDownloads: true });
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${baseUrl}/`) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // A 401 or 403 the app handles still makes Chromium log "Failed to load resource"; that is not an app error.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  await page.goto(`${baseUrl}/`);
  return { context, page, foreignRequests, pageErrors, close: () => context.close() };
}

/** Signs in on the sign-in form with a token and waits for the shell. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
