// The timeline's goroutine groups in headless Chromium on the per-request fixture (hundreds of
// short goroutines): collapsed summary lanes, expanding one with a click, search by id or function.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { fixture, launch, openViewer, timelineDrawn, type LoadedTrace } from './page';
import { loadTrace } from './trace';

describe('timeline goroutine groups', () => {
  let browser: Browser;
  let trace: LoadedTrace;
  before(async () => { [browser, trace] = await Promise.all([launch(), loadTrace(fixture('traces', 'perrequest-go1.26.trace'))]); });
  after(async () => { await browser?.close(); });

  test('summary lanes by start function, a click expands one, the search finds a goroutine', async () => {
    const viewer = await openViewer(browser, trace);
    const { page } = viewer;
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.waitForFunction(timelineDrawn);
    const lastSlice = async () => {
      const queries = viewer.posted.filter((m) => m.type === 'query' && m.query.kind === 'timeline');
      const last = queries[queries.length - 1];
      assert.ok(last.type === 'query' && last.query.kind === 'timeline');
      return trace.answerer.answer(last.query) as { totalLanes: number; lanes: { lane: { kind: string; id: number }; group?: { name: string; expanded: boolean } }[] };
    };
    const status = page.locator('.timeline-status');
    /** Lanes below the GC lane, from the status line ("… lanes 1–9 of 12 …"), once `ok` holds for that number. */
    const lanesShown = async (ok: (n: number) => boolean): Promise<number> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const n = Number(/of ([\d,]+)/.exec(await status.innerText())?.[1].replace(/,/g, '') ?? NaN);
        if (ok(n)) return n;
        if (Date.now() > deadline) throw new Error(`timed out waiting for the lane count, last ${n}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const collapsed = await lanesShown((n) => n > 0);
    const groups = (await lastSlice()).lanes.filter((l) => l.group);
    assert.ok(groups.some((l) => l.group!.name === 'main.serve'), 'main.serve has a summary lane');
    assert.ok(collapsed < 20, `${collapsed} lanes while every group is collapsed (300 requests, ~500 goroutines)`);

    // Search by function, then expand the one group left by clicking its summary lane.
    const search = page.getByRole('searchbox', { name: 'Find a goroutine by id or start function' });
    await search.fill('main.serve');
    await lanesShown((n) => n < collapsed);
    const canvas = page.locator('canvas.timeline-canvas');
    const box = (await canvas.boundingBox())!;
    const slice = await lastSlice();
    const serveIndex = slice.lanes.findIndex((l) => l.group?.name === 'main.serve');
    assert.ok(serveIndex > 0);
    // Under the time axis (18 px): the pinned GC lane and the procs (10 + 4 px each), then the group lane; click 10 px into it.
    const procs = slice.lanes.filter((l) => l.lane.kind === 'proc').length;
    const groupTop = 18 + 14 + procs * 14;

    // The summary lane's stacked bars, as the height in pixels of each column drawn over the background.
    const barHeights = (): Promise<number[]> => canvas.evaluate((element, top) => {
      const c = element as unknown as { width: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const ratio = (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio || 1;
      const rows = Math.round(24 * ratio);
      const { data } = c.getContext('2d').getImageData(0, Math.round(top * ratio), c.width, rows);
      // (No helper functions in here: the test runner's transform would name them with a function the page lacks.)
      const background = ((rows - 2) * c.width + Math.round(150 * ratio)) * 4;
      const heights: number[] = [];
      for (let x = Math.round(160 * ratio); x < c.width; x++) {
        let drawn = 0;
        for (let y = 0; y < rows; y++) {
          const i = (y * c.width + x) * 4;
          if (data[i] !== data[background] || data[i + 1] !== data[background + 1] || data[i + 2] !== data[background + 2]) drawn++;
        }
        heights.push(drawn);
      }
      return heights;
    }, groupTop);
    const nextFrame = (): Promise<unknown> => page.evaluate(() => new Promise((resolve) => {
      const raf = (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame;
      raf(() => raf(() => resolve(undefined)));
    }));
    await nextFrame();
    const before = await barHeights();
    assert.ok(before.filter((n) => n > 0).length > before.length / 4, 'the summary lane shows bars across the trace');
    assert.ok(new Set(before).size > 3, 'of varying heights');
    // A pan by a tenth of the plot moves the bars by as many pixels, columns unchanged.
    await canvas.focus();
    await page.keyboard.press('ArrowRight');
    await nextFrame();
    const after = await barHeights();
    const shift = Math.round(before.length / 10);
    const mismatched = (by: number): number => after.slice(0, before.length - by - 2).filter((n, x) => Math.abs(n - before[x + by]) > 1).length;
    const best = [-2, -1, 0, 1, 2].map((d) => shift + d).sort((a, b) => mismatched(a) - mismatched(b))[0];
    assert.ok(Math.abs(best - shift) <= 1 && mismatched(best) < before.length / 50,
      `bars moved by ${best} px (expected ${shift}), ${mismatched(best)} of ${before.length} columns differ`);
    await page.keyboard.press('ArrowLeft');
    await canvas.click({ position: { x: box.width / 2, y: 18 + 14 + procs * 14 + 10 } });
    await lanesShown((n) => n >= 300);
    assert.deepEqual((await viewer.state() as { timelineGroups?: { expanded: string[] } }).timelineGroups?.expanded, ['main.serve']);

    // A goroutine id finds that goroutine under its group.
    const id = (await lastSlice()).lanes.find((l) => l.lane.kind === 'goroutine')!.lane.id;
    await search.fill(String(id));
    await lanesShown((n) => n === procs + 2);
    const found = await lastSlice();
    assert.deepEqual(found.lanes.filter((l) => l.lane.kind === 'goroutine').map((l) => l.lane.id), [id]);
    const frame = Number(await canvas.getAttribute('data-last-frame-ms'));
    assert.ok(frame >= 0 && frame < 16, `a frame took ${frame} ms`);
    await page.close();
  });
});
