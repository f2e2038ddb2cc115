// Comparison view webview: two traces' tasks and regions side by side, benchstat-style, with both
// latency histograms overlaid per type. It holds no data at load: the extension sends the
// comparison after the `ready` → `init` handshake. Names from the traces go in as text only.
import { formatChange, type ChangeStatus, type LogComparison, type TypeComparison } from '../../../common/traceComparison';
import type { LatencyStats } from '../../../common/traceModel';
import type { CompareViewState, ComparisonState, FromCompareView, ToCompareView } from './compareMessages';
import { h, linkButton, replaceChildren } from './dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from './format';
import { overlaidHistogram } from './views/overlay';
import { dataTable, type Column } from './views/table';

declare function acquireVsCodeApi(): { postMessage(message: FromCompareView): void; getState(): unknown; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const viewState: CompareViewState = { ...(vscode.getState() as CompareViewState | undefined) };
let current: ComparisonState | undefined;

const header = h('header', { className: 'trace-header' });
const notice = h('div', { className: 'notice', attrs: { role: 'status', 'aria-live': 'polite' } });
const panel = h('main', { className: 'panel' });
document.body.append(header, notice, panel);

const STATUS_LABEL: Record<ChangeStatus, string> = { slower: 'slower', faster: 'faster', unchanged: '~', added: 'added', removed: 'removed' };
/** Default order: what got slower first, then faster, gone, new, and the unchanged last. */
const STATUS_RANK: Record<ChangeStatus, number> = { slower: 4, faster: 3, removed: 2, added: 1, unchanged: 0 };

const keyOf = (t: TypeComparison): string => `${t.kind}:${t.type}`;

function saveState(update: (s: CompareViewState) => void): void {
  update(viewState);
  vscode.setState(viewState);
}

function duration(s: LatencyStats | undefined, pick: (s: LatencyStats) => number): string {
  return s === undefined || s.completeCount === 0 ? '' : formatDuration(pick(s));
}

function change(t: TypeComparison, pct: number | null | undefined): string {
  if (t.status === 'unchanged') return '~';
  return t.old && t.new ? formatChange(pct) : '';
}

/** Sort key of a change column: unchanged and one-sided rows sort as no change. */
const changeValue = (t: TypeComparison, pct: number | null | undefined): number => (t.status === 'unchanged' || pct === null || pct === undefined ? 0 : pct);

function statusCell(status: ChangeStatus): HTMLElement {
  return h('span', { className: `change change-${status}` }, STATUS_LABEL[status]);
}

const typeColumns: Column<TypeComparison>[] = [
  { header: 'type', value: (t) => t.type },
  { header: 'kind', value: (t) => t.kind },
  { header: 'change', value: (t) => STATUS_RANK[t.status], cell: (t) => statusCell(t.status) },
  { header: 'old n', numeric: true, value: (t) => t.old?.count ?? -1, cell: (t) => (t.old ? formatCount(t.old.count) : '') },
  { header: 'new n', numeric: true, value: (t) => t.new?.count ?? -1, cell: (t) => (t.new ? formatCount(t.new.count) : '') },
  { header: 'old p50', numeric: true, value: (t) => t.old?.p50Ns ?? -1, cell: (t) => duration(t.old, (s) => s.p50Ns) },
  { header: 'new p50', numeric: true, value: (t) => t.new?.p50Ns ?? -1, cell: (t) => duration(t.new, (s) => s.p50Ns) },
  { header: 'Δ p50', numeric: true, value: (t) => changeValue(t, t.changePct?.p50), cell: (t) => change(t, t.changePct?.p50) },
  { header: 'old p99', numeric: true, value: (t) => t.old?.p99Ns ?? -1, cell: (t) => duration(t.old, (s) => s.p99Ns) },
  { header: 'new p99', numeric: true, value: (t) => t.new?.p99Ns ?? -1, cell: (t) => duration(t.new, (s) => s.p99Ns) },
  { header: 'Δ p99', numeric: true, value: (t) => changeValue(t, t.changePct?.p99), cell: (t) => change(t, t.changePct?.p99) },
  { header: 'p', numeric: true, value: (t) => t.test?.p ?? 2, cell: (t) => (t.test ? t.test.p.toFixed(3) : '') },
  { header: 'durations: old, new', value: (t) => changeValue(t, t.changePct?.p50), cell: (t) => overlaidHistogram(t.histograms, `${t.type}: durations, old and new`, true) },
];

const logColumns: Column<LogComparison>[] = [
  { header: 'category', value: (l) => l.category },
  { header: 'old', numeric: true, value: (l) => l.old, cell: (l) => formatCount(l.old) },
  { header: 'new', numeric: true, value: (l) => l.new, cell: (l) => formatCount(l.new) },
  { header: 'change', numeric: true, value: (l) => l.changePct ?? 0, cell: (l) => (l.status === 'added' || l.status === 'removed' ? l.status : formatChange(l.changePct)) },
];

function detail(t: TypeComparison): HTMLElement {
  const test = t.test
    ? `Mann–Whitney U test: p = ${t.test.p < 1e-4 ? t.test.p.toExponential(1) : t.test.p.toFixed(4)} (${t.test.method === 'exact' ? 'exact' : 'normal approximation'}, n = ${t.test.n1} + ${t.test.n2}): ` +
      (t.test.significant ? `the durations changed (${t.status}).` : `no significant change at α = ${current?.comparison?.alpha ?? 0.05}.`)
    : `Only in the ${t.status === 'added' ? 'new' : 'old'} trace.`;
  const sites = t.sites.map((s) => h('li', {},
    linkButton(siteLabel(s.site), siteTitle(s.site), () => vscode.postMessage({ type: 'reveal', location: s.site })),
    ` ${STATUS_LABEL[s.status]}`,
    s.old && s.new ? ` · p50 ${duration(s.old, (x) => x.p50Ns)} → ${duration(s.new, (x) => x.p50Ns)} · p99 ${duration(s.old, (x) => x.p99Ns)} → ${duration(s.new, (x) => x.p99Ns)}` : '',
    s.test ? ` · p=${s.test.p.toFixed(3)}` : ''));
  return h('section', { className: 'compare-detail', attrs: { 'aria-label': `${t.kind} ${t.type}` } },
    h('h2', {}, `${t.kind === 'task' ? 'Task' : 'Region'} “${t.type}”`),
    h('p', {}, test),
    overlaidHistogram(t.histograms, `${t.type}: share of instances per duration bucket (log scale)`),
    sites.length > 0 ? h('ul', { className: 'sites' }, ...sites) : null);
}

function render(): void {
  if (!current) return;
  replaceChildren(header, h('span', { className: 'trace-name' }, `${current.oldName} → ${current.newName}`),
    current.phase === 'loading' && h('span', { className: 'muted' }, 'Reading both traces, one after the other…'));
  const comparison = current.comparison;
  if (current.phase === 'error' || !comparison) {
    replaceChildren(panel, current.phase === 'error'
      ? h('p', { className: 'error', attrs: { role: 'alert' } }, `The traces could not be compared: ${current.error ?? 'unknown error'}`)
      : h('p', { className: 'muted' }, 'Comparing…'));
    return;
  }
  const types = [...comparison.tasks, ...comparison.regions];
  const selected = types.find((t) => keyOf(t) === viewState.selected);
  const keepScroll = panel.scrollTop;
  replaceChildren(panel,
    dataTable({
      caption: 'Tasks and regions, old → new', columns: typeColumns, rows: types, key: keyOf, selectedKey: viewState.selected,
      sortColumn: 2, className: 'compare', emptyText: 'Neither trace has tasks or regions.',
      onActivate: (t) => { saveState((s) => { s.selected = keyOf(t); }); render(); },
    }),
    selected ? detail(selected) : null,
    dataTable({ caption: 'Logs by category', columns: logColumns, rows: comparison.logs, key: (l) => l.category, emptyText: 'Neither trace has logs.' }),
    h('p', { className: 'muted' }, `p: two-sided Mann–Whitney U test on the durations, as benchstat compares benchmarks; ~ when p ≥ ${comparison.alpha} (no significant change).`),
  );
  panel.scrollTop = keepScroll;
}

window.addEventListener('message', (event: MessageEvent<ToCompareView>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
    case 'update':
      current = message.state;
      render();
      break;
    case 'focus':
      saveState((s) => { s.selected = `${message.kind}:${message.name}`; });
      render();
      panel.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
      break;
    case 'revealed':
      notice.textContent = message.note;
      break;
  }
});
vscode.postMessage({ type: 'ready' });
