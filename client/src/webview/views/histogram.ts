// A latency histogram drawn with DOM bars; screen readers get one
// sentence per bucket in a list.
import type { LatencyStats } from '../../../../common/traceModel';
import { h } from '../dom';
import { formatCount, formatDuration } from '../format';

export function histogram(stats: LatencyStats, caption: string): HTMLElement {
  const { boundsNs, counts } = stats.histogram;
  const max = Math.max(1, ...counts);
  const buckets = counts.map((count, i) => {
    const label = `${formatDuration(boundsNs[i] ?? 0)} – ${boundsNs[i + 1] !== undefined ? formatDuration(boundsNs[i + 1]) : '∞'}`;
    const bar = h('span', { className: 'bar', attrs: { 'aria-hidden': 'true' } });
    bar.style.height = `${count === 0 ? 0 : Math.max(2, (100 * count) / max)}%`;
    return h('li', { className: 'bucket', attrs: { title: `${label}: ${formatCount(count)}` } },
      bar, h('span', { className: 'visually-hidden' }, `${label}: ${formatCount(count)}`));
  });
  const first = boundsNs.length > 0 ? formatDuration(boundsNs[0]) : '';
  const last = boundsNs.length > 1 ? formatDuration(boundsNs[boundsNs.length - 1]) : '';
  return h('figure', { className: 'histogram' },
    h('ol', { className: 'bars', attrs: { 'aria-label': caption } }, ...buckets),
    h('div', { className: 'axis', attrs: { 'aria-hidden': 'true' } }, h('span', {}, first), h('span', {}, last)),
    h('figcaption', {}, `${caption} — p50 ${formatDuration(stats.p50Ns)}, p90 ${formatDuration(stats.p90Ns)}, p99 ${formatDuration(stats.p99Ns)}, max ${formatDuration(stats.maxNs)}`));
}
