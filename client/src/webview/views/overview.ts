// Overview: what the trace is, how it was captured, and what to watch out for.
import type { LogCategoryStats, TraceOverview } from '../../../../common/traceModel';
import { h, linkButton, replaceChildren } from '../dom';
import { countOf, formatBytes, formatCount, formatDuration, formatPercent, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { dataTable } from './table';

export function overviewView(ctx: ViewContext): HTMLElement {
  const o = ctx.summary.overview;
  const facts: [string, string][] = [
    ['Go version', o.goVersion || 'unknown'],
    ['Duration', formatDuration(o.durationNs)],
    ['File size', formatBytes(o.fileBytes)],
    ['Generations', formatCount(o.generations)],
    ['Events', formatCount(o.events)],
    ['Goroutines', formatCount(o.goroutines)],
    ['Procs (GOMAXPROCS)', formatCount(o.procs)],
    ['GC cycles', formatCount(o.gcCount)],
    ['GC pause total', `${formatDuration(o.gcPauseNs)} (${formatPercent(o.gcPauseNs, o.durationNs)} of the trace)`],
    ['Peak heap', formatBytes(o.peakHeapBytes)],
    ['Capture', captureKind(o)],
  ];
  const warnings: HTMLElement[] = [];
  // A window of exactly N s records a little more (starting and stopping the tracer take a moment).
  const windowNs = ctx.captureWindowSeconds * 1e9 * 1.05;
  if (o.durationNs > windowNs) {
    warnings.push(h('p', { className: 'warning', attrs: { role: 'note' } },
      `This trace covers ${formatDuration(o.durationNs)}, longer than the ${formatDuration(ctx.captureWindowSeconds * 1e9)} capture window (goTraceLens.lint.captureWindowSeconds). `,
      'Long captures are slow to load and dilute the interesting moments; prefer several short windows or the flight recorder.'));
  }
  if (o.spansStartup) {
    warnings.push(h('p', { className: 'warning', attrs: { role: 'note' } },
      'The capture includes program start-up: initialisation work shows up beside steady-state behaviour.'));
  }
  if (o.truncatedError) {
    warnings.push(h('p', { className: 'error', attrs: { role: 'alert' } },
      `This file is truncated or damaged after ${countOf(o.generations, 'complete generation')}: `
      + `every view shows those generations only, as go tool trace does. The reader stopped with: ${o.truncatedError}`));
  }

  const logs = h('section', { attrs: { 'aria-label': 'Logs' } });
  const renderLogs = (): void => {
    const selected = ctx.state.selected.logs;
    const stats = ctx.summary.logs.find((l) => l.category === selected);
    replaceChildren(logs,
      h('h2', {}, 'Logs by category'),
      dataTable<LogCategoryStats>({
        caption: 'trace.Log calls by category', rows: ctx.summary.logs, key: (l) => l.category, selectedKey: selected, sortColumn: 1,
        columns: [
          { header: 'Category', value: (l) => l.category, cell: (l) => l.category || '(none)' },
          { header: 'Count', value: (l) => l.count, cell: (l) => formatCount(l.count), numeric: true },
          { header: 'Share of events', value: (l) => l.count, cell: (l) => formatPercent(l.count, o.events), numeric: true },
          { header: 'Call sites', value: (l) => l.sites.length, numeric: true },
        ],
        onActivate: (l) => { ctx.saveState((s) => { s.selected.logs = l.category; }); renderLogs(); },
        emptyText: 'No trace.Log calls in this trace.',
      }),
      stats && h('h3', {}, `Log category “${stats.category}”`),
      stats && dataTable({
        caption: `Call sites of log category “${stats.category}”`, rows: stats.sites, key: (s) => `${s.site.file}:${s.site.line}`, sortColumn: 1,
        columns: [
          { header: 'Call site', value: (s) => siteLabel(s.site), cell: (s) => linkButton(siteLabel(s.site), siteTitle(s.site), () => ctx.reveal(s.site)) },
          { header: 'Count', value: (s) => s.count, cell: (s) => formatCount(s.count), numeric: true },
          { header: 'Function', value: (s) => s.site.function },
        ],
        onActivate: (s) => ctx.reveal(s.site),
      }),
    );
  };
  renderLogs();

  return h('div', { className: 'view overview' },
    h('h1', {}, 'Overview'),
    ...warnings,
    h('dl', { className: 'facts' }, ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    logs);
}

function captureKind(o: TraceOverview): string {
  const how = o.flightRecorder ? 'flight recorder snapshot' : 'trace.Start … Stop';
  return o.truncatedError === undefined ? how : `${how}, truncated (${countOf(o.generations, 'complete generation')} shown)`;
}
