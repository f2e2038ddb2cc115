// The Tasks view in headless Chromium. Over 200,000 made-up task instances (test/webview/syntheticTasks.ts;
// every other query answered by the real worker code on the demo fixture): the list virtualises,
// sorts by its headers, filters round-trip and survive a reload, the histogram brush picks a
// range, a selected instance shows its breakdown, critical path, regions and logs with source
// links, "Show in timeline" draws the task lane, and hostile strings stay text. Then on the whyslow
// program's trace with the trace worker's own answers (TaskStore, explainTask).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BREAKDOWN_COMPONENTS, COMPONENT_LABELS } from '../../common/requestModel';
import type { TaskExplanation, TaskListPage, TaskListQuery } from '../../common/taskModel';
import type { TaskViewState } from '../../client/src/webview/messages';
import { describeSegment, formatDuration } from '../../client/src/webview/format';
import { fixture, launch, openViewer, resultsDir, timelineDrawn, type LoadedTrace, type PageGlobals, type Viewer } from './page';
import { BOUNDS_NS, HOSTILE_LOG, HOSTILE_TYPE, SITE_FILE, SyntheticTasks } from './syntheticTasks';
import { loadTrace } from './trace';

const TASKS = 200_000;

/** The taskList queries the page posted, latest last. */
const listQueries = (viewer: Viewer): TaskListQuery[] =>
  viewer.posted.flatMap((m) => (m.type === 'query' && m.query.kind === 'taskList' ? [m.query.query] : []));

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the tests read of a row element (this Node program is compiled without the DOM library). */
interface RowElement { getAttribute(name: string): string | null; getBoundingClientRect(): { top: number }; children: ArrayLike<{ textContent: string | null }> }

/** The rows drawn (not hidden), as their cells' text, in screen order. */
async function shownRows(page: Page): Promise<{ index: number; cells: string[] }[]> {
  const rows = await page.locator('.task-spacer .task-row:not([hidden])').evaluateAll((elements) => (elements as unknown as RowElement[]).map((e) => ({
    index: Number(e.getAttribute('aria-rowindex')) - 2,
    y: e.getBoundingClientRect().top,
    cells: Array.from(e.children, (c) => c.textContent ?? ''),
  })));
  return rows.sort((a, b) => a.y - b.y).map(({ index, cells }) => ({ index, cells }));
}

async function openTasks(browser: Browser, trace: LoadedTrace, savedState?: unknown): Promise<Viewer> {
  const viewer = await openViewer(browser, trace, 'light', savedState);
  if (!savedState) await viewer.page.getByRole('tab', { name: 'Tasks' }).click();
  await viewer.page.locator('.task-counts', { hasText: 'tasks' }).waitFor();
  return viewer;
}

describe('Tasks view', () => {
  let browser: Browser;
  let demo: LoadedTrace;
  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    [browser, demo] = await Promise.all([launch(), loadTrace(fixture('viewer', 'demo.trace'))]);
  });
  after(async () => { await browser?.close(); });

  test('200,000 instances: only the visible rows are in the DOM, pages are fetched as it scrolls, frames stay short', async (t) => {
    const synthetic = new SyntheticTasks(TASKS, demo.status.summary!.overview.startNs);
    const viewer = await openTasks(browser, synthetic.over(demo));
    const { page } = viewer;
    assert.match(await page.locator('.task-counts').innerText(), /^200,000 tasks, slowest first\./);
    const expected = synthetic.list({ filter: {}, offset: 0, limit: 3 }).rows;
    await until(async () => (await shownRows(page))[0]?.cells[0] === String(expected[0].id), 'the slowest task on top');
    const top = await shownRows(page);
    assert.deepEqual(top.slice(0, 3).map((r) => r.cells[0]), expected.map((r) => String(r.id)));
    assert.ok(top.length < 60, `${top.length} rows in the DOM`);
    assert.equal(await page.locator('.task-grid').getAttribute('aria-rowcount'), String(TASKS + 1));

    // Jump to the middle: the rows there come from a page fetched at that offset.
    await page.locator('.task-viewport').evaluate((e) => { e.scrollTop = e.scrollHeight / 2; });
    await until(async () => (await shownRows(page)).some((r) => r.index > 90_000 && r.cells[1] !== ''), 'rows in the middle');
    const middle = (await shownRows(page)).filter((r) => r.cells[1] !== '');
    const page100k = synthetic.list({ filter: {}, offset: middle[0].index, limit: 1 }).rows[0];
    assert.equal(middle[0].cells[0], String(page100k.id), 'the row shown at an index is the answer at that offset');
    assert.ok(listQueries(viewer).some((q) => q.offset > 90_000 && q.limit <= 200), 'a page near the middle was asked for');
    assert.ok(listQueries(viewer).length < 20, `${listQueries(viewer).length} pages fetched`);

    // Wheel-scroll 120 steps; each frame redraws only the pooled rows. The numbers go to the test output.
    await page.locator('.task-viewport').hover();
    const frames: number[] = [];
    for (let i = 0; i < 120; i++) {
      await page.mouse.wheel(0, 240);
      // Two animation frames: the list has drawn what the wheel asked for.
      await page.evaluate(() => new Promise((resolve) => {
        const w = globalThis as unknown as { requestAnimationFrame(f: () => void): void };
        w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve(undefined)));
      }));
      frames.push(Number(await page.locator('.task-grid').getAttribute('data-last-frame-ms')));
    }
    frames.sort((a, b) => a - b);
    const p50 = frames[Math.floor(frames.length / 2)];
    const max = frames[frames.length - 1];
    t.diagnostic(`row frames while wheel-scrolling 200,000 tasks: p50 ${p50.toFixed(2)} ms, p95 ${frames[Math.floor(frames.length * 0.95)].toFixed(2)} ms, max ${max.toFixed(2)} ms`);
    // The script of a frame is a pool of rows whatever the total; the median says so on a loaded machine (the benchmark has the tail).
    assert.ok(p50 < 16, `the median frame took ${p50} ms`);
    assert.ok(Number(await page.locator('.task-grid').getAttribute('data-rows-in-dom')) < 60);
    assert.ok(await page.locator('.task-spacer .task-row').count() < 80, 'the row pool stays bounded');

    // End: the last row is the last instance (unended ones come last when slowest first).
    await page.locator('.task-grid').focus();
    await page.keyboard.press('End');
    const last = synthetic.list({ filter: {}, offset: TASKS - 1, limit: 1 }).rows[0];
    await until(async () => (await shownRows(page)).some((r) => r.index === TASKS - 1 && r.cells[0] === String(last.id)), 'the last row');
    assert.equal((await shownRows(page)).find((r) => r.index === TASKS - 1)?.cells[3], 'unended');
    assert.deepEqual(viewer.violations, []);
    await page.close();
  });

  test('sorting by a column header asks the worker for that order', async () => {
    const synthetic = new SyntheticTasks(5_000, demo.status.summary!.overview.startNs);
    const viewer = await openTasks(browser, synthetic.over(demo));
    const { page } = viewer;
    const startHeader = page.locator('.task-header').getByRole('button', { name: 'Start' });
    await startHeader.click();
    await until(() => listQueries(viewer).at(-1)?.sort?.key === 'start', 'a query sorted by start');
    assert.deepEqual(listQueries(viewer).at(-1)?.sort, { key: 'start', descending: false });
    await until(async () => (await shownRows(page))[0]?.cells[0] === '1', 'the earliest task first');
    assert.equal(await page.locator('[role=columnheader][aria-sort=ascending]').innerText(), 'Start ▴');
    await startHeader.click();
    await until(() => listQueries(viewer).at(-1)?.sort?.descending === true, 'descending on a second click');
    await until(async () => (await shownRows(page))[0]?.cells[0] === '5000', 'the latest task first');
    assert.deepEqual((await viewer.state() as { tasks: TaskViewState }).tasks.sort, { key: 'start', descending: true });
    await page.close();
  });

  test('filters: types, log key=value, ended, slowest N; the count; saved and restored on reload', async () => {
    const synthetic = new SyntheticTasks(20_000, demo.status.summary!.overview.startNs);
    const trace = synthetic.over(demo);
    const viewer = await openTasks(browser, trace);
    const { page } = viewer;
    await page.getByLabel('db.batch').check();
    await until(() => listQueries(viewer).at(-1)?.filter.types?.[0] === 'db.batch', 'the type filter');
    await page.locator('.task-counts', { hasText: '5,000 of 20,000 tasks match' }).waitFor();
    await page.getByRole('searchbox', { name: 'Log' }).fill('orderID=41');
    await page.keyboard.press('Enter');
    await until(() => listQueries(viewer).at(-1)?.filter.log?.message === '41', 'the log filter');
    assert.deepEqual(listQueries(viewer).at(-1)?.filter, { types: ['db.batch'], log: { category: 'orderID', message: '41' } });
    const matching = synthetic.tasks.filter((x) => x.type === 'db.batch' && x.orderID === '41').length;
    await page.locator('.task-counts', { hasText: `${matching} of 20,000 tasks match` }).waitFor();
    await page.getByLabel('State').selectOption('ended');
    await page.getByRole('spinbutton', { name: 'Slowest per type' }).fill('3');
    await page.keyboard.press('Tab');
    await until(() => listQueries(viewer).at(-1)?.slowestPerType === 3, 'slowest N');
    const lastQuery = listQueries(viewer).at(-1)!;
    assert.deepEqual(lastQuery.filter, { types: ['db.batch'], log: { category: 'orderID', message: '41' }, state: 'ended' });
    await page.locator('.task-counts', { hasText: `${Math.min(3, matching)} of 20,000 tasks match` }).waitFor();
    const saved = await viewer.state() as { tasks: TaskViewState };
    assert.deepEqual(saved.tasks.filter, lastQuery.filter);
    assert.equal(saved.tasks.slowestPerType, 3);
    await page.close();

    // Reload: the view, the controls and the first query come back as they were.
    const restored = await openTasks(browser, trace, saved);
    const again = restored.page;
    assert.equal(await again.getByRole('tab', { name: 'Tasks' }).getAttribute('aria-selected'), 'true');
    assert.equal(await again.getByLabel('db.batch').isChecked(), true);
    assert.equal(await again.getByLabel('http.request').isChecked(), false);
    assert.equal(await again.getByRole('searchbox', { name: 'Log' }).inputValue(), 'orderID=41');
    assert.equal(await again.getByLabel('State').inputValue(), 'ended');
    assert.equal(await again.getByRole('spinbutton', { name: 'Slowest per type' }).inputValue(), '3');
    assert.deepEqual(listQueries(restored)[0].filter, lastQuery.filter);
    assert.equal(listQueries(restored)[0].slowestPerType, 3);
    await again.getByRole('button', { name: 'Clear filters' }).click();
    await until(() => JSON.stringify(listQueries(restored).at(-1)?.filter) === '{}' && listQueries(restored).at(-1)?.slowestPerType === undefined, 'cleared');
    await again.locator('.task-counts', { hasText: /^20,000 tasks/ }).waitFor();
    await again.close();
  });

  test('the scroll position and the selected instance come back after a reload', async () => {
    const synthetic = new SyntheticTasks(20_000, demo.status.summary!.overview.startNs);
    const trace = synthetic.over(demo);
    const viewer = await openTasks(browser, trace);
    const { page } = viewer;
    await page.locator('.task-viewport').evaluate((e) => { e.scrollTop = 5000 * 22; });
    await until(async () => (await shownRows(page)).some((r) => r.index >= 5000 && r.cells[1] !== ''), 'rows near 5,000');
    const target = (await shownRows(page)).find((r) => r.index >= 5002 && r.cells[1] !== '')!;
    await page.locator(`.task-spacer .task-row[aria-rowindex="${target.index + 2}"]`).click();
    await page.locator('.task-detail-pane h2', { hasText: `Task ${target.cells[0]} ` }).waitFor();
    await until(async () => ((await viewer.state() as { tasks: TaskViewState }).tasks.firstRow ?? 0) >= 4990, 'the first row saved once scrolling pauses');
    const saved = await viewer.state() as { tasks: TaskViewState };
    assert.equal(saved.tasks.selectedId, Number(target.cells[0]));
    // Another tab and back: the list is where it was (its element was out of the document meanwhile).
    await page.getByRole('tab', { name: 'Regions' }).click();
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await until(async () => (await shownRows(page)).some((r) => r.index === target.index && r.cells[0] === target.cells[0]), 'the same rows after switching tabs');
    const viewportBox = (await page.locator('.task-viewport').boundingBox())!;
    const rowBox = (await page.locator(`.task-spacer .task-row[aria-rowindex="${target.index + 2}"]`).boundingBox())!;
    assert.ok(rowBox.y >= viewportBox.y && rowBox.y + rowBox.height <= viewportBox.y + viewportBox.height, `the row is inside the viewport (${rowBox.y} in ${viewportBox.y}+${viewportBox.height})`);
    await page.close();
    const restored = await openTasks(browser, trace, saved);
    await restored.page.locator('.task-detail-pane h2', { hasText: `Task ${target.cells[0]} ` }).waitFor();
    await until(async () => (await shownRows(restored.page)).some((r) => r.index === target.index && r.cells[0] === target.cells[0]), 'the same rows on screen');
    assert.equal(await restored.page.locator(`.task-spacer .task-row[aria-rowindex="${target.index + 2}"]`).getAttribute('aria-selected'), 'true');
    await restored.page.close();
  });

  test('brushing the histogram keeps a duration range; the bars keep the whole distribution', async () => {
    const synthetic = new SyntheticTasks(20_000, demo.status.summary!.overview.startNs);
    const viewer = await openTasks(browser, synthetic.over(demo));
    const { page } = viewer;
    const bars = page.locator('.brush-histogram .bars');
    const box = (await bars.boundingBox())!;
    const n = BOUNDS_NS.length - 1;
    const bucketX = (i: number): number => box.x + ((i + 0.5) * box.width) / n;
    const before = await bars.locator('.bar').evaluateAll((e) => e.map((b) => (b as unknown as { style: { height: string } }).style.height));
    // Drag from bucket 8 (256 µs) to bucket 10 (up to 2.048 ms).
    await page.mouse.move(bucketX(8), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(bucketX(9), box.y + box.height / 2);
    await page.mouse.move(bucketX(10), box.y + box.height / 2);
    await page.mouse.up();
    await until(() => listQueries(viewer).at(-1)?.filter.minDurationNs !== undefined, 'a range query');
    const { filter } = listQueries(viewer).at(-1)!;
    assert.equal(filter.minDurationNs, BOUNDS_NS[8]);
    assert.equal(filter.maxDurationNs, BOUNDS_NS[11] - 1);
    const inRange = synthetic.tasks.filter((x) => x.durationNs !== undefined && x.durationNs >= BOUNDS_NS[8] && x.durationNs < BOUNDS_NS[11]).length;
    await page.locator('.task-counts', { hasText: `${inRange.toLocaleString('en-US')} of 20,000 tasks match` }).waitFor();
    await page.locator('figcaption', { hasText: 'range: 256µs – 2.05ms' }).or(page.locator('figcaption', { hasText: /range: 256/ })).first().waitFor();
    assert.equal(await bars.locator('.bucket.in-range').count(), 3);
    const after = await bars.locator('.bar').evaluateAll((e) => e.map((b) => (b as unknown as { style: { height: string } }).style.height));
    assert.deepEqual(after, before, 'the histogram shows the distribution without the range');
    for (const row of (await shownRows(page)).filter((r) => r.cells[1] !== '')) {
      const task = synthetic.tasks[Number(row.cells[0]) - 1];
      assert.ok(task.durationNs! >= BOUNDS_NS[8] && task.durationNs! < BOUNDS_NS[11], `task ${task.id} is in the range`);
    }
    await page.screenshot({ path: join(resultsDir, 'tasks-brush.png') });
    // Keyboard: Escape clears, Shift+→ from the first bucket keeps buckets 0–1.
    await bars.focus();
    await page.keyboard.press('Escape');
    await until(() => listQueries(viewer).at(-1)?.filter.minDurationNs === undefined, 'cleared by Escape');
    await bars.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await until(() => listQueries(viewer).at(-1)?.filter.maxDurationNs === BOUNDS_NS[2] - 1, 'a range by keyboard');
    assert.equal(listQueries(viewer).at(-1)?.filter.minDurationNs, BOUNDS_NS[0]);
    await page.close();
  });

  test('selecting an instance: breakdown, critical path, regions and logs, with source and timeline links', async () => {
    const synthetic = new SyntheticTasks(2_000, demo.status.summary!.overview.startNs);
    const viewer = await openTasks(browser, synthetic.over(demo));
    const { page } = viewer;
    // By keyboard: the second row, then Enter.
    await until(async () => { const rows = await shownRows(page); return rows.length > 2 && rows[1].cells[1] !== ''; }, 'rows');
    const second = (await shownRows(page))[1].cells[0];
    await page.locator('.task-grid').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const pane = page.locator('.task-detail-pane');
    const task = synthetic.tasks[Number(second) - 1];
    await pane.locator('h2', { hasText: `Task ${second} “${task.type}”` }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent?.startsWith('Task ')), true, 'focus moves to the detail');
    assert.equal((await viewer.state() as { tasks: TaskViewState }).tasks.selectedId, Number(second));
    const breakdown = pane.locator('table.breakdown-table');
    assert.match(await breakdown.innerText(), /blocked on network\s+[\d.]+\s*[µm]?s\s+64(\.0)?%/);
    assert.equal(await pane.locator('.breakdown-bar .segment').count(), 4);
    const segments = pane.locator('.critical-path li');
    assert.equal(await segments.count(), 4);
    // By cause: network in db.query is 64% of the path, running in encode and decode the rest but runnable.
    assert.match(await pane.locator('.path-summary').innerText(), /^Mostly [\d.]+\s*[µm]?s blocked on network in db\.query \(64(\.0)?%\), /);
    assert.match((await segments.nth(1).innerText()).trim(), /^[\d.]+\s*[µm]?s blocked on network in db\.query on G\d+ \(main\.query\) orders\.go:57 timeline$/);
    assert.match(await pane.locator('.tail-sentence').innerText(), /p99 .* spend 71% blocked on network in db\.query; p50 spend 9%/);
    // A segment's source link reveals the stack frame; a region's row reveals the annotation.
    await segments.nth(1).getByRole('button', { name: 'orders.go:57' }).click();
    const reveals = () => viewer.posted.filter((m) => m.type === 'reveal');
    assert.deepEqual(reveals().at(-1), { type: 'reveal', location: { function: 'main.query', file: SITE_FILE, line: 57 }, annotation: false });
    await pane.locator('table', { has: page.locator('caption', { hasText: /^Regions of task/ }) }).locator('tbody tr', { hasText: 'db.query' }).click();
    assert.deepEqual(reveals().at(-1), { type: 'reveal', location: { function: 'main.handle', file: SITE_FILE, line: 57 }, annotation: true });
    const logs = pane.locator('table', { has: page.locator('caption', { hasText: /^Logs of task/ }) });
    assert.match(await logs.innerText(), new RegExp(`orderID\\s+${task.orderID}`));
    await logs.getByRole('button', { name: 'orders.go:50' }).click();
    assert.equal(reveals().at(-1)?.type === 'reveal' && reveals().at(-1)?.location.line, 50);
    await page.screenshot({ path: join(resultsDir, 'tasks-detail-synthetic.png'), fullPage: true });

    // A segment's timeline link: the timeline zoomed to it, its goroutine pinned, the task lane on top.
    await segments.nth(1).getByRole('button', { name: 'timeline' }).click();
    assert.equal(await page.getByRole('tab', { name: 'Timeline' }).getAttribute('aria-selected'), 'true');
    const focus = (await viewer.state() as { timelineFocus: { startNs: number; endNs: number; goroutines: number[]; taskLane?: { regions: unknown[] } } }).timelineFocus;
    const explanation = synthetic.explain(Number(second))!;
    const segment = explanation.criticalPath![1];
    assert.deepEqual([focus.startNs, focus.endNs, focus.goroutines], [segment.startNs, segment.endNs, [segment.goroutine]]);
    assert.equal(focus.taskLane?.regions.length, 2);
    await page.locator('canvas.timeline-canvas[data-task-lane^="task"]').waitFor();
    // Back to the Tasks view: the selection is still there; "Show in timeline" focuses the whole task.
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await pane.locator('button.show-task-in-timeline').click();
    const whole = (await viewer.state() as { timelineFocus: { startNs: number; endNs: number; goroutines: number[] } }).timelineFocus;
    assert.deepEqual([whole.startNs, whole.endNs, whole.goroutines], [task.startNs, task.endNs, explanation.goroutines]);
    assert.equal(await page.locator('canvas.timeline-canvas').getAttribute('data-task-lane'), `task ${second} “${task.type}”: 2 regions`);
    // A child task's link explains that task instead.
    await page.getByRole('tab', { name: 'Tasks' }).click();
    const children = pane.locator('.child-tasks button');
    assert.equal(await children.count(), 2);
    await children.first().click();
    await pane.locator('h2', { hasText: `Task ${Number(second) + 1} ` }).waitFor();
    assert.deepEqual(viewer.violations, []);
    await page.close();
  });

  test('hostile task types and log messages stay text', async () => {
    const synthetic = new SyntheticTasks(2_000, demo.status.summary!.overview.startNs);
    const viewer = await openTasks(browser, synthetic.over(demo));
    const { page } = viewer;
    await page.getByLabel(HOSTILE_TYPE).check();
    await page.getByRole('searchbox', { name: 'Log' }).fill(`orderID=${HOSTILE_LOG}`);
    await page.keyboard.press('Enter');
    await until(() => listQueries(viewer).at(-1)?.filter.log?.message === HOSTILE_LOG, 'the hostile log filter');
    await until(async () => (await shownRows(page)).some((r) => r.cells[1] === HOSTILE_TYPE), 'a hostile row');
    await page.locator('.task-spacer .task-row:not([hidden])').first().click();
    await page.locator('.task-detail-pane h2', { hasText: HOSTILE_TYPE }).waitFor();
    await page.locator('.task-detail-pane td', { hasText: HOSTILE_LOG }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss), undefined);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 1, 'only the nonce-bearing bundle');
    assert.deepEqual(viewer.violations, []);
    await page.close();
  });

  test('an explanation shown before the breakdown pass is done gets its tail once it is, without being selected again', async () => {
    const synthetic = new SyntheticTasks(2_000, demo.status.summary!.overview.startNs);
    synthetic.tailsReady = false;
    const trace = synthetic.over(demo);
    const viewer = await openTasks(browser, trace);
    const { page } = viewer;
    await until(async () => (await shownRows(page)).length > 2, 'rows');
    const first = (await shownRows(page))[0];
    const id = first.cells[0];
    await page.locator(`.task-spacer .task-row[aria-rowindex="${first.index + 2}"]`).click();
    const pane = page.locator('.task-detail-pane');
    await pane.locator('h2', { hasText: `Task ${id} ` }).waitFor();
    assert.equal(await pane.locator('.tail-sentence').count(), 0);
    const explained = () => viewer.posted.filter((m) => m.type === 'query' && m.query.kind === 'taskExplanation').length;
    const asked = explained();
    synthetic.tailsReady = true;
    await viewer.send({ type: 'status', status: { ...trace.status, breakdowns: 'ready' } });
    await pane.locator('.tail-sentence').waitFor();
    assert.match(await pane.locator('.tail-sentence').innerText(), /p99 .* spend 71% blocked on network in db\.query/);
    assert.equal(explained(), asked + 1);
    // Another status after that asks nothing more.
    await viewer.send({ type: 'status', status: { ...trace.status, breakdowns: 'ready' } });
    await page.waitForTimeout(200);
    assert.equal(explained(), asked + 1);
    await page.close();
  });

  test('while the trace loads: says so and asks again as it grows', async () => {
    const synthetic = new SyntheticTasks(3_000, demo.status.summary!.overview.startNs);
    synthetic.complete = false;
    const trace = synthetic.over(demo);
    const loading = { ...trace, status: { ...trace.status, phase: 'loading' as const, progress: { bytesRead: 1000, totalBytes: 4000, generations: 1, events: 5000 } } };
    const viewer = await openTasks(browser, loading);
    const { page } = viewer;
    await page.locator('.task-counts', { hasText: 'still loading' }).waitFor();
    const asked = listQueries(viewer).length;
    await viewer.send({ type: 'status', status: { ...loading.status, progress: { ...loading.status.progress, bytesRead: 2000 } } });
    await until(() => listQueries(viewer).length > asked, 'a new page after the trace grew');
    synthetic.complete = true;
    await viewer.send({ type: 'status', status: trace.status });
    await until(async () => !(await page.locator('.task-counts').innerText()).includes('still loading'), 'the note goes once complete');
    await page.close();
  });

  test('a trace without tasks explains how to add them', async () => {
    const noTasks = { ...demo, status: { ...demo.status, summary: { ...demo.status.summary!, tasks: [] } } };
    const viewer = await openViewer(browser, noTasks);
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.getByText('This trace has no tasks.').waitFor();
    assert.match(await page.locator('.tasks-empty pre').innerText(), /trace\.NewTask\(ctx, "http\.request"\)\ndefer task\.End\(\)/);
    assert.equal(listQueries(viewer).length, 0, 'nothing to ask');
    await page.close();
  });
});

describe('Tasks view on the whyslow program’s trace, answered by the trace worker’s code', () => {
  let browser: Browser;
  let whyslow: LoadedTrace;
  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    [browser, whyslow] = await Promise.all([launch(), loadTrace(fixture('traces', 'whyslow-go1.26.trace'))]);
  });
  after(async () => { await browser?.close(); });
  const answer = <T>(query: Parameters<LoadedTrace['answerer']['answer']>[0]): Promise<T> => Promise.resolve(whyslow.answerer.answer(query) as T);

  test('every instance listed slowest first, filtered by type; the slowest net.request explained with links to its source', async () => {
    const viewer = await openTasks(browser, whyslow);
    const { page } = viewer;
    const all = await answer<TaskListPage>({ kind: 'taskList', query: { filter: {}, offset: 0, limit: 100 } });
    const total = whyslow.status.summary!.tasks.reduce((n, t) => n + t.count, 0);
    assert.equal(all.total, total);
    await page.locator('.task-counts', { hasText: `${total} tasks, slowest first.` }).waitFor();
    await until(async () => { const rows = await shownRows(page); return rows.length === total && rows[0].cells[1] !== ''; }, 'every row');
    assert.deepEqual((await shownRows(page)).map((r) => Number(r.cells[0])), all.rows.map((r) => r.id));

    await page.getByLabel('net.request').check();
    const net = await answer<TaskListPage>({ kind: 'taskList', query: { filter: { types: ['net.request'] }, offset: 0, limit: 100 } });
    await page.locator('.task-counts', { hasText: `${net.total} of ${total} tasks match` }).waitFor();
    await until(async () => (await shownRows(page)).every((r) => r.cells[1] === 'net.request') && (await shownRows(page)).length === net.total, 'net.request rows');
    await page.locator('.task-spacer .task-row:not([hidden])').first().click();
    const pane = page.locator('.task-detail-pane');
    const explanation = (await answer<TaskExplanation | null>({ kind: 'taskExplanation', id: net.rows[0].id }))!;
    await pane.locator('h2', { hasText: `Task ${net.rows[0].id} “net.request”` }).waitFor();
    // The breakdown table says what the worker computed, largest first.
    const components = (await pane.locator('table.breakdown-table tbody tr').allInnerTexts()).map((row) => row.split('\t').map((c) => c.trim()));
    const expected = BREAKDOWN_COMPONENTS.filter((c) => explanation.breakdown![c] > 0).sort((a, b) => explanation.breakdown![b] - explanation.breakdown![a]);
    assert.deepEqual(components.map((c) => c[0]), expected.map((c) => COMPONENT_LABELS[c]));
    assert.deepEqual(components.map((c) => c[1]), expected.map((c) => formatDuration(explanation.breakdown![c])));
    const path = explanation.criticalPath!;
    assert.equal(await pane.locator('.critical-path li').count(), Math.min(100, path.length));
    assert.deepEqual(await pane.locator('.critical-path .segment-text').allInnerTexts(), path.slice(0, 100).map(describeSegment));
    // The type's tail, from the breakdown pass, in one sentence.
    assert.ok(explanation.tail, 'net.request has a tail explained');
    assert.equal((await pane.locator('.tail-sentence').innerText()).replace(/^Slow tail of “net\.request”: /, ''), explanation.tail.sentence);
    // Each region says where most of its own time went.
    const dbQuery = explanation.regions.find((r) => r.type === 'db.query')!;
    const largest = BREAKDOWN_COMPONENTS.reduce((best, c) => (dbQuery.breakdown![c] > dbQuery.breakdown![best] ? c : best));
    assert.match(await pane.locator('table', { has: page.locator('caption', { hasText: /^Regions of task/ }) }).locator('tbody tr', { hasText: 'db.query' }).innerText(),
      new RegExp(`${COMPONENT_LABELS[largest]} \\d`));
    // The db.query region links to its trace.WithRegion line; a segment's site to the frame that blocked.
    await pane.locator('table', { has: page.locator('caption', { hasText: /^Regions of task/ }) }).locator('tbody tr', { hasText: 'db.query' }).click();
    const reveal = viewer.posted.filter((m) => m.type === 'reveal').at(-1);
    assert.ok(reveal?.type === 'reveal' && reveal.annotation && reveal.location.file.endsWith('whyslow/main.go'));
    assert.equal(reveal.location.line, explanation.regions.find((r) => r.type === 'db.query')!.site!.line);
    const withSite = path.findIndex((s) => s.site !== undefined);
    if (withSite >= 0 && withSite < 100) {
      await pane.locator('.critical-path li').nth(withSite).getByRole('button', { name: /main\.go:\d+/ }).click();
      const frame = viewer.posted.filter((m) => m.type === 'reveal').at(-1);
      assert.deepEqual(frame, { type: 'reveal', location: path[withSite].site, annotation: false });
    }
    // Show in timeline: the task's window, its goroutines pinned, its regions in the task lane.
    await pane.locator('button.show-task-in-timeline').click();
    await page.locator('.timeline-focus', { hasText: `Showing task ${net.rows[0].id} “net.request”` }).waitFor();
    await page.waitForFunction(timelineDrawn);
    const canvas = page.locator('canvas.timeline-canvas');
    assert.equal(await canvas.getAttribute('data-task-lane'), `task ${net.rows[0].id} “net.request”: ${explanation.regions.length} regions`);
    const lanes = ((await canvas.getAttribute('data-lanes')) ?? '').split('|');
    const pinned = [...new Set([...explanation.goroutines, ...path.map((segment) => segment.goroutine)])];
    assert.deepEqual(lanes.slice(1, 1 + pinned.length).map((l) => Number(/^G(\d+)/.exec(l)?.[1])).sort(), pinned.sort());
    assert.deepEqual(viewer.violations, []);
    await page.close();
  });

  test('screenshots of the Tasks view (light, dark) for docs/trace-viewer.md', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const viewer = await openViewer(browser, whyslow, theme);
      const { page } = viewer;
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.getByRole('tab', { name: 'Tasks' }).click();
      await page.locator('.task-counts', { hasText: 'tasks' }).waitFor();
      await until(async () => { const rows = await shownRows(page); return rows.length > 0 && rows[0].cells[1] !== ''; }, 'rows');
      const slowestNet = (await shownRows(page)).find((r) => r.cells[1] === 'net.request') ?? (await shownRows(page))[0];
      await page.locator(`.task-spacer .task-row[aria-rowindex="${slowestNet.index + 2}"]`).click();
      await page.locator('.task-detail-pane h2').waitFor();
      await page.locator('.panel').evaluate((panel) => { panel.scrollTop = 0; });
      await page.screenshot({ path: join(resultsDir, `tasks-whyslow-${theme}.png`) });
      await page.close();
    }
    // The goroutine-per-request service: 1,977 tasks, the slow tail brushed, the slowest request shown in the timeline.
    const service = await loadTrace(fixture('viewer', 'service.trace'));
    const viewer = await openViewer(browser, service, 'dark');
    const { page } = viewer;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.getByLabel('request').check();
    await page.locator('.task-counts', { hasText: 'match' }).waitFor();
    const bars = page.locator('.brush-histogram .bars');
    const box = (await bars.boundingBox())!;
    const n = await bars.locator('.bucket').count();
    const lastFilled = await bars.locator('.bucket').evaluateAll((e) => (e as unknown as RowElement[]).map((b) => Number(b.getAttribute('title')?.split(': ').pop()?.replace(/,/g, '')) > 0).lastIndexOf(true));
    await page.mouse.move(box.x + ((lastFilled - 4 + 0.5) * box.width) / n, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + ((lastFilled + 0.5) * box.width) / n, box.y + box.height / 2);
    await page.mouse.up();
    await page.locator('.task-counts', { hasText: /^\d+ of/ }).waitFor();
    await until(async () => { const rows = await shownRows(page); return rows.length > 0 && rows[0].cells[1] === 'request'; }, 'brushed rows');
    await page.locator('.task-spacer .task-row:not([hidden])').first().click();
    await page.locator('.task-detail-pane h2').waitFor();
    await page.locator('.panel').evaluate((panel) => { panel.scrollTop = 0; });
    await page.screenshot({ path: join(resultsDir, 'tasks-service-brushed-dark.png') });
    await page.locator('button.show-task-in-timeline').click();
    await page.waitForFunction(timelineDrawn);
    await page.locator('canvas.timeline-canvas[data-task-lane^="task"]').waitFor();
    await page.screenshot({ path: join(resultsDir, 'tasks-service-timeline-dark.png') });
    await page.close();
  });
});
