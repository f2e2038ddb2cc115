// The viewer on a goroutine-per-request trace (test/fixtures/viewer/gen/service): request tasks
// with child tasks, nested regions, a file cut short. Each test is a number or a place on screen
// the viewer once got wrong.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { fixture, launch, openViewer, resultsDir, timelineDrawn, type LoadedTrace, type PageGlobals } from './page';
import { formatCount, formatDuration } from '../../client/src/webview/format';
import { loadTrace } from './trace';

describe('viewer on a goroutine-per-request trace', () => {
  let browser: Browser;
  let service: LoadedTrace;

  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    [browser, service] = await Promise.all([launch(), loadTrace(fixture('viewer', 'service.trace'))]);
  });
  after(async () => { await browser?.close(); });

  test('a truncated file is labelled truncated, shows its complete generations, and gives the reader’s error once', async () => {
    const whole = readFileSync(fixture('viewer', 'service.trace'));
    const path = join(mkdtempSync(join(tmpdir(), 'glt-webview-')), 'service-cut.trace');
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.9)));
    const cut = await loadTrace(path);
    const overview = cut.status.summary!.overview;
    assert.ok(overview.truncatedError && overview.generations >= 1);
    const viewer = await openViewer(browser, cut);
    const { page } = viewer;
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, /Capture\s+trace\.Start … Stop, truncated \(\d+ complete generations? shown\)/);
    assert.doesNotMatch(facts, /flight recorder/);
    assert.match(facts, new RegExp(`Events\\s+${overview.events.toLocaleString('en-US')}`));
    assert.doesNotMatch(facts, /Duration\s+0 ?ns/);
    const alerts = page.getByRole('alert');
    assert.equal(await alerts.count(), 1, 'the error is explained once');
    assert.match(await alerts.innerText(), /truncated or damaged after \d+ complete generations?/);
    assert.equal((await page.locator('body').innerText()).split(overview.truncatedError!).length - 1, 1, 'the reader’s words appear once');
    await page.screenshot({ path: join(resultsDir, 'viewer-truncated.png') });
    await page.getByRole('tab', { name: 'Tasks' }).click();
    assert.match(await page.getByRole('alert').innerText(), /This file is truncated: the views show its \d+ complete generations?/);
    await page.close();
  });

  test('task detail: regions as they nest, the parent linked, shown where the user looks', async () => {
    const viewer = await openViewer(browser, service);
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.locator('table', { has: page.locator('caption', { hasText: 'Tasks by type' }) }).locator('tbody tr', { hasText: 'request' }).click();
    const requests = service.status.summary!.tasks.find((t) => t.type === 'request')!.count;
    await page.locator('.task-counts', { hasText: `${formatCount(requests)} of ` }).waitFor();
    assert.ok(requests > 40, 'a list longer than the screen');
    // The last row of the list, by keyboard: the detail beside it must be where the user looks.
    const grid = page.locator('.task-grid');
    await grid.focus();
    await page.keyboard.press('End');
    const last = page.locator(`.task-spacer .task-row[aria-rowindex="${requests + 1}"]`);
    await last.locator('.task-cell', { hasText: 'request' }).waitFor();
    const taskId = (await last.locator('.task-cell').first().innerText()).trim();
    await page.keyboard.press('Enter');
    const heading = page.locator('.task-detail-pane h2');
    await heading.filter({ hasText: `Task ${taskId} “request”` }).waitFor();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent?.startsWith('Task ') ?? false);
    const box = (await heading.boundingBox())!;
    assert.ok(box.y >= 0 && box.y + box.height <= 800, `the detail heading is on screen (y = ${box.y})`);
    await page.screenshot({ path: join(resultsDir, 'viewer-task-detail.png') });
    // handle encloses parse on the request's goroutine: listed outer first, parse indented under it.
    const regions = page.locator('table', { has: page.locator('caption', { hasText: /^Regions of task/ }) });
    const regionNames = (await regions.locator('tbody th').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(regionNames, ['handle', '· parse']);
    // A fetch child task links to the request that started it.
    await page.getByLabel('request').uncheck();
    await page.getByLabel('fetch').check();
    await page.locator('.task-spacer .task-row:not([hidden])').first().locator('.task-cell', { hasText: 'fetch' }).waitFor();
    await page.locator('.task-spacer .task-row:not([hidden])').first().click();
    await heading.filter({ hasText: '“fetch”' }).waitFor();
    assert.deepEqual((await regions.locator('tbody th').allInnerTexts()).map((t) => t.trim()), ['backend', '· decode']);
    const parentLink = page.locator('.task-detail-pane dd button', { hasText: /^task \d+$/ });
    const parentId = (await parentLink.innerText()).replace('task ', '');
    await parentLink.click();
    await heading.filter({ hasText: `Task ${parentId} “request”` }).waitFor();
    await page.close();
  });

  test('blocking: every number equals go tool trace -pprof; stacks without a program frame say so; long stacks keep their numbers', async () => {
    const { requireGo, goEnv } = await import('../../scripts/go-toolchain.mjs');
    const { goBlockingProfiles } = await import('../../scripts/go-pprof.mjs');
    const go = goBlockingProfiles(requireGo('1.26'), fixture('viewer', 'service.trace'), { ...goEnv('1.26'), GOFLAGS: '' });
    const viewer = await openViewer(browser, service);
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Blocking' }).click();
    let checked = 0;
    for (const [kind, entries] of Object.entries(go)) {
      const section = page.locator('section', { has: page.locator('h2', { hasText: new RegExp(`^${kind}: `) }) });
      if (!entries || entries.length === 0) {
        assert.equal(await section.count(), 0, `no ${kind} section when Go has no ${kind} blocking`);
        continue;
      }
      const total = entries.reduce((n, e) => n + e.totalNs, 0);
      assert.equal(await section.locator('h2').innerText(), `${kind}: ${formatDuration(total)}`);
      // Row by row (Go's and ours both largest first; rows of equal totals compared as a set).
      const rows = await section.locator('tbody tr').evaluateAll((trs) =>
        (trs as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())));
      const ours = rows.map(([blockedIn, , totalText, countText]) => `${blockedIn} ${totalText} ${countText}`).sort();
      const theirs = entries.slice(0, 100).map((e) => `${e.frames[0]?.split(' ')[0] ?? '(no stack)'} ${formatDuration(e.totalNs)} ${formatCount(e.count)}`).sort();
      assert.deepEqual(ours, theirs, `${kind} rows`);
      // A stack with no frame of the program is said to have none, never shown as a runtime frame.
      for (const [, from] of rows) assert.match(from, /^(main\.\S+ main\.go:\d+|none \((goroutine of \S+|no stack)\))$/, `${kind}: From ${from}`);
      checked++;
    }
    assert.ok(checked >= 2, `${checked} profiles compared`);
    const runtimeOnly = page.locator('tbody tr', { hasText: 'none (goroutine of runtime.' }).first();
    await runtimeOnly.locator('th').click();
    const frames = page.locator('ol.frames').first();
    assert.equal(await frames.evaluate((ol) => (globalThis as unknown as { getComputedStyle(e: unknown): { listStylePosition: string } }).getComputedStyle(ol).listStylePosition), 'inside', 'stack numbers sit inside the list, so 10 and up are not clipped');
    await page.screenshot({ path: join(resultsDir, 'viewer-blocking-service.png'), fullPage: true });
    await page.close();
  });

  test('keyboard: Enter on a column header sorts and keeps the focus on that header', async () => {
    const viewer = await openViewer(browser, service);
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Tasks' }).click();
    const types = page.locator('table', { has: page.locator('caption', { hasText: 'Tasks by type' }) });
    await types.getByRole('button', { name: /^Count/ }).focus();
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent);
    assert.equal(await types.locator('th[aria-sort=descending]').innerText(), 'Count ▾');
    assert.equal(await focused(), 'Count ▾');
    await page.keyboard.press('Enter');
    assert.equal(await types.locator('th[aria-sort=ascending]').innerText(), 'Count ▴');
    assert.equal(await focused(), 'Count ▴');
    await page.close();
  });

  test('timeline opened while loading fits the whole trace once loaded, and never says “lanes 1–0 of 0”', async () => {
    const whole = service.status.summary!;
    const partialOverview = { ...whole.overview, endNs: whole.overview.startNs + Math.round(whole.overview.durationNs * 0.3) };
    partialOverview.durationNs = partialOverview.endNs - partialOverview.startNs;
    const loading: LoadedTrace = { ...service, status: { ...service.status, phase: 'loading', summary: { ...whole, overview: partialOverview } } };
    const viewer = await openViewer(browser, loading);
    const { page } = viewer;
    const statusLine = page.locator('.timeline-status');
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const first = await statusLine.innerText();
    assert.doesNotMatch(first, /lanes 1–0|of 0\b/, first);
    await page.waitForFunction(timelineDrawn);
    assert.match(await statusLine.innerText(), new RegExp(`^${formatDuration(partialOverview.durationNs).replace('.', '\\.')} visible · lanes 1–\\d+ of [\\d,]+`));
    await viewer.send({ type: 'status', status: service.status });
    await statusLine.getByText(`${formatDuration(whole.overview.durationNs)} visible`).waitFor();
    const state = await viewer.state() as { timeline: { startNs: number; endNs: number; fitted: boolean } };
    assert.deepEqual(state.timeline && [state.timeline.startNs, state.timeline.endNs, state.timeline.fitted], [whole.overview.startNs, whole.overview.endNs, true]);
    // A window the user chose stays when more loads.
    await page.locator('canvas.timeline-canvas').focus();
    await page.keyboard.press('+');
    await statusLine.getByText(`${formatDuration(whole.overview.durationNs / 2)} visible`).waitFor();
    const zoomed = await statusLine.innerText();
    await viewer.send({ type: 'status', status: { ...service.status } });
    assert.equal((await statusLine.innerText()).split(' · ')[0], zoomed.split(' · ')[0]);
    await page.close();
  });

  test('timeline: a selected span that starts left of the window is outlined over its visible part only', async () => {
    const viewer = await openViewer(browser, service);
    await viewer.page.getByRole('tab', { name: 'Timeline' }).click();
    await viewer.page.waitForFunction(timelineDrawn);
    const canvas = viewer.page.locator('canvas.timeline-canvas');
    await canvas.focus();
    // The first span of the top lane that is longer than a few pixels.
    let span: number[] = [];
    for (let i = 0; i < 200 && !(span.length === 4 && span[3] - span[2] > 20_000); i++) {
      await viewer.page.keyboard.press(']');
      span = (await drawnSelection(canvas, span.join(' '))).split(' ').map(Number);
    }
    assert.ok(span.length === 4 && span[3] - span[2] > 20_000, 'a span of 20 µs or more');
    const [, , startNs, endNs] = span;
    const saved = await viewer.state() as { timeline: { firstLane: number } };
    await viewer.page.close();
    // The window starts in the middle of the span and shows four times its visible half.
    const windowStart = (startNs + endNs) / 2;
    const windowEnd = windowStart + 4 * (endNs - windowStart);
    const again = await openViewer(browser, service, 'light', { ...saved, view: 'timeline', timeline: { startNs: windowStart, endNs: windowEnd, firstLane: saved.timeline.firstLane, fitted: false } });
    const { page } = again;
    await page.waitForFunction(timelineDrawn);
    const canvas2 = page.locator('canvas.timeline-canvas');
    await canvas2.focus();
    await page.keyboard.press(']');
    // The span under the window's left edge (at this zoom's resolution: merged spans differ from the first view's).
    const [x0, x1, s0, s1] = (await drawnSelection(canvas2, '')).split(' ').map(Number);
    assert.ok(s0 < windowStart && s1 > windowStart, `a span across the left edge (${s0}–${s1} around ${windowStart})`);
    const plot = (await canvas2.boundingBox())!.width - 160;
    const expectedEnd = 160 + ((s1 - windowStart) / (windowEnd - windowStart)) * plot;
    assert.equal(x0, 160, 'clipped at the left edge of the plot');
    assert.ok(Math.abs(x1 - expectedEnd) < 1.5, `outline ends at ${x1} px, the span at ${expectedEnd} px`);
    await page.screenshot({ path: join(resultsDir, 'viewer-timeline-clipped-selection.png') });
    await page.close();
  });

  test('timeline: time axis, colour legend, lanes scroll with the wheel and a scrollbar', async () => {
    // Every goroutine group expanded, so that there are hundreds of lanes to scroll.
    const expanded = service.status.summary!.goroutineGroups.map((g) => g.name);
    const viewer = await openViewer(browser, service, 'light', { view: 'overview', selected: {}, traceUri: service.status.uri, timelineGroups: { expanded, search: '' } });
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.waitForFunction(timelineDrawn);
    assert.deepEqual(await page.locator('.timeline-legend li').allInnerTexts(),
      ['Running', 'Runnable', 'Waiting', 'Syscall', 'Region', 'GC', 'Stop-the-world', 'Mixed']);
    const statusLine = page.locator('.timeline-status');
    const lanesShown = async () => /lanes ([\d,]+)–/.exec(await statusLine.innerText())?.[1];
    assert.equal(await lanesShown(), '1');
    const box = (await page.locator('canvas.timeline-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 140); // ten lanes of 14 px
    await page.waitForFunction(() => /lanes 11–/.test((globalThis as unknown as PageGlobals).document.querySelector('.timeline-status')?.textContent ?? ''));
    const whole = `${formatDuration(service.status.summary!.overview.durationNs)} visible`;
    assert.ok((await statusLine.innerText()).startsWith(whole), 'the wheel scrolled, it did not zoom');
    const scrollTop = await page.locator('.lane-scrollbar').evaluate((e) => (e as unknown as { scrollTop: number }).scrollTop);
    assert.equal(scrollTop, 140, 'the scrollbar follows');
    await page.locator('.lane-scrollbar').evaluate((e) => { (e as unknown as { scrollTop: number }).scrollTop = 14 * 100; });
    await page.waitForFunction(() => /lanes 101–/.test((globalThis as unknown as PageGlobals).document.querySelector('.timeline-status')?.textContent ?? ''));
    // Ctrl+wheel zooms.
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    await page.waitForFunction((text) => !((globalThis as unknown as PageGlobals).document.querySelector('.timeline-status')?.textContent ?? '').startsWith(text), whole);
    await page.screenshot({ path: join(resultsDir, 'viewer-timeline-service.png') });
    await page.close();
  });

  test('Show in timeline on task, region and goroutine rows: zoomed to it, its goroutines pinned under GC', async () => {
    const viewer = await openViewer(browser, service);
    const { page } = viewer;
    const canvas = page.locator('canvas.timeline-canvas');
    /** Waits until the lane labels drawn, top down, satisfy a condition. */
    const lanesOnScreen = async (condition: (lanes: string[]) => boolean, what: string): Promise<void> => {
      for (const deadline = Date.now() + 10_000; !condition(((await canvas.getAttribute('data-lanes')) ?? '').split('|'));) {
        if (Date.now() > deadline) throw new Error(`timed out waiting: ${what} (lanes ${await canvas.getAttribute('data-lanes')})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const visible = async () => (await page.locator('.timeline-status').innerText()).split(' visible')[0];

    // A task, from the Tasks view: its goroutine and those on its critical path (its two fetch child tasks', the backends that answered them).
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.locator('table', { has: page.locator('caption', { hasText: 'Tasks by type' }) }).locator('tbody tr', { hasText: 'request' }).click();
    const taskRow = page.locator('.task-spacer .task-row:not([hidden])').first();
    await taskRow.locator('.task-cell', { hasText: 'request' }).waitFor();
    const [taskId, , , duration] = await taskRow.locator('.task-cell').allInnerTexts();
    await taskRow.click();
    await page.locator('.task-detail-pane h2', { hasText: `Task ${taskId} “request”` }).waitFor();
    await page.locator('button.show-task-in-timeline').click();
    await page.locator('.timeline-focus', { hasText: `Showing task ${taskId} “request”` }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Timeline' }).getAttribute('aria-selected'), 'true');
    await page.waitForFunction(timelineDrawn);
    const explanation = await service.answerer.answer({ kind: 'taskExplanation', id: Number(taskId) }) as
      { goroutines: number[]; criticalPath: { goroutine: number }[]; children?: { id: number; type: string }[] };
    const ids = [...new Set([...explanation.goroutines, ...explanation.criticalPath.map((s) => s.goroutine)])];
    const children = explanation.children ?? [];
    assert.deepEqual(children.map((c) => c.type), ['fetch', 'fetch'], `task ${taskId}'s child tasks`);
    for (const child of children) {
      const childGoroutines = (await service.answerer.answer({ kind: 'taskExplanation', id: child.id }) as { goroutines: number[] }).goroutines;
      assert.ok(childGoroutines.length > 0);
      for (const g of childGoroutines) assert.ok(ids.includes(g), `the fetch child task ${child.id}'s G${g} is pinned`);
    }
    assert.ok(ids.length >= 3 && ids.length <= explanation.goroutines.length + 12, `${ids.length} goroutines pinned`);
    const idsUnderGc = (lanes: string[]) => lanes.slice(1, 1 + ids.length).map((l) => Number(/^G(\d+) /.exec(l)?.[1])).sort().join();
    await lanesOnScreen((lanes) => idsUnderGc(lanes) === [...ids].sort().join(), 'the task’s goroutines right under GC');
    assert.match((await canvas.getAttribute('data-task-lane')) ?? '', new RegExp(`^task ${taskId} “request”: \\d+ regions$`));
    const durationNs = parseDuration(duration);
    for (const deadline = Date.now() + 10_000; ;) {
      const shownNs = parseDuration(await visible());
      if (shownNs >= durationNs && shownNs <= 1.3 * durationNs) break;
      assert.ok(Date.now() < deadline, `${await visible()} shown for a task of ${duration}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await page.screenshot({ path: join(resultsDir, 'viewer-show-task-in-timeline.png') });

    // A region instance.
    await page.getByRole('tab', { name: 'Regions' }).click();
    await page.locator('table', { has: page.locator('caption', { hasText: 'Regions by type' }) }).locator('tbody tr', { hasText: 'backend' }).click();
    const regionRow = page.locator('table', { has: page.locator('caption', { hasText: /^Regions “backend”/ }) }).locator('tbody tr').first();
    const regionGoroutine = (await regionRow.locator('td').first().innerText()).trim();
    await regionRow.getByRole('button', { name: 'Show in timeline' }).click();
    await page.locator('.timeline-focus', { hasText: `Showing region “backend” on G${regionGoroutine}` }).waitFor();
    await lanesOnScreen((lanes) => lanes[1]?.startsWith(`G${regionGoroutine} `) ?? false, 'the region’s goroutine under GC');

    // A goroutine.
    await page.getByRole('tab', { name: 'Goroutines' }).click();
    await page.locator('table', { has: page.locator('caption', { hasText: 'Goroutines by start function' }) }).locator('tbody tr', { hasText: 'main.fetchPart' }).click();
    const goroutineRow = page.locator('table', { has: page.locator('caption', { hasText: 'Goroutines starting in main.fetchPart' }) }).locator('tbody tr').first();
    const goroutineId = (await goroutineRow.locator('th').innerText()).trim();
    await goroutineRow.getByRole('button', { name: 'Show in timeline' }).click();
    await page.locator('.timeline-focus', { hasText: `Showing goroutine G${goroutineId} main.fetchPart` }).waitFor();
    await lanesOnScreen((lanes) => lanes[1]?.startsWith(`G${goroutineId} `) ?? false, 'the goroutine under GC');
    await page.getByRole('button', { name: 'Unpin' }).click();
    assert.equal(await page.locator('.timeline-focus').innerText(), '');
    await page.close();
  });
});

/** The selection outline the timeline drew last ("x0 x1 startNs endNs"), once it differs from `previous` (frames are drawn later). */
async function drawnSelection(canvas: Locator, previous: string): Promise<string> {
  for (const deadline = Date.now() + 10_000; ;) {
    const drawn = (await canvas.getAttribute('data-selection')) ?? '';
    if (drawn !== '' && drawn !== previous) return drawn;
    assert.ok(Date.now() < deadline, 'the selection is drawn');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** "20.1 µs" → 20100: the inverse of formatDuration, to compare what the page shows. */
function parseDuration(text: string): number {
  const m = /^([\d.]+) ?(ns|µs|ms|s)$/.exec(text.trim());
  assert.ok(m, `a duration: ${text}`);
  return Number(m[1]) * { ns: 1, µs: 1e3, ms: 1e6, s: 1e9 }[m[2] as 'ns' | 'µs' | 'ms' | 's'];
}
