import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEVEL_BASE_NS, SMALL_LANE_SPANS, SPAN_BUDGET, TimelineIndex } from '../../server/src/trace/summary/timeline';
import type { TimelineSpan } from '../../common/traceModel';

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

interface Raw { start: number; end: number; label: string }

/** A lane of back-to-back spans with durations from 10 ns to ~1 ms and a few labels. */
function buildLane(index: TimelineIndex, count: number, seed: number): Raw[] {
  const next = random(seed);
  const lane = index.lane('goroutine', seed, `G${seed}`);
  const raw: Raw[] = [];
  let t = 1_000;
  for (let i = 0; i < count; i++) {
    const gap = next() < 0.3 ? Math.floor(next() * 5_000) : 0;
    const length = Math.floor(10 * 10 ** (next() * 5));
    const span = { start: t + gap, end: t + gap + length, label: ['Running', 'Runnable', 'Waiting (sync)'][i % 3] };
    index.add(lane, 0, 'state', span.start, span.end, span.label);
    raw.push(span);
    t = span.end;
  }
  return raw;
}

/** `coarse`: past the span budget merged spans may be wider than the resolution asks. */
function checkWindow(spans: TimelineSpan[], raw: Raw[], startNs: number, endNs: number, resolutionNs: number, coarse = false): void {
  // Every raw span touching the window lies inside exactly one returned span.
  const touching = raw.filter((r) => r.end >= startNs && r.start <= endNs);
  let k = 0;
  for (const r of touching) {
    while (k < spans.length && spans[k].endNs < r.end) k++;
    assert.ok(k < spans.length && spans[k].startNs <= r.start && r.end <= spans[k].endNs, `span ${r.start}-${r.end} lost at ${resolutionNs} ns/px`);
  }
  // Merged counts add up: the returned spans hold exactly the touching spans plus, at the edges,
  // neighbours merged with them.
  const merged = spans.reduce((n, s) => n + s.merged, 0);
  assert.ok(merged >= touching.length, `merged ${merged} < ${touching.length}`);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i - 1].endNs <= spans[i].startNs, 'returned spans overlap');
  for (const s of spans) {
    if (s.merged > 1 && !coarse) assert.ok(s.endNs - s.startNs < 3 * resolutionNs, 'a merged span is 3 pixels wide or more');
  }
}

describe('TimelineIndex level of detail', () => {
  const index = new TimelineIndex();
  const raw = buildLane(index, 20_000, 7);
  index.finish();
  const start = raw[0].start;
  const end = raw[raw.length - 1].end;

  it('returns the exact spans at full resolution', () => {
    const spans = index.query({ startNs: start, endNs: end, resolutionNs: 0, lanes: [1] }).lanes[0].spans;
    assert.equal(spans.length, raw.length);
    assert.deepEqual(spans.slice(0, 3).map((s) => [s.startNs, s.endNs, s.label, s.merged]), raw.slice(0, 3).map((r) => [r.start, r.end, r.label, 1]));
  });

  it('keeps every span and every count at every zoom level over the whole trace', () => {
    for (let resolution = 1; resolution < end - start; resolution *= 3) {
      const spans = index.query({ startNs: start, endNs: end, resolutionNs: resolution, lanes: [1] }).lanes[0].spans;
      assert.equal(spans.reduce((n, s) => n + s.merged, 0), raw.length, `counts at ${resolution} ns/px`);
      checkWindow(spans, raw, start, end, resolution);
      // About one span per pixel: at most one per pixel plus two per span longer than a pixel.
      const long = raw.filter((r) => r.end - r.start >= resolution).length;
      assert.ok(spans.length <= Math.ceil((end - start) / resolution) + 2 * long + 2, `${spans.length} spans at ${resolution} ns/px`);
    }
  });

  it('answers any window at any resolution without losing spans', () => {
    const next = random(99);
    for (let i = 0; i < 200; i++) {
      const a = start + Math.floor(next() * (end - start));
      const b = a + Math.floor(next() * (end - a));
      const resolution = Math.floor(10 ** (next() * 7));
      checkWindow(index.query({ startNs: a, endNs: b, resolutionNs: resolution, lanes: [1] }).lanes[0].spans, raw, a, b, resolution);
    }
  });

  it('labels merged spans of different states as mixed and keeps a shared label', () => {
    const spans = index.query({ startNs: start, endNs: end, resolutionNs: end - start, lanes: [1] }).lanes[0].spans;
    assert.ok(spans.some((s) => s.label === 'mixed'));
    const single = new TimelineIndex();
    const lane = single.lane('proc', 0, 'P0');
    for (let i = 0; i < 100; i++) single.add(lane, 0, 'state', i * 10, i * 10 + 5, 'G1');
    single.finish();
    assert.deepEqual(single.query({ startNs: 0, endNs: 1000, resolutionNs: 10_000, lanes: [lane] }).lanes[0].spans.map((s) => [s.label, s.merged]), [['G1', 100]]);
  });

  it('answers queries while loading, before finish()', () => {
    const live = new TimelineIndex();
    const liveRaw = buildLane(live, 5_000, 3);
    const a = liveRaw[0].start;
    const b = liveRaw[liveRaw.length - 1].end;
    for (const resolution of [0, 50, LEVEL_BASE_NS * 7, 1e6]) {
      const spans = live.query({ startNs: a, endNs: b, resolutionNs: resolution, lanes: [1] }).lanes[0].spans;
      assert.equal(spans.reduce((n, s) => n + s.merged, 0), liveRaw.length, `before finish at ${resolution}`);
    }
  });

  it('keeps ends exact for spans of 4.3 s and more and for non-integer times, in tracks and in small lanes', () => {
    const exact = new TimelineIndex();
    const proc = exact.lane('proc', 0, 'P0');
    const g = exact.goroutineLane(5);
    const spans: [number, number][] = [[0, 2 ** 32 - 2], [2 ** 32, 2 ** 32 + 2 ** 32 - 1], [2 ** 33, 2 ** 35], [2 ** 35 + 0.5, 2 ** 35 + 3], [2 ** 36, 2 ** 36]];
    for (const [start, end] of spans) {
      exact.add(proc, 0, 'state', start, end, 'G1');
      exact.add(g, 0, 'state', start, end, 'Running');
    }
    // Enough spans after them that the proc lane builds levels above the exact one.
    for (let i = 0; i < 500; i++) exact.add(proc, 0, 'state', 2 ** 37 + i * 10, 2 ** 37 + i * 10 + 5, 'G1');
    exact.finish();
    for (const lane of [proc, g]) {
      const got = exact.query({ startNs: 0, endNs: 2 ** 36, resolutionNs: 0, lanes: [lane] }).lanes[0].spans.map((s) => [s.startNs, s.endNs]);
      assert.deepEqual(got, spans, `lane ${lane}`);
    }
    const whole = exact.query({ startNs: 0, endNs: 2 ** 38, resolutionNs: 2 ** 30, lanes: [proc] }).lanes[0].spans;
    assert.equal(whole.reduce((n, s) => n + s.merged, 0), spans.length + 500);
    assert.equal(Math.max(...whole.map((s) => s.endNs)), 2 ** 37 + 4995);
    // Past a budget of 1, a new small lane keeps its extent exactly.
    const budgeted = new TimelineIndex(1);
    budgeted.add(budgeted.goroutineLane(1), 0, 'state', 0, 10, 'Running');
    const left = budgeted.goroutineLane(2);
    budgeted.add(left, 0, 'state', 7, 2 ** 33 + 1, 'Running');
    budgeted.add(left, 0, 'state', 2 ** 33 + 1, 2 ** 34 + 3, 'Runnable');
    budgeted.finish();
    assert.deepEqual(budgeted.query({ startNs: 0, endNs: 2 ** 35, resolutionNs: 0, lanes: [left] }).lanes[0].spans.map((s) => [s.startNs, s.endNs, s.merged]), [[7, 2 ** 34 + 3, 2]]);
    // Lane ids of 2^32 and more stay exact too.
    const big = exact.goroutineLane(2 ** 40 + 1);
    assert.deepEqual([exact.laneOf(big).id, exact.laneLabel(big), exact.laneId(g)], [2 ** 40 + 1, `G${2 ** 40 + 1}`, 5]);
  });

  it('nests regions by depth in rows', () => {
    const nested = new TimelineIndex();
    const lane = nested.lane('goroutine', 1, 'G1');
    nested.add(lane, 2, 'region', 10, 20, 'inner');
    nested.add(lane, 1, 'region', 5, 30, 'outer');
    nested.add(lane, 0, 'state', 0, 40, 'Running');
    nested.finish();
    const spans = nested.query({ startNs: 0, endNs: 50, resolutionNs: 0 }).lanes[1].spans;
    assert.deepEqual(spans.map((s) => [s.category, s.depth, s.label]), [['state', 0, 'Running'], ['region', 0, 'outer'], ['region', 1, 'inner']]);
  });

  it('keeps short goroutine lanes in the shared store, moves a long one to tracks with every span, and counts what the budget leaves out', () => {
    const budget = 1_000;
    const index = new TimelineIndex(budget);
    const spansOf = (lane: number, resolutionNs = 0) => index.query({ startNs: 0, endNs: 1e9, resolutionNs, lanes: [lane] }).lanes[0].spans;
    // 100 short goroutines of 5 spans each (states and a region): 500 spans, within the budget.
    const short: number[] = [];
    for (let g = 0; g < 100; g++) {
      const lane = index.goroutineLane(1000 + g);
      index.nameGoroutine(lane, 'main.serve');
      const t = g * 100;
      index.add(lane, 0, 'state', t, t + 10, 'Runnable');
      index.add(lane, 0, 'state', t + 10, t + 30, 'Running');
      index.add(lane, 1, 'region', t + 12, t + 28, 'handler');
      index.add(lane, 0, 'state', t + 30, t + 50, 'Waiting (chan receive)');
      index.add(lane, 0, 'state', t + 50, t + 60, 'Running');
      short.push(lane);
    }
    assert.equal(index.laneLabel(short[7]), 'G1007 main.serve');
    assert.deepEqual(spansOf(short[7]).map((s) => [s.label, s.startNs, s.endNs, s.depth, s.category]), [
      ['Runnable', 700, 710, 0, 'state'], ['Running', 710, 730, 0, 'state'], ['Waiting (chan receive)', 730, 750, 0, 'state'],
      ['Running', 750, 760, 0, 'state'], ['handler', 712, 728, 0, 'region'],
    ]);
    // A proc lane's running span is labelled with the goroutine's lane label.
    const proc = index.lane('proc', 0, 'P0');
    index.addRunning(proc, 710, 730, short[7]);
    assert.deepEqual(spansOf(proc).map((s) => s.label), ['G1007 main.serve']);
    // A long-lived goroutine outgrows the store: every span still there, at every resolution.
    const long = index.goroutineLane(1);
    const n = 3 * SMALL_LANE_SPANS;
    for (let i = 0; i < n; i++) index.add(long, 0, 'state', 20_000 + i * 10, 20_000 + i * 10 + 5, i % 2 ? 'Running' : 'Runnable');
    assert.equal(spansOf(long).length, n);
    assert.equal(spansOf(long, 1e6).reduce((sum, s) => sum + s.merged, 0), n);
    // Past the budget a short lane keeps its extent and count: one merged span, nothing lost from the counts.
    while (index.storedSpans < budget) index.add(index.lane('proc', 1, 'P1'), 0, 'state', 1e6 + index.storedSpans * 10, 1e6 + index.storedSpans * 10 + 5, 'G1');
    const late = index.goroutineLane(5000);
    for (let i = 0; i < 4; i++) index.add(late, 0, 'state', 2e6 + i * 10, 2e6 + i * 10 + 10, 'Running');
    assert.deepEqual(spansOf(late).map((s) => [s.label, s.startNs, s.endNs, s.merged]), [['mixed', 2e6, 2e6 + 40, 4]]);
    // One that goes on living past the budget gets tracks all the same: its later spans are kept (coarser as levels freeze).
    for (let i = 4; i < 3 * SMALL_LANE_SPANS; i++) index.add(late, 0, 'state', 2e6 + i * 10, 2e6 + i * 10 + 10, 'Running');
    assert.equal(spansOf(late).reduce((sum, s) => sum + s.merged, 0), 3 * SMALL_LANE_SPANS);
    assert.ok(spansOf(late).length > 1, 'spans after the left-out ones are stored');
    // GC, 100 short goroutines, P0, the long goroutine, P1 and the late goroutine.
    assert.equal(index.lanesCount, 1 + 100 + 1 + 1 + 1 + 1);
  });

  it('answers the same for a small lane once its goroutine finished (a record), exact times and ids included, and reads it back when written again', () => {
    const budget = 40;
    const index = new TimelineIndex(budget);
    const rand = random(7);
    const lanes: number[] = [];
    // Odd times: non-integers, offsets past 2^32 and 2^51, spans out of start order across rows, lanes past the budget.
    for (let g = 0; g < 30; g++) {
      const lane = index.goroutineLane(g === 3 ? 2 ** 40 + 3 : g === 4 ? -7 : 100 + g);
      if (g % 3 !== 0) index.nameGoroutine(lane, g % 2 ? 'main.serve' : 'net/http.(*conn).serve');
      if (g === 5) index.relabel(lane, 'custom');
      let t = g === 6 ? 2 ** 52 : g * 1e9 + (g === 7 ? 0.25 : 0);
      for (let i = 0; i < 1 + (g % 5); i++) {
        const d = g === 8 ? 2 ** 33 : Math.floor(rand() * 1e4);
        index.add(lane, 1, 'region', t + 1, t + d, `r${i % 2}`);
        index.add(lane, 0, 'state', t, t + d + 2, i % 2 ? 'Running' : 'Runnable');
        index.goroutineState(lane, t, i % 2 ? 1 : 0);
        t += d + 2;
      }
      lanes.push(lane);
    }
    const window = { startNs: 0, endNs: 2 ** 53, resolutionNs: 0, lanes };
    const before = index.query(window);
    const coarse = { ...window, resolutionNs: 1e8 };
    const coarseBefore = index.query(coarse);
    const heads = lanes.map((l) => [index.laneKind(l), index.laneId(l), index.laneLabel(l), index.laneGroup(l)]);
    for (const lane of lanes.slice(0, 10)) index.finishGoroutine(lane);
    assert.deepEqual(index.query(window), before);
    index.finish();
    assert.deepEqual(index.query(window), before);
    assert.deepEqual(index.query(coarse), coarseBefore);
    assert.deepEqual(lanes.map((l) => [index.laneKind(l), index.laneId(l), index.laneLabel(l), index.laneGroup(l)]), heads);
    // A finished lane written to again takes its spans back and goes on as before (past the budget: left out, counted).
    index.add(lanes[1], 0, 'state', 2e9 + 1e8, 2e9 + 1e8 + 5, 'Running');
    const spans = index.query({ ...window, lanes: [lanes[1]] }).lanes[0].spans;
    const states = before.lanes[1].spans.filter((s) => s.category === 'state');
    assert.deepEqual(spans.slice(0, states.length), states);
    assert.deepEqual(spans[states.length], { category: 'state', depth: 0, startNs: 2e9 + 1e8, endNs: 2e9 + 1e8 + 5, label: 'mixed', merged: 1 });
  });

  it('stays within its span budget, coarser beyond it, without losing or double-counting spans', () => {
    const budget = 2_000;
    const small = new TimelineIndex(budget);
    const lanes = [1, 2, 3].map((seed) => buildLane(small, 20_000, seed));
    for (const l of lanes) assert.ok(l.length === 20_000);
    const mid = small.storedSpans; // before finish, some merges are still open
    small.finish();
    assert.ok(small.storedSpans <= 3 * budget + 2_000, `${small.storedSpans} spans stored for a budget of ${budget} (${mid} before finish)`);
    assert.ok(SPAN_BUDGET >= 1_000_000);
    const all = lanes.flat();
    const start = Math.min(...all.map((r) => r.start));
    const end = Math.max(...all.map((r) => r.end));
    for (const resolution of [0, 10, 1_000, 100_000, 1e7]) {
      const slice = small.query({ startNs: start, endNs: end, resolutionNs: resolution });
      const goroutineLanes = slice.lanes.filter((l) => l.lane.kind === 'goroutine');
      goroutineLanes.forEach((l, i) => {
        assert.equal(l.spans.reduce((n, s) => n + s.merged, 0), lanes[i].length, `lane ${i} at ${resolution} ns/px`);
        checkWindow(l.spans, lanes[i], start, end, resolution, true);
      });
    }
    const next = random(5);
    for (let i = 0; i < 100; i++) {
      const a = start + Math.floor(next() * (end - start));
      const b = a + Math.floor(next() * (end - a));
      const resolution = Math.floor(10 ** (next() * 6));
      const slice = small.query({ startNs: a, endNs: b, resolutionNs: resolution, lanes: [1, 2, 3] });
      slice.lanes.forEach((l, k) => checkWindow(l.spans, lanes[k], a, b, resolution, true));
    }
    // The first spans are still exact at full resolution; the last ones are merged.
    const first = small.query({ startNs: lanes[0][0].start, endNs: lanes[0][5].end, resolutionNs: 0, lanes: [1] }).lanes[0].spans;
    assert.deepEqual(first.slice(0, 5).map((s) => s.merged), [1, 1, 1, 1, 1]);
    const tail = lanes[0].slice(-50);
    const last = small.query({ startNs: tail[0].start, endNs: tail[49].end, resolutionNs: 0, lanes: [1] }).lanes[0].spans;
    assert.ok(last.some((s) => s.merged > 1), 'spans past the budget are kept merged');
  });
});
