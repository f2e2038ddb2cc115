// Timeline frame times in headless Chromium, shared by the viewer and timeline benchmarks: the
// webview bundle (behind its real CSP, test/webview/page.ts) shows the timeline of a loaded trace
// and is panned by keyboard at zoom levels 2^-k; each pan draws one canvas frame, whose time the
// view records. Slices are answered by whatever the caller gives (the language server, or an
// index in this process), so a frame here is the draw only; the slice query is measured apart.
import { tsImport } from 'tsx/esm/api';

const { launch, openViewer } = await tsImport('../test/webview/page.ts', import.meta.url);

export const FRAME_BUDGET_MS = 16;
export { launch };

const nextFrame = (page) => page.evaluate(() => new Promise((resolve) => globalThis.requestAnimationFrame(() => globalThis.requestAnimationFrame(resolve))));

/**
 * trace: { status, answerer: { answer(query) → result or promise } }. Returns one row per zoom
 * level: the visible window, spans drawn, and p50/p99/max of `framesPerZoom` frames in ms.
 * `expandedGroups`: goroutine groups (start functions) expanded on the timeline, as a user who
 * clicked their summary lanes left them (the view's saved state).
 */
export async function timelineFrameTimes(browser, trace, { framesPerZoom = 100, zooms = [0, 4, 8, 12, 16], expandedGroups } = {}) {
  let inFlight = 0;
  const answerer = {
    answer: async (query) => {
      inFlight++;
      try {
        return await trace.answerer.answer(query);
      } finally {
        inFlight--;
      }
    },
  };
  const savedState = expandedGroups === undefined ? undefined
    : { view: 'timeline', selected: {}, traceUri: trace.status.uri, timelineGroups: { expanded: expandedGroups, search: '' } };
  const viewer = await openViewer(browser, { status: trace.status, answerer }, 'dark', savedState);
  const { page } = viewer;
  await page.getByRole('tab', { name: 'Timeline' }).click();
  const canvas = page.locator('canvas.timeline-canvas');
  const settled = async () => {
    // Slices still in flight get drawn when they land: wait until none is pending or asked for a moment.
    let count = -1;
    while (count !== viewer.posted.length || inFlight > 0) {
      count = viewer.posted.length;
      await page.waitForTimeout(150);
    }
    await nextFrame(page);
  };
  const rows = [];
  for (const zoom of zooms) {
    await canvas.focus();
    await page.keyboard.press('0');
    for (let i = 0; i < zoom; i++) await page.keyboard.press('+');
    await settled();
    const times = [];
    for (let i = 0; i < framesPerZoom; i++) {
      // Sweeps of five pans (half a screen) each way: every third pan leaves the fetched margin, so
      // frames are drawn while new slices arrive, as when a user pans across a trace.
      await page.keyboard.press(i % 10 < 5 ? 'ArrowRight' : 'ArrowLeft');
      await nextFrame(page);
      times.push(Number(await canvas.getAttribute('data-last-frame-ms')));
    }
    await settled();
    const status = await page.locator('.timeline-status').innerText();
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    rows.push({
      zoom: `1/${2 ** zoom}`, window: status.split(' visible')[0], spans: /([\d,]+) spans/.exec(status)?.[1] ?? '?',
      p50: at(0.5), p99: at(0.99), max: times[times.length - 1],
    });
  }
  await page.close();
  return rows;
}

/** Prints the rows as a table against the 16 ms budget; returns the worst max. */
export function printFrameTable(rows, indent = '  ') {
  console.log(`${indent}${'zoom'.padEnd(10)}${'window'.padEnd(12)}${'spans'.padStart(9)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}  vs ${FRAME_BUDGET_MS} ms`);
  for (const r of rows) {
    console.log(`${indent}${r.zoom.padEnd(10)}${r.window.padEnd(12)}${r.spans.padStart(9)}${r.p50.toFixed(2).padStart(8)}${r.p99.toFixed(2).padStart(8)}${r.max.toFixed(2).padStart(8)}  ` +
      `p99 ${(r.p99 / FRAME_BUDGET_MS).toFixed(2)}× the budget`);
  }
  return Math.max(...rows.map((r) => r.max));
}
