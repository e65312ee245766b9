// The browser for the UI tests: Debian's Chromium driven by playwright-core, a fresh context per
// test, and signing in through the login form.
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD } from './server.mjs';

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A fresh context (own cookies and storage) and page. problems() lists console errors and warnings,
// uncaught exceptions and CSP violations seen so far, less those expect matches (expect:
// /status of 4\d\d/ for the HTTP statuses a test provokes); requests holds the API requests made.
export async function openPage(browser, { locale = 'zh-CN', viewport = { width: 1280, height: 900 }, serviceWorkers = 'block' } = {}) {
  const context = await browser.newContext({ locale, viewport, serviceWorkers });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const seen = [];
  const requests = [];
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && !/Service Worker registration blocked/.test(m.text())) seen.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (r.url().includes('/api/')) requests.push(r); });
  const problems = async (expect = null) => {
    const csp = await page.evaluate(() => window.__csp || []).catch(() => []);
    return [...seen, ...csp.map((c) => `csp: ${c}`)].filter((p) => !(expect && expect.test(p)));
  };
  return { context, page, problems, requests };
}

// Fills and sends the login form on the page as it stands.
export async function fillLogin(page, who, password = DEMO_PASSWORD) {
  await page.locator('.login-form input[name=login]').fill(who);
  await page.locator('.login-form input[name=password]').fill(password);
  await page.locator('.login-form button[type=submit]').click();
}

// Signs in at base's login page and waits for the first page (customers start at the search,
// workers at their jobs, everyone else at their workspace).
export async function signInAt(base, page, who, password = DEMO_PASSWORD) {
  await page.goto(`${base}/#/login`);
  await fillLogin(page, who, password);
  await page.locator('.page-home, .page-search, .page-jobs').first().waitFor();
}
