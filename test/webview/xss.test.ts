// Every string in a trace is untrusted: a trace whose task, region and log
// names are HTML and script must show them as text and run nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { fixture, launch, openViewer, resultsDir, timelineDrawn, type LoadedTrace, type PageGlobals } from './page';
import { loadTrace } from './trace';

const HOSTILE = [`<img src=x onerror="window.__xss=1">`, `<script>window.__xss=2</script>`, `"quoted" & 'single' </td></tr>`];

let browser: Browser;
let hostile: LoadedTrace;
before(async () => { [browser, hostile] = await Promise.all([launch(), loadTrace(fixture('viewer', 'hostile.trace'))]); });
after(async () => { await browser?.close(); });

test('hostile task, region and log names render as literal text and execute nothing', async () => {
  // The fixture really carries the hostile strings (read by our reader).
  const summary = hostile.status.summary!;
  assert.deepEqual(summary.tasks.map((t) => t.type).sort(), [...HOSTILE].sort());
  assert.deepEqual(summary.regions.map((r) => r.type).sort(), [...HOSTILE].sort());

  const viewer = await openViewer(browser, hostile);
  const { page } = viewer;
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));

  const logTable = page.locator('table', { has: page.locator('caption', { hasText: 'trace.Log calls by category' }) });
  for (const name of HOSTILE) await logTable.getByText(name, { exact: true }).waitFor();
  await logTable.locator('tbody tr').first().click();

  await page.getByRole('tab', { name: 'Tasks' }).click();
  const tasks = page.locator('table', { has: page.locator('caption', { hasText: 'Tasks by type' }) });
  for (const name of HOSTILE) assert.equal(await tasks.getByText(name, { exact: true }).count(), 1, name);
  for (const name of HOSTILE) assert.equal(await page.locator('.task-types label', { hasText: name }).count(), 1, name);
  // Every instance's row and the first one's detail pane.
  for (const name of HOSTILE) await page.locator('.task-spacer .task-cell', { hasText: name }).first().waitFor();
  await page.locator('.task-spacer .task-row:not([hidden])').first().click();
  await page.locator('caption', { hasText: /^Regions of task/ }).waitFor();
  assert.ok(HOSTILE.includes((await page.locator('.task-detail-pane h2').innerText()).replace(/^Task \d+ “(.*)”.*$/s, '$1')));

  await page.getByRole('tab', { name: 'Regions' }).click();
  const regions = page.locator('table', { has: page.locator('caption', { hasText: 'Regions by type' }) });
  for (const name of HOSTILE) assert.equal(await regions.getByText(name, { exact: true }).count(), 1, name);
  await page.screenshot({ path: join(resultsDir, 'viewer-hostile-names.png'), fullPage: true });

  await page.getByRole('tab', { name: 'Timeline' }).click();
  await page.waitForFunction(timelineDrawn);

  // Nothing ran, nothing was parsed into elements, nothing was fetched.
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss), undefined);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script').count(), 1, 'only the nonce-bearing bundle');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(requests.filter((u) => !/\/(dist\/webview\.js|media\/viewer\.css)$/.test(u)), []);
  assert.deepEqual(viewer.violations, []);
  await page.close();
});
