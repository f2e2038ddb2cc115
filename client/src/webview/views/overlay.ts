// Two latency histograms over one axis of power-of-two buckets: the old trace's as outlined bars, the
// new trace's filled, each as its share of its own trace's instances (so different counts compare).
// Screen readers get one sentence per bucket.
import type { LatencyStats } from '../../../../common/traceModel';
import { h } from '../dom';
import { formatDuration } from '../format';

type Histogram = LatencyStats['histogram'];

/** Counts by power-of-two exponent (bounds are 2^k, so log2 of a bound is exact). */
function byExponent(histogram: Histogram | undefined): Map<number, number> {
  const out = new Map<number, number>();
  histogram?.counts.forEach((count, i) => out.set(Math.round(Math.log2(histogram.boundsNs[i])), count));
  return out;
}

export function overlaidHistogram(before: LatencyStats | undefined, after: LatencyStats | undefined, caption: string, compact = false): HTMLElement {
  const old = byExponent(before?.histogram);
  const cur = byExponent(after?.histogram);
  const exponents = [...old.keys(), ...cur.keys()];
  const figure = h('figure', { className: `overlay${compact ? ' compact' : ''}` });
  if (exponents.length === 0) return figure;
  const low = Math.min(...exponents);
  const high = Math.max(...exponents);
  const oldTotal = Math.max(1, [...old.values()].reduce((a, b) => a + b, 0));
  const newTotal = Math.max(1, [...cur.values()].reduce((a, b) => a + b, 0));
  const shares: [number, number][] = [];
  for (let e = low; e <= high; e++) shares.push([(old.get(e) ?? 0) / oldTotal, (cur.get(e) ?? 0) / newTotal]);
  const max = Math.max(...shares.flat(), 1e-9);
  const bar = (share: number, className: string) => {
    const element = h('span', { className, attrs: { 'aria-hidden': 'true' } });
    element.style.height = `${share === 0 ? 0 : Math.max(3, (100 * share) / max)}%`;
    return element;
  };
  const percent = (share: number) => `${(100 * share).toFixed(share > 0 && share < 0.01 ? 2 : 0)}%`;
  const buckets = shares.map(([o, n], i) => {
    const label = `${formatDuration(2 ** (low + i))} – ${formatDuration(2 ** (low + i + 1))}`;
    const sentence = `${label}: ${percent(o)} old, ${percent(n)} new`;
    return h('li', { className: 'bucket', attrs: { title: sentence } }, bar(o, 'bar old'), bar(n, 'bar new'), h('span', { className: 'visually-hidden' }, sentence));
  });
  figure.append(
    h('ol', { className: 'bars', attrs: { 'aria-label': caption } }, ...buckets),
    ...(compact ? [] : [
      h('div', { className: 'axis', attrs: { 'aria-hidden': 'true' } }, h('span', {}, formatDuration(2 ** low)), h('span', {}, formatDuration(2 ** (high + 1)))),
      h('figcaption', {}, h('span', { className: 'key old' }, 'old'), ' ', h('span', { className: 'key new' }, 'new'), ` — ${caption}`),
    ]),
  );
  return figure;
}
