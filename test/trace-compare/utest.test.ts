// The Mann–Whitney U test against values published elsewhere (R's documentation, benchstat's own
// table, ClickHouse's test suite) and against brute-force enumeration of the exact distribution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erfc, exactCdf, mannWhitneyU, normalP, type SortedSample } from '../../server/src/trace/compare/utest';

const sorted = (values: number[]): Float64Array => Float64Array.from(values).sort();

test('R wilcox.test example (?wilcox.test, "alternative = g"): W = 35, one-sided p = 0.1272, so two-sided 0.2544', () => {
  const x = sorted([0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]);
  const y = sorted([1.15, 0.88, 0.90, 0.74, 1.21]);
  const r = mannWhitneyU(x, y);
  assert.equal(r.u, 35);
  assert.equal(r.method, 'exact');
  assert.equal(r.p.toFixed(4), '0.2544');
  // The other way round: U of the other sample, same p.
  const back = mannWhitneyU(y, x);
  assert.equal(back.u, 10 * 5 - 35);
  assert.equal(back.p, r.p);
});

test('completely separated samples give benchstat\'s minimum p-values (benchmath uTestMinP, n = 2…9)', () => {
  const table = [0, 1, 0.3333333333333333, 0.1, 0.02857142857142857, 0.007936507936507936, 0.0021645021645021645,
    0.0005827505827505828, 0.0001554001554001554, 4.113533525298231e-05];
  for (let n = 2; n <= 9; n++) {
    const low = sorted(Array.from({ length: n }, (_, i) => i));
    const high = sorted(Array.from({ length: n }, (_, i) => 100 + i));
    const p = mannWhitneyU(low, high).p;
    assert.ok(Math.abs(p - table[n]) < 1e-15 * Math.max(1, 1 / table[n]), `n=${n}: ${p} against ${table[n]}`);
  }
});

test('normal approximation with tie and continuity correction: ClickHouse 01560_mann_whitney, p = 0.5426959774289482', () => {
  // 20 against 20 values with four tied pairs (Σ t³ − t = 4 · 6): benchstat uses the exact distribution
  // for samples this small with ties (≤ 25), so the approximation is checked on its own here.
  assert.ok(Math.abs(normalP(223, 20, 20, 24) - 0.5426959774289482) < 1e-12);
  assert.equal(normalP(177, 20, 20, 24), normalP(223, 20, 20, 24));
});

test('samples over 50 use the normal approximation; identical samples give p = 1', () => {
  const a = sorted(Array.from({ length: 60 }, (_, i) => i % 7));
  const r = mannWhitneyU(a, a);
  assert.equal(r.method, 'normal');
  assert.equal(r.u, (60 * 60) / 2);
  assert.equal(r.p, 1);
});

test('all values equal, or an empty sample: the test cannot tell (p = 1)', () => {
  assert.equal(mannWhitneyU(sorted([5, 5, 5]), sorted([5, 5])).p, 1);
  assert.equal(mannWhitneyU(sorted([]), sorted([1, 2])).p, 1);
});

/** P(U ≤ u) by enumerating every way to pick the first sample's positions among the pooled values. */
function bruteCdf(pooled: number[], n1: number, u: number): number {
  const n = pooled.length;
  let hits = 0;
  let all = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let m = mask; m; m >>= 1) bits += m & 1;
    if (bits !== n1) continue;
    all++;
    let stat = 0;
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      for (let j = 0; j < n; j++) if (!(mask & (1 << j))) stat += pooled[i] > pooled[j] ? 1 : pooled[i] === pooled[j] ? 0.5 : 0;
    }
    if (stat <= u + 1e-9) hits++;
  }
  return hits / all;
}

test('the exact distribution with ties equals brute-force enumeration', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 25; round++) {
    const n1 = 2 + Math.floor(random() * 5);
    const n2 = 2 + Math.floor(random() * 5);
    const pooled = Array.from({ length: n1 + n2 }, () => Math.floor(random() * 4)).sort((a, b) => a - b);
    const groups: number[] = [];
    for (let i = 0; i < pooled.length;) {
      let j = i;
      while (j < pooled.length && pooled[j] === pooled[i]) j++;
      groups.push(j - i);
      i = j;
    }
    for (let twoU = 0; twoU <= 2 * n1 * n2; twoU++) {
      const want = bruteCdf(pooled, n1, twoU / 2);
      assert.ok(Math.abs(exactCdf(twoU / 2, n1, groups) - want) < 1e-12, `groups ${groups} n1=${n1} U=${twoU / 2}`);
    }
  }
});

/** The textbook computation on objects: pooled values sorted with their labels, mean ranks for ties. */
function referenceU(x1: number[], x2: number[]): { u: number; tieCorrection: number } {
  const pooled = [...x1.map((v) => ({ v, first: true })), ...x2.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  let tieCorrection = 0;
  for (let i = 0; i < pooled.length;) {
    let j = i;
    while (j < pooled.length && pooled[j].v === pooled[i].v) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (pooled[k].first) rankSum += rank;
    tieCorrection += (j - i) ** 3 - (j - i);
    i = j;
  }
  return { u: rankSum - (x1.length * (x1.length + 1)) / 2, tieCorrection };
}

test('the rank walk over typed arrays agrees with the object-based computation on large samples with ties', () => {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const x1 = Array.from({ length: 3000 }, () => 1000 + Math.floor(random() * 500));
  const x2 = Array.from({ length: 2500 }, () => 1020 + Math.floor(random() * 500));
  const samples: [SortedSample, SortedSample][] = [
    [Uint16Array.from(x1).sort(), Uint16Array.from(x2).sort()],
    [Uint32Array.from(x1).sort(), Float64Array.from(x2).sort()],
  ];
  const want = referenceU(x1, x2);
  for (const [a, b] of samples) {
    const r = mannWhitneyU(a, b);
    assert.equal(r.method, 'normal');
    assert.equal(r.u, want.u);
    assert.equal(r.p, normalP(want.u, 3000, 2500, want.tieCorrection));
    assert.ok(r.p < 0.05, `a shift of 20 in 500 over 5,500 values is significant (p=${r.p})`);
  }
});

test('hundreds of thousands of durations per side, in 2-byte arrays', () => {
  const n = 400_000;
  const a = new Uint16Array(n);
  const b = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = 1000 + (i % 5000);
    b[i] = 1000 + ((i * 7) % 5000);
  }
  a.sort();
  b.sort();
  const r = mannWhitneyU(a, b);
  assert.equal(r.u, (n * n) / 2); // the same multiset of values
  assert.equal(r.p, 1);
});

test('erfc to 1e-12 relative at known points', () => {
  for (const [x, want] of [[0, 1], [0.5, 0.4795001221869535], [1, 0.15729920705028513], [2, 0.004677734981047266],
    [3, 2.209049699858544e-5], [5, 1.5374597944280349e-12], [-1, 1.8427007929497148]]) {
    assert.ok(Math.abs(erfc(x) - want) <= 1e-12 * want, `erfc(${x}) = ${erfc(x)}, want ${want}`);
  }
});
