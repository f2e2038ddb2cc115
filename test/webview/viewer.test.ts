// The viewer webview in headless Chromium on real fixture traces: views,
// messages to the extension, keyboard use, theme screenshots, CSP.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { fixture, launch, openViewer, resultsDir, timelineDrawn, type LoadedTrace, type PageGlobals } from './page';
import { loadTrace } from './trace';

const activeText = (): string | null | undefined => (globalThis as unknown as PageGlobals).document.activeElement?.textContent;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('trace viewer webview', () => {
  let browser: Browser;
  let demo: LoadedTrace;

  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    [browser, demo] = await Promise.all([launch(), loadTrace(fixture('viewer', 'demo.trace'))]);
  });
  after(async () => { await browser?.close(); });

  test('handshake: ready first, then the overview of the real trace', async () => {
    const viewer = await openViewer(browser, demo);
    assert.equal(viewer.posted[0]?.type, 'ready');
    const overview = demo.status.summary!.overview;
    const facts = await viewer.page.locator('dl.facts').innerText();
    assert.match(facts, new RegExp(`Go version\\s+${overview.goVersion.replace('.', '\\.')}`));
    assert.match(facts, new RegExp(`Events\\s+${overview.events.toLocaleString('en-US')}`));
    assert.match(facts, new RegExp(`Goroutines\\s+${overview.goroutines.toLocaleString('en-US')}`));
    assert.ok(overview.gcCount > 0, 'the demo trace has GC cycles');
    assert.match(facts, new RegExp(`GC cycles\\s+${overview.gcCount}`));
    // The log table: 120 request logs from one call site.
    const logs = viewer.page.locator('table', { has: viewer.page.locator('caption', { hasText: 'trace.Log calls by category' }) });
    assert.match(await logs.innerText(), /request\s+120/);
    await viewer.page.screenshot({ path: join(resultsDir, 'viewer-overview-light.png') });
    assert.deepEqual(viewer.violations, []);
    await viewer.page.close();
  });

  test('tasks: percentiles by type, every instance listed, a task’s regions and logs, and reveal messages', async () => {
    const viewer = await openViewer(browser, demo, 'dark');
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Tasks' }).click();
    const types = page.locator('table', { has: page.locator('caption', { hasText: 'Tasks by type' }) });
    const row = types.locator('tbody tr', { hasText: 'handleRequest' });
    assert.match(await row.innerText(), /handleRequest\s+120\s/);
    // Activating a type lists only its instances.
    await row.click();
    assert.equal(await page.getByLabel('handleRequest').isChecked(), true);
    const all = demo.status.summary!.tasks.reduce((n, t) => n + t.count, 0);
    await page.locator('.task-counts', { hasText: `120 of ${all} tasks match` }).waitFor();
    await page.locator('.brush-histogram .bucket').first().waitFor();
    const first = page.locator('.task-spacer .task-row:not([hidden])').first();
    await first.locator('.task-cell').nth(1).getByText('handleRequest').waitFor();
    await first.click();
    const pane = page.locator('.task-detail-pane');
    const regions = pane.locator('table', { has: page.locator('caption', { hasText: /^Regions of task/ }) });
    await regions.waitFor();
    const regionText = await regions.innerText();
    for (const type of ['decode', 'query', 'encode']) assert.match(regionText, new RegExp(type));
    const logs = pane.locator('table', { has: page.locator('caption', { hasText: /^Logs of task/ }) });
    assert.match(await logs.innerText(), /request/, 'the task’s trace.Log record');
    // The task's NewTask call site posts a reveal of that line.
    await pane.getByRole('button', { name: /^main\.go:\d+$/ }).first().click();
    const reveal = viewer.posted.find((m) => m.type === 'reveal');
    assert.ok(reveal && reveal.type === 'reveal');
    assert.match(reveal.location.file, /viewer\/gen\/main\.go$/);
    assert.equal(reveal.annotation, true);
    assert.equal(reveal.location.line, 46, 'trace.NewTask is on line 46 of the generator');
    await page.screenshot({ path: join(resultsDir, 'viewer-tasks-dark.png'), fullPage: true });
    assert.deepEqual(viewer.violations, []);
    await page.close();
  });

  test('regions by type and by call site', async () => {
    const viewer = await openViewer(browser, demo);
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Regions' }).click();
    const bySite = page.locator('table', { has: page.locator('caption', { hasText: 'Regions by call site' }) });
    const text = await bySite.innerText();
    assert.match(text, /main\.go:\d+\s+decode\s+120/);
    assert.match(text, /main\.go:\d+\s+query\s+120/);
    await bySite.locator('tbody tr', { hasText: 'query' }).first().click();
    const reveal = viewer.posted.filter((m) => m.type === 'reveal').pop();
    assert.ok(reveal && reveal.type === 'reveal');
    assert.equal(reveal.location.line, 50, 'trace.StartRegion(ctx, "query") is on line 50');
    await page.close();
  });

  test('keyboard: arrows move between tabs and table rows, Enter activates', async () => {
    const viewer = await openViewer(browser, demo);
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(activeText), 'Tasks');
    assert.equal(await page.getByRole('tab', { name: 'Tasks' }).getAttribute('aria-selected'), 'true');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(activeText), 'Goroutines');
    const firstRow = page.locator('table.data tbody tr').first();
    await firstRow.focus();
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('data-key'));
    const second = await page.locator('table.data tbody tr').nth(1).getAttribute('data-key');
    assert.equal(focused, second);
    await page.keyboard.press('Enter');
    await page.locator('caption', { hasText: 'Goroutines starting in' }).waitFor();
    // Tables are real tables with column headers for screen readers.
    assert.ok(await page.locator('table.data thead th[scope=col]').count() >= 5);
    assert.ok(await page.locator('table.data caption').count() >= 2);
    await page.close();
  });

  test('timeline: lanes drawn from LOD slices, zoom and pan by keyboard, selection details', async () => {
    const viewer = await openViewer(browser, demo, 'dark');
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const canvas = page.locator('canvas.timeline-canvas');
    await page.waitForFunction(timelineDrawn);
    const statusLine = page.locator('.timeline-status');
    const wholeTrace = await statusLine.innerText();
    const timelineQueries = () => viewer.posted.filter((m) => m.type === 'query' && m.query.kind === 'timeline');
    const before = timelineQueries().length;
    await canvas.focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('ArrowRight');
    await until(() => timelineQueries().length > before, 'zooming asks for a new slice');
    const last = timelineQueries().pop();
    assert.ok(last && last.type === 'query' && last.query.kind === 'timeline');
    const first = timelineQueries()[0];
    assert.ok(first.type === 'query' && first.query.kind === 'timeline');
    assert.ok(last.query.query.resolutionNs < first.query.query.resolutionNs, 'a finer resolution after zooming in');
    const state = await viewer.state() as { timeline?: { startNs: number; endNs: number } };
    assert.ok(state.timeline && state.timeline.endNs > state.timeline.startNs, 'the window is saved with setState');
    const frame = Number(await canvas.getAttribute('data-last-frame-ms'));
    assert.ok(frame >= 0 && frame < 16, `a frame took ${frame} ms`);
    await page.keyboard.press('0');
    // The whole trace again, drawn from its own slice (not the zoomed one still on screen).
    await statusLine.getByText(wholeTrace.replace(/frame .*/, ''), { exact: false }).waitFor();
    // ] selects the first span of the top lane by keyboard; ] and [ walk that lane; the details follow.
    const details = page.locator('.timeline-details');
    const fact = async (term: string): Promise<string> => details.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').innerText();
    await page.keyboard.press(']');
    await details.locator('h2', { hasText: 'Selection' }).waitFor();
    const lane = await fact('Lane');
    assert.match(lane, /^P\d+$/, `the top lane under GC is a proc lane (${lane})`);
    const firstStart = await fact('Start');
    assert.match(await fact('Duration'), /\d/);
    await page.keyboard.press(']');
    await details.getByText(firstStart, { exact: true }).waitFor({ state: 'detached' });
    assert.equal(await fact('Lane'), lane, 'the next span of the same lane');
    await page.keyboard.press('[');
    await details.getByText(firstStart, { exact: true }).waitFor();
    assert.equal(await fact('Lane'), lane, 'and back');
    await page.screenshot({ path: join(resultsDir, 'viewer-timeline-dark.png') });
    await page.keyboard.press('Escape');
    await details.getByText('Nothing selected.').waitFor();
    // A click selects too: the first span of that proc lane lies at the left edge of the plot (after the
    // 160 px of lane labels), in the state row under the 18 px time axis and the GC lane (one 14 px row).
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + 161, box.y + 18 + 14 + 5);
    await details.getByText(firstStart, { exact: true }).waitFor();
    assert.equal(await fact('Lane'), lane);
    assert.deepEqual(viewer.violations, []);
    await page.close();
  });

  test('overview warns about a capture longer than the window and one that spans start-up', async () => {
    const viewer = await openViewer(browser, demo);
    const { page } = viewer;
    assert.equal(await page.locator('.warning', { hasText: 'capture window' }).count(), 0, 'the demo trace is shorter than 5 s');
    await viewer.send({ type: 'init', traceName: 'demo.trace', captureWindowSeconds: 0.001, status: demo.status });
    assert.match(await page.locator('.warning', { hasText: 'capture window' }).innerText(), /longer than the 1ms capture window/);
    const startup = demo.status.summary!.overview.spansStartup;
    assert.equal(await page.locator('.warning', { hasText: 'program start-up' }).count(), startup ? 1 : 0);
    const spansStartup = { ...demo.status, summary: { ...demo.status.summary!, overview: { ...demo.status.summary!.overview, spansStartup: true } } };
    await viewer.send({ type: 'status', status: spansStartup });
    await page.locator('.warning', { hasText: 'program start-up' }).waitFor();
    await page.close();
  });

  test('state survives a reload: the view and the selection come back', async () => {
    const viewer = await openViewer(browser, demo);
    await viewer.page.getByRole('tab', { name: 'Regions' }).click();
    await viewer.page.locator('table', { has: viewer.page.locator('caption', { hasText: 'Regions by type' }) }).locator('tbody tr', { hasText: 'encode' }).click();
    const saved = await viewer.state();
    await viewer.page.close();
    const restored = await openViewer(browser, demo, 'light', saved);
    assert.equal(await restored.page.getByRole('tab', { name: 'Regions' }).getAttribute('aria-selected'), 'true');
    await restored.page.locator('h2', { hasText: 'Region type “encode”' }).waitFor();
    await restored.page.close();
  });

  test('a corrupt trace shows its error in the panel', async () => {
    const viewer = await openViewer(browser, {
      ...demo,
      status: { traceId: 'bad', uri: 'file:///tmp/bad.trace', phase: 'error', progress: { bytesRead: 10, totalBytes: 10, generations: 0, events: 0 }, error: 'not a Go execution trace: bad header (at byte 0)' },
    });
    const alert = viewer.page.getByRole('alert');
    assert.match(await alert.innerText(), /could not be opened: not a Go execution trace: bad header/);
    await viewer.page.close();
  });

  test('while a trace streams in: progress, tables so far, and Stop loading posts cancel', async () => {
    const summary = demo.status.summary!;
    const loading = { ...demo, status: { ...demo.status, phase: 'loading' as const, progress: { bytesRead: 1000, totalBytes: 4000, generations: 1, events: 5000 } } };
    const viewer = await openViewer(browser, loading);
    const { page } = viewer;
    assert.equal(await page.locator('progress').getAttribute('value'), '1000');
    assert.match(await page.locator('.trace-header').innerText(), /25(\.0)?%\).*showing what is loaded so far/);
    assert.match(await page.locator('dl.facts').innerText(), new RegExp(`Events\\s+${summary.overview.events.toLocaleString('en-US')}`));
    await page.getByRole('button', { name: 'Stop loading' }).click();
    assert.deepEqual(viewer.posted.filter((m) => m.type === 'cancel'), [{ type: 'cancel' }]);
    await viewer.send({ type: 'status', status: { ...demo.status, phase: 'cancelled' } });
    await page.getByText('Loading was stopped').waitFor();
    assert.equal(await page.locator('progress').count(), 0);
    await page.close();
  });

  test('a CodeLens click focuses that call site’s instances', async () => {
    const viewer = await openViewer(browser, demo);
    const { page } = viewer;
    const site = demo.status.summary!.regions.find((r) => r.type === 'query')!.sites[0].site;
    await viewer.send({ type: 'focus', target: { traceUri: demo.status.uri, kind: 'region', type: 'query', site: { file: site.file, line: site.line } } });
    assert.equal(await page.getByRole('tab', { name: 'Regions' }).getAttribute('aria-selected'), 'true');
    await page.locator('h2', { hasText: 'Region type “query”' }).waitFor();
    await page.getByText(`Showing only instances from main.go:${site.line}`).waitFor();
    const query = viewer.posted.filter((m) => m.type === 'query').pop();
    assert.ok(query && query.type === 'query' && query.query.kind === 'instances');
    assert.deepEqual(query.query.query, { type: 'query', limit: 200, site: { file: site.file, line: site.line } });
    await page.locator('table', { has: page.locator('caption', { hasText: /^Regions “query” at main\.go/ }) }).waitFor();
    await page.close();
  });

  test('a CodeLens click on NewTask lists that call site’s tasks, until "Any call site"', async () => {
    const viewer = await openViewer(browser, demo);
    const { page } = viewer;
    const task = demo.status.summary!.tasks.find((t) => t.sites.length > 0)!;
    const site = task.sites[0].site;
    await viewer.send({ type: 'focus', target: { traceUri: demo.status.uri, kind: 'task', type: task.type, site: { file: site.file, line: site.line } } });
    assert.equal(await page.getByRole('tab', { name: 'Tasks' }).getAttribute('aria-selected'), 'true');
    const chip = page.locator('.task-site-filter');
    await chip.getByRole('button', { name: `main.go:${site.line}` }).waitFor();
    const lastList = () => viewer.posted.filter((m) => m.type === 'query' && m.query.kind === 'taskList').pop();
    const asked = lastList();
    assert.ok(asked && asked.type === 'query' && asked.query.kind === 'taskList');
    assert.deepEqual(asked.query.query.filter, { types: [task.type], site: { file: site.file, line: site.line } });
    await page.getByText(`${task.sites[0].count} of`).first().waitFor();
    await chip.getByRole('button', { name: 'Any call site' }).click();
    assert.equal(await chip.isHidden(), true);
    const after = lastList();
    assert.ok(after && after.type === 'query' && after.query.kind === 'taskList');
    assert.deepEqual(after.query.query.filter, { types: [task.type] });
    await page.close();
  });

  test('goroutines and blocking profiles, high-contrast theme', async () => {
    const viewer = await openViewer(browser, demo, 'high-contrast');
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Goroutines' }).click();
    const groups = page.locator('table', { has: page.locator('caption', { hasText: 'Goroutines by start function' }) });
    const demoGroup = groups.locator('tbody tr', { hasText: 'main.demo.func1' });
    assert.match(await demoGroup.innerText(), /main\.demo\.func1\s+120\s/);
    await demoGroup.click();
    // Every goroutine counted; beyond the listing cap the caption says how many are listed.
    const group = demo.status.summary!.goroutineGroups.find((g) => g.name === 'main.demo.func1')!;
    assert.equal(group.count, 120);
    const members = page.locator('table', { has: page.locator('caption', { hasText: 'goroutines starting in main.demo.func1' }) });
    assert.equal(await members.locator('caption').innerText(),
      '120 goroutines starting in main.demo.func1: the 100 with the most running time (the group\'s sums above count all 120)');
    assert.equal(await members.locator('tbody tr').count(), 100);
    // Sched wait is the runnable column; there is no "Blocked: sched" column that could only read 0.
    assert.deepEqual(await groups.locator('thead th').allInnerTexts().then((hs) => hs.filter((x) => /sched/i.test(x))), ['Runnable (sched wait)']);
    await page.screenshot({ path: join(resultsDir, 'viewer-goroutines-high-contrast.png') });
    await page.getByRole('tab', { name: 'Blocking' }).click();
    const sync = page.locator('table', { has: page.locator('caption', { hasText: 'Stacks blocked on sync' }) });
    await sync.waitFor();
    const handleRow = sync.locator('tbody tr', { hasText: 'main.handle' }).first();
    await handleRow.locator('th').click();
    const frames = page.locator('ol.frames button.link');
    assert.ok(await frames.count() > 1);
    await frames.filter({ hasText: 'main.handle' }).first().click();
    const reveal = viewer.posted.filter((m) => m.type === 'reveal').pop();
    assert.ok(reveal && reveal.type === 'reveal');
    assert.equal(reveal.annotation, false, 'a stack frame, not an annotation site');
    assert.equal(reveal.location.function, 'main.handle');
    await page.screenshot({ path: join(resultsDir, 'viewer-blocking-high-contrast.png') });
    assert.deepEqual(viewer.violations, []);
    await page.close();
  });
});
