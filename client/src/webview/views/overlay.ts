// Two latency histograms over one axis (the comparison's shared log-spaced buckets): the old trace's
// as outlined bars, the new trace's filled, each as its share of its own trace's instances (so
// different counts compare). Screen readers get one sentence per bucket that holds any.
import type { SharedHistogram } from '../../../../common/traceComparison';
import { h } from '../dom';
import { formatDuration } from '../format';

export function overlaidHistogram(histogram: SharedHistogram | undefined, caption: string, compact = false): HTMLElement {
  const figure = h('figure', { className: `overlay${compact ? ' compact' : ''}` });
  if (histogram === undefined) return figure;
  const total = (counts: number[]) => Math.max(1, counts.reduce((a, b) => a + b, 0));
  const oldTotal = total(histogram.old);
  const newTotal = total(histogram.new);
  const shares = histogram.old.map((o, i): [number, number] => [o / oldTotal, histogram.new[i] / newTotal]);
  const max = Math.max(...shares.flat(), 1e-9);
  const bar = (share: number, className: string) => {
    if (share === 0) return null;
    const element = h('span', { className, attrs: { 'aria-hidden': 'true' } });
    element.style.height = `${Math.max(3, (100 * share) / max)}%`;
    return element;
  };
  const percent = (share: number) => `${(100 * share).toFixed(share > 0 && share < 0.01 ? 2 : 0)}%`;
  const buckets = shares.map(([o, n], i) => {
    const open = histogram.lastIsOpen && i === shares.length - 1;
    const label = open ? `${formatDuration(histogram.boundsNs[i])} and longer` : `${formatDuration(histogram.boundsNs[i])} – ${formatDuration(histogram.boundsNs[i + 1])}`;
    const sentence = `${label}: ${percent(o)} old, ${percent(n)} new`;
    return h('li', { className: 'bucket', attrs: { title: sentence } }, bar(o, 'bar old'), bar(n, 'bar new'),
      o + n > 0 && h('span', { className: 'visually-hidden' }, sentence));
  });
  const bounds = histogram.boundsNs;
  figure.append(
    h('ol', { className: 'bars', attrs: { 'aria-label': caption } }, ...buckets),
    ...(compact ? [] : [
      h('div', { className: 'axis', attrs: { 'aria-hidden': 'true' } }, h('span', {}, formatDuration(bounds[0])), h('span', {}, histogram.lastIsOpen ? `≥ ${formatDuration(bounds[bounds.length - 2])}` : formatDuration(bounds[bounds.length - 1]))),
      h('figcaption', {}, h('span', { className: 'key old' }, 'old'), ' ', h('span', { className: 'key new' }, 'new'), ` — ${caption}`),
    ]),
  );
  return figure;
}
