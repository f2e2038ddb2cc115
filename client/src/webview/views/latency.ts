// Regions by type and by call site: latency percentiles, a histogram, call sites and the slowest
// instances. (Task instances have their own view, views/tasks.ts.)
import type { RegionTypeStats, SiteStats } from '../../../../common/traceModel';
import { h, linkButton } from '../dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { histogram } from './histogram';
import { instanceSection } from './instances';
import { dataTable, type Column } from './table';

const latencyColumns = <T extends SiteStats | RegionTypeStats>(): Column<T>[] => [
  { header: 'Count', value: (s) => s.count, cell: (s) => formatCount(s.count), numeric: true },
  { header: 'p50', value: (s) => s.p50Ns, cell: (s) => formatDuration(s.p50Ns), numeric: true },
  { header: 'p90', value: (s) => s.p90Ns, cell: (s) => formatDuration(s.p90Ns), numeric: true },
  { header: 'p99', value: (s) => s.p99Ns, cell: (s) => formatDuration(s.p99Ns), numeric: true },
  { header: 'Max', value: (s) => s.maxNs, cell: (s) => formatDuration(s.maxNs), numeric: true },
  { header: 'Total', value: (s) => s.totalNs, cell: (s) => formatDuration(s.totalNs), numeric: true },
];

export function regionsView(ctx: ViewContext): HTMLElement {
  const all = ctx.summary.regions;
  const selectedType = ctx.state.selected.regions;
  const selected = all.find((t) => t.type === selectedType);
  const focus = ctx.state.focusSite;

  const typeTable = dataTable<RegionTypeStats>({
    caption: 'Regions by type', rows: all, key: (t) => t.type, selectedKey: selectedType, sortColumn: 6,
    columns: [{ header: 'Region type', value: (t) => t.type }, ...latencyColumns<RegionTypeStats>()],
    onActivate: (t) => { ctx.saveState((s) => { s.selected.regions = t.type; s.focusSite = undefined; }); ctx.rerender(); },
    emptyText: 'No regions in this trace.',
  });

  const siteColumn: Column<SiteStats> = {
    header: 'Call site', value: (s) => siteLabel(s.site),
    cell: (s) => linkButton(siteLabel(s.site), siteTitle(s.site), () => ctx.reveal(s.site)),
  };
  const detail = selected && h('section', { className: 'detail', attrs: { 'aria-label': `Region type ${selected.type}` } },
    h('h2', {}, `Region type “${selected.type}”`),
    histogram(selected, `Latency of ${selected.type}`),
    dataTable<SiteStats>({
      caption: `Call sites of “${selected.type}”`, rows: selected.sites, key: (s) => `${s.site.file}:${s.site.line}`, sortColumn: 1,
      columns: [siteColumn, ...latencyColumns<SiteStats>(), { header: 'Function', value: (s) => s.site.function }],
      onActivate: (s) => ctx.reveal(s.site),
    }),
    focus && h('p', { className: 'focus-note' }, `Showing only instances from ${siteLabel({ function: '', ...focus })} (from the CodeLens). `,
      h('button', { attrs: { type: 'button' }, on: { click: () => { ctx.saveState((s) => { s.focusSite = undefined; }); ctx.rerender(); } } }, 'Show all')),
    instanceSection(ctx, { type: selected.type, limit: 200, site: focus }),
  );

  const bySite = dataTable<SiteStats & { type: string }>({
    caption: 'Regions by call site',
    rows: ctx.summary.regions.flatMap((t) => t.sites.map((s) => ({ ...s, type: t.type }))),
    key: (s) => `${s.type}@${s.site.file}:${s.site.line}`, sortColumn: 7,
    columns: [siteColumn, { header: 'Region type', value: (s) => s.type }, ...latencyColumns<SiteStats>()],
    onActivate: (s) => ctx.reveal(s.site),
  });

  return h('div', { className: 'view regions' }, h('h1', {}, 'Regions'), typeTable, detail, h('h2', {}, 'By call site'), bySite);
}
