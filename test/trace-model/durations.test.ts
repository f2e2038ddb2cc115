import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DurationSeries, log2Histogram, nearestRank } from '../../server/src/trace/summary/durations';
import { InstanceKeeper, KEPT_SAMPLE, KEPT_SLOWEST } from '../../server/src/trace/summary/instances';

describe('exact percentiles', () => {
  it('nearest rank is the smallest value with at least p% of values at or below it', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 1; n <= 300; n += 7) {
      const values = Array.from({ length: n }, () => next() % 1000);
      const series = new DurationSeries();
      for (const v of values) series.add(v);
      const stats = series.stats();
      for (const [p, got] of [[50, stats.p50Ns], [90, stats.p90Ns], [99, stats.p99Ns]] as const) {
        const atOrBelow = values.filter((v) => v <= got).length;
        const below = values.filter((v) => v < got).length;
        assert.ok(atOrBelow * 100 >= p * n, `p${p} of ${n}: too small`);
        assert.ok(below * 100 < p * n, `p${p} of ${n}: not the smallest such value`);
        assert.ok(values.includes(got));
      }
      assert.equal(stats.maxNs, Math.max(...values));
      assert.equal(stats.totalNs, values.reduce((a, b) => a + b, 0));
      assert.equal(stats.histogram.counts.reduce((a, b) => a + b, 0), n);
    }
  });

  it('selection gives the same percentiles as sorting, with many ties and large series', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const [n, range] of [[1000, 5], [10_007, 1000], [65_536, 2 ** 31], [3, 1]]) {
      const values = Array.from({ length: n }, () => next() % range);
      const series = new DurationSeries();
      for (const v of values) series.add(v);
      const sorted = [...values].sort((a, b) => a - b);
      const stats = series.stats();
      assert.deepEqual([stats.p50Ns, stats.p90Ns, stats.p99Ns, stats.maxNs], [nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99), sorted[n - 1]], `n=${n} range=${range}`);
    }
  });

  it('counting and narrowing give what sorting gives, for values of every size and clusters of ties', () => {
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const cases: [string, () => number][] = [
      ['below 256', () => next() % 256],
      ['one wide bucket, spread', () => 2 ** 40 + (next() % 2 ** 30) * 2 ** 3],
      ['ties at a tick', () => (next() % 10 < 7 ? 2112 : 64 * (next() % 5000))],
      ['near 2^63', () => 2 ** 62 + (next() % 1000) * 2 ** 40],
      ['long tail', () => Math.floor(2 ** ((next() % 4000) / 100))],
    ];
    for (const [what, value] of cases) {
      const values = Array.from({ length: 30_000 }, value);
      const series = new DurationSeries();
      for (const v of values) series.add(v);
      const sorted = [...values].sort((a, b) => a - b);
      const stats = series.stats();
      assert.deepEqual([stats.p50Ns, stats.p90Ns, stats.p99Ns, stats.maxNs],
        [nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99), sorted[sorted.length - 1]], what);
      assert.deepEqual(stats.histogram, log2Histogram(values), `${what}: histogram`);
    }
  });

  it('handles the edges', () => {
    assert.equal(nearestRank([], 50), 0);
    assert.equal(nearestRank([7], 99), 7);
    assert.equal(nearestRank([1, 2, 3, 4], 50), 2);
    assert.equal(nearestRank([1, 2, 3, 4], 51), 3);
    const h = log2Histogram([0, 1, 3, 4, 1023, 1024, 2 ** 50 - 1, 2 ** 50]);
    assert.equal(h.boundsNs[0], 1);
    for (const v of [0, 1, 3, 4, 1023, 1024, 2 ** 50 - 1, 2 ** 50]) {
      const i = h.boundsNs.findIndex((b, k) => k + 1 < h.boundsNs.length && Math.max(v, 1) >= b && v < h.boundsNs[k + 1]);
      assert.ok(i >= 0, `${v} has a bucket`);
    }
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 8);
    assert.equal(h.counts[h.counts.length - 1], 1, '2^50 alone in the last bucket');
  });

  it('keeps durations of 4.3 s and longer, fractions and negatives exactly, in any chunk', () => {
    // Values are kept by size (16-bit, 32-bit, doubles) in chunks of 8192: odd values land among
    // short ones in full chunks and in the one still growing.
    const odd = [2 ** 32, 2 ** 32 - 1, 2 ** 32 + 9, 2 ** 53 - 1, 0.5, -3, 7e12];
    const at = new Map([[5000, odd[0]], [12_000, odd[1]], [16_384, odd[2]], [19_999, odd[3]]]);
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) values.push(at.get(i) ?? (i * 7919) % 100_003);
    values.push(...odd.slice(4));
    const series = new DurationSeries();
    for (const v of values) series.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    const stats = series.stats();
    assert.equal(stats.completeCount, values.length);
    assert.equal(stats.maxNs, 2 ** 53 - 1);
    assert.equal(stats.totalNs, values.reduce((a, b) => a + b, 0));
    assert.deepEqual([stats.p50Ns, stats.p90Ns, stats.p99Ns], [nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99)]);
    const small = new DurationSeries();
    for (const v of [3, 2 ** 32 + 5, 1]) small.add(v);
    assert.deepEqual([small.stats().p50Ns, small.stats().maxNs], [3, 2 ** 32 + 5]);
  });

  it('takes another series\' chunks whole, with the statistics of adding their values one by one', () => {
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    // Short, medium and other values, and more than a chunk (8192) of them, on both sides.
    const value = () => [next() % 60_000, 70_000 + (next() % 10_000_000), 2 ** 33 + next()][next() % 3];
    const mine = Array.from({ length: 9_000 }, value);
    const theirs = Array.from({ length: 20_000 }, value);
    const merged = new DurationSeries();
    for (const v of mine) merged.add(v);
    const other = new DurationSeries();
    for (const v of theirs) other.add(v);
    for (const chunk of other.chunks()) merged.addChunk(chunk.slice());
    merged.add(3);
    const oneByOne = new DurationSeries();
    for (const v of [...mine, ...theirs, 3]) oneByOne.add(v);
    assert.equal(merged.completeCount, mine.length + theirs.length + 1);
    assert.deepEqual(merged.stats(), oneByOne.stats());
  });

  it('keeps chunks taken whole in a size that had no value of its own (a range\'s long regions only)', () => {
    // The main thread's series holds short durations only; the other range's also medium and other ones.
    const merged = new DurationSeries();
    for (const v of [5, 6]) merged.add(v);
    const other = new DurationSeries();
    for (const v of [7, 168_000, 897_792, 2 ** 33]) other.add(v);
    for (const chunk of other.chunks()) merged.addChunk(chunk.slice());
    const oneByOne = new DurationSeries();
    for (const v of [5, 6, 7, 168_000, 897_792, 2 ** 33]) oneByOne.add(v);
    assert.deepEqual(merged.stats(), oneByOne.stats());
    assert.equal(merged.stats().maxNs, 2 ** 33);
    // And a series made of adopted chunks alone.
    const adoptedOnly = new DurationSeries();
    for (const chunk of other.chunks()) adoptedOnly.addChunk(chunk.slice());
    assert.deepEqual(adoptedOnly.stats(), other.stats());
  });

  it('counts incomplete instances without durations', () => {
    const s = new DurationSeries();
    s.add(5);
    s.incomplete += 2;
    assert.deepEqual([s.count, s.stats().completeCount, s.stats().p50Ns], [3, 1, 5]);
  });
});

describe('bounded instance keeping', () => {
  it('keeps exactly the slowest instances plus a bounded sample', () => {
    const keeper = new InstanceKeeper<{ durationNs?: number; id: number }>();
    const n = 10_000;
    let rejected = 0;
    for (let i = 0; i < n; i++) if (!keeper.offer({ id: i, durationNs: (i * 7919) % n })) rejected++;
    if (!keeper.offer({ id: -1 })) rejected++;
    const kept = keeper.instances();
    assert.ok(kept.length <= KEPT_SLOWEST + KEPT_SAMPLE);
    assert.deepEqual(kept.slice(0, KEPT_SLOWEST).map((k) => k.durationNs), Array.from({ length: KEPT_SLOWEST }, (_, i) => n - 1 - i));
    assert.equal(new Set(kept.map((k) => k.id)).size, kept.length, 'each kept instance is listed once');
    assert.ok(rejected > n - 10 * (KEPT_SLOWEST + KEPT_SAMPLE), `most instances are not kept (${rejected} rejected)`);
  });
});
