import { launch, openPage, signInAt } from './lib/browser.mjs';
const base = 'http://127.0.0.1:8190';
const b = await launch();
for (const locale of ['zh-CN', 'en-US']) {
  const { page, problems } = await openPage(b, { locale });
  await signInAt(base, page, 'company1');
  await page.goto(`${base}/#/dispatch?view=week`);
  await page.locator('.week-grid, .state-empty').first().waitFor();
  await page.screenshot({ path: `/tmp/week-${locale}.png` });
  await page.goto(`${base}/#/dispatch?view=unassigned`);
  await page.locator('.unassigned-list .dispatch-row, .unassigned-list .state-empty').first().waitFor();
  await page.screenshot({ path: `/tmp/unassigned-${locale}.png` });
  await page.goto(`${base}/#/dispatch`);
  await page.locator('.dispatch-counts').filter({ hasText: /\d/ }).waitFor();
  console.log(locale, await page.locator('.dispatch-counts').first().innerText());
  console.log(await problems());
}
await b.close();
