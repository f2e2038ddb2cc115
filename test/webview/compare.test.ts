// The comparison view (dist/compareView.js) in headless Chromium, on the comparison of the fixture
// pair (test/fixtures/traces/compare/): handshake, the table and its sorting, overlaid histograms,
// focus from a CodeLens, reveal messages, names from the trace as text, CSP. test-results/compare-view.png
// is the README's docs/images/compare-view.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { FromCompareView, ToCompareView, ComparisonState } from '../../client/src/webview/compareMessages';
import type { TraceComparison } from '../../common/traceComparison';
import { compareTraces } from '../../server/src/trace/compare/compare';
import { readTraceSamples } from '../../server/src/trace/compare/samples';
import { fixture, launch, openWebview, resultsDir, type PageGlobals, type Theme } from './page';

function openComparison(browser: Browser, state: ComparisonState, theme: Theme = 'light', savedState?: unknown) {
  return openWebview<FromCompareView, ToCompareView>(browser, 'compareView.js', async (message, send) => {
    if (message.type === 'ready') await send({ type: 'init', state });
  }, theme, savedState);
}

describe('comparison view webview', () => {
  let browser: Browser;
  let comparison: TraceComparison;
  const done = (): ComparisonState => ({ oldName: 'before.trace', newName: 'after.trace', phase: 'done', comparison });

  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const [b, old, cur] = await Promise.all([launch(), readTraceSamples(fixture('traces', 'compare', 'before.trace')), readTraceSamples(fixture('traces', 'compare', 'after.trace'))]);
    browser = b;
    comparison = compareTraces('before.trace', old, 'after.trace', cur);
  });
  after(async () => { await browser?.close(); });

  test('ready, then init: the slower region first, "~" for the unchanged, removed and added; overlaid histograms', async () => {
    const view = await openComparison(browser, done());
    const { page } = view;
    assert.equal(view.posted[0]?.type, 'ready');
    const table = page.locator('table', { has: page.locator('caption', { hasText: 'Tasks and regions' }) });
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), comparison.tasks.length + comparison.regions.length);
    // Sorted by change: slower first (db.query and the request task), unchanged last.
    const order = await rows.locator('th').allInnerTexts();
    assert.deepEqual(new Set(order.slice(0, 2)), new Set(['db.query', 'request']));
    assert.equal(order[order.length - 1], 'cache.get');
    const db = rows.filter({ hasText: 'db.query' });
    assert.match(await db.innerText(), /slower[\s\S]*\+\d+\.\d%[\s\S]*0\.000/);
    const cache = rows.filter({ hasText: 'cache.get' });
    assert.match(await cache.innerText(), /~\s[\s\S]*~[\s\S]*~/);
    assert.match(await rows.filter({ hasText: 'legacy.check' }).innerText(), /removed/);
    assert.match(await rows.filter({ hasText: 'audit.write' }).innerText(), /added/);
    // Both histograms in one figure per row: old and new bars in the same buckets.
    assert.ok(await db.locator('.overlay .bar.old').count() > 0);
    assert.ok(await db.locator(".overlay .bar.new").count() > 0);
    const logs = page.locator('table', { has: page.locator('caption', { hasText: 'Logs by category' }) });
    assert.match(await logs.innerText(), /retry\s+30\s+15\s+−50\.0%/);
    assert.deepEqual(view.violations, []);
    await page.close();
  });

  test('sorting by a column header, and selecting a row shows the test, the big histogram and reveal links', async () => {
    const view = await openComparison(browser, done(), 'dark');
    const { page } = view;
    const table = page.locator('table', { has: page.locator('caption', { hasText: 'Tasks and regions' }) });
    await table.getByRole('button', { name: /^type( [▾▴])?$/ }).click();
    const header = table.locator('th', { hasText: /^type/ });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await table.locator('tbody tr th').allInnerTexts(), ['request', 'legacy.check', 'db.query', 'cache.get', 'audit.write']);
    await table.getByRole('button', { name: /^type( [▾▴])?$/ }).click();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    await table.locator('tbody tr', { hasText: 'db.query' }).click();
    const detail = page.locator('section.compare-detail');
    await detail.waitFor();
    assert.match(await detail.innerText(), /Region “db\.query”[\s\S]*Mann–Whitney U test: p = \d\.\de-\d+ \(normal approximation, n = 300 \+ 300\): the durations changed \(slower\)/);
    assert.ok(await detail.locator('figure.overlay:not(.compact) .bucket').count() > 1);
    await detail.getByRole('button', { name: /main\.go:\d+/ }).click();
    for (let wait = 0; wait < 100 && !view.posted.some((m) => m.type === 'reveal'); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    const reveal = view.posted.find((m) => m.type === 'reveal');
    assert.ok(reveal && reveal.type === 'reveal' && reveal.location.file.endsWith('compare/main.go'));
    assert.deepEqual(await view.state(), { selected: 'region:db.query' });
    await page.screenshot({ path: join(resultsDir, 'compare-view-dark.png'), fullPage: true });
    await page.close();
  });

  test('a comparison CodeLens focuses its type; loading and error states', async () => {
    const view = await openComparison(browser, { oldName: 'before.trace', newName: 'after.trace', phase: 'loading' });
    const { page } = view;
    assert.match(await page.locator('header').innerText(), /before\.trace → after\.trace\s+Reading both traces/);
    await view.send({ type: 'update', state: done() });
    await view.send({ type: 'focus', kind: 'region', name: 'cache.get' });
    await page.locator('tr.selected', { hasText: 'cache.get' }).waitFor();
    assert.match(await page.locator('section.compare-detail').innerText(), /no significant change at α = 0\.05/);
    await view.send({ type: 'focus', kind: 'region', name: 'db.query' });
    await page.locator('section.compare-detail', { hasText: 'db.query' }).waitFor();
    await page.setViewportSize({ width: 1100, height: 560 });
    await page.screenshot({ path: join(resultsDir, 'compare-view.png') });
    await view.send({ type: 'update', state: { oldName: 'a', newName: 'b', phase: 'error', error: 'b: not a Go execution trace' } });
    assert.match(await page.getByRole('alert').innerText(), /could not be compared: b: not a Go execution trace/);
    await page.close();
  });

  test('names from the traces are text, never markup', async () => {
    const hostile = '<img src=x onerror="window.__xss=1">';
    const renamed: TraceComparison = { ...comparison, regions: comparison.regions.map((r, i) => (i === 0 ? { ...r, type: hostile } : r)), logs: [{ ...comparison.logs[0], category: hostile }] };
    const view = await openComparison(browser, { oldName: hostile, newName: 'after.trace', phase: 'done', comparison: renamed });
    const { page } = view;
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss), undefined);
    assert.ok(await page.getByText(hostile, { exact: true }).first().isVisible());
    assert.deepEqual(view.violations, []);
    await page.close();
  });
});
