// Tasks view benchmark: the webview bundle in headless Chromium (behind its real CSP,
// test/webview/page.ts) lists task instances and is scrolled; it prints, against the 16 ms frame
// budget:
//   - the list's own frame (script only: rows placed and filled, `data-last-frame-ms`) and the
//     interval between animation frames (the whole frame: script, style, layout, paint) while the
//     wheel scrolls 200,000 synthetic instances;
//   - jumps to random places (a scrollbar drag): the time until every row on screen is filled,
//     pages answered in this process by the synthetic answerer (so it is the view's cost, plus a
//     round trip through Playwright that a VS Code webview does not pay);
//   - with --trace FILE, the same view on a real trace read by the worker's code in this process
//     (test/webview/trace.ts: analyzer and task store), the time from a filter change (a type
//     checked, a log key typed, slowest N) to its rows on screen.
// Wall times on a shared machine measure the other processes too: the load average is printed.
//
// Usage: node bench/tasksView.bench.mjs [--tasks 200000] [--frames 300] [--trace .cache/bench/perrequest-33mb-9da491ea76.trace]
import { loadavg } from 'node:os';
import { tsImport } from 'tsx/esm/api';

const { launch, openViewer, fixture } = await tsImport('../test/webview/page.ts', import.meta.url);
const { loadTrace } = await tsImport('../test/webview/trace.ts', import.meta.url);
const { SyntheticTasks } = await tsImport('../test/webview/syntheticTasks.ts', import.meta.url);

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i < 0 ? fallback : args[i + 1]; };
const taskCount = Number(option('--tasks', '200000'));
const frameCount = Number(option('--frames', '300'));
const tracePath = option('--trace', undefined);
const BUDGET_MS = 16;

const quantiles = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
};
const row = (label, q) => console.log(`  ${label.padEnd(44)}${q.p50.toFixed(2).padStart(8)}${q.p95.toFixed(2).padStart(8)}${q.p99.toFixed(2).padStart(8)}${q.max.toFixed(2).padStart(9)}  p99 ${(q.p99 / BUDGET_MS).toFixed(2)}× the budget`);
const header = () => console.log(`  ${'ms'.padEnd(44)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(9)}`);

/** Every row on screen filled (no "…" placeholder), checked in the page. */
const allFilled = () => Array.from(globalThis.document.querySelectorAll('.task-spacer .task-row:not([hidden])'))
  .every((r) => !r.classList.contains('pending')) && globalThis.document.querySelectorAll('.task-spacer .task-row:not([hidden])').length > 0;

const browser = await launch();
try {
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const demo = await loadTrace(fixture('viewer', 'demo.trace'));
  const synthetic = new SyntheticTasks(taskCount, demo.status.summary.overview.startNs);
  const viewer = await openViewer(browser, synthetic.over(demo), 'dark');
  const { page } = viewer;
  await page.getByRole('tab', { name: 'Tasks' }).click();
  await page.waitForFunction(allFilled);

  // Wheel scrolling: one wheel step per animation frame, in the page, so the frame intervals are real.
  const measured = await page.evaluate(async (frames) => {
    const viewport = globalThis.document.querySelector('.task-viewport');
    const grid = globalThis.document.querySelector('.task-grid');
    const draws = [];
    const intervals = [];
    let last = performance.now();
    for (let i = 0; i < frames; i++) {
      viewport.scrollTop += i % 100 < 50 ? 66 : -44;
      await new Promise((resolve) => globalThis.requestAnimationFrame(resolve));
      const now = performance.now();
      intervals.push(now - last);
      last = now;
      draws.push(Number(grid.dataset.lastFrameMs));
    }
    return { draws, intervals, rows: Number(grid.dataset.rowsInDom), pool: globalThis.document.querySelectorAll('.task-spacer .task-row').length };
  }, frameCount);
  console.log(`${taskCount.toLocaleString()} synthetic task instances, ${frameCount} frames scrolled (${measured.rows} rows drawn, a pool of ${measured.pool}):`);
  header();
  row('list frame (script)', quantiles(measured.draws));
  row('animation frame interval (whole frame)', quantiles(measured.intervals.slice(1)));

  // Jumps: the time until the rows at a random place are filled (pages fetched by offset).
  const jumps = [];
  for (let i = 0; i < 30; i++) {
    const began = Date.now();
    await page.locator('.task-viewport').evaluate((e, f) => { e.scrollTop = f * (e.scrollHeight - e.clientHeight); }, (i * 0.618) % 1);
    await page.waitForFunction(allFilled, undefined, { polling: 'raf' });
    jumps.push(Date.now() - began);
  }
  header();
  row('jump to a random place → rows filled', quantiles(jumps));
  const pages = viewer.posted.filter((m) => m.type === 'query' && m.query.kind === 'taskList').length;
  console.log(`  ${pages} pages asked for in all`);
  await page.close();

  if (tracePath) {
    const began = process.cpuUsage();
    const t0 = Date.now();
    const trace = await loadTrace(tracePath);
    const cpu = process.cpuUsage(began);
    const tasks = trace.status.summary.tasks;
    console.log(`\n${tracePath}: read in ${((Date.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; ${tasks.reduce((n, t) => n + t.count, 0).toLocaleString()} tasks of ${tasks.length} types`);
    const real = await openViewer(browser, trace, 'dark');
    const p = real.page;
    let t = Date.now();
    await p.getByRole('tab', { name: 'Tasks' }).click();
    await p.waitForFunction(allFilled, undefined, { polling: 'raf' });
    console.log(`  Tasks tab → first rows on screen: ${Date.now() - t} ms wall`);
    const timed = async (label, action) => {
      const before = real.posted.length;
      t = Date.now();
      await action();
      // The new filter's rows: a query was posted after `before` and every row on screen is filled.
      while (real.posted.length === before) await p.waitForTimeout(1);
      await p.waitForFunction(allFilled, undefined, { polling: 'raf' });
      console.log(`  ${label.padEnd(44)} ${String(Date.now() - t).padStart(6)} ms wall (${real.posted.length - before} queries)`);
    };
    const busiest = [...tasks].sort((a, b) => b.count - a.count)[0];
    await timed(`type ${busiest.type} checked`, () => p.getByLabel(busiest.type).check());
    await timed('state: ended', () => p.getByLabel('State').selectOption('ended'));
    await timed('slowest 10 per type', async () => { await p.getByRole('spinbutton', { name: 'Slowest per type' }).fill('10'); await p.keyboard.press('Tab'); });
    await timed('clear filters', () => p.getByRole('button', { name: 'Clear filters' }).click());
    await timed('sort by start', () => p.locator('.task-header').getByRole('button', { name: 'Start' }).click());
    t = Date.now();
    await p.locator('.task-spacer .task-row:not([hidden])').first().click();
    await p.locator('.task-detail-pane h2').waitFor();
    await p.locator('.task-detail-pane .breakdown, .task-detail-pane p.muted').first().waitFor();
    console.log(`  ${'select the first → explanation shown'.padEnd(44)} ${String(Date.now() - t).padStart(6)} ms wall (reads the trace again up to the task's end)`);
    await p.close();
  }
} finally {
  await browser.close();
}
