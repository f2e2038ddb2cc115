// Trace viewer webview (runs in the browser sandbox of a VS Code webview).
// It holds no data of its own at load: the extension sends it after the
// `ready` → `init` handshake, and every later update by postMessage.
import { DEFAULT_CAPTURE_WINDOW_SECONDS } from '../../../common/settings';
import type { SourceLocation, TraceSummary } from '../../../common/traceModel';
import type { TraceStatus, ViewerQuery, ViewerQueryResult } from '../../../common/traceProtocol';
import { h, replaceChildren } from './dom';
import { countOf, formatBytes, formatPercent } from './format';
import { INITIAL_STATE, type FromWebview, type TimelineFocus, type ToWebview, type ViewerState, type ViewId } from './messages';
import { blockingView } from './views/blocking';
import type { ViewContext } from './views/context';
import { goroutinesView } from './views/goroutines';
import { regionsView } from './views/latency';
import { overviewView } from './views/overview';
import { DEFAULT_TASK_VIEW, TasksView } from './views/tasks';
import { TimelineView } from './views/timeline';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; getState(): unknown; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const VIEWS: { id: ViewId; label: string }[] = [
  { id: 'overview', label: 'Overview' }, { id: 'tasks', label: 'Tasks' }, { id: 'regions', label: 'Regions' },
  { id: 'timeline', label: 'Timeline' }, { id: 'goroutines', label: 'Goroutines' }, { id: 'blocking', label: 'Blocking' },
];

let state: ViewerState = { ...INITIAL_STATE, ...(vscode.getState() as Partial<ViewerState> | undefined) };
let status: TraceStatus | undefined;
let traceName = '';
let captureWindowSeconds: number = DEFAULT_CAPTURE_WINDOW_SECONDS;
let timeline: TimelineView | undefined;
let tasks: TasksView | undefined;
let nextRequestId = 1;
const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();

const header = h('header', { className: 'trace-header' });
const tabs = h('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Trace views' } });
const panel = h('main', { className: 'panel', attrs: { role: 'tabpanel', tabindex: -1 } });
const notice = h('div', { className: 'notice', attrs: { role: 'status', 'aria-live': 'polite' } });
document.body.append(header, tabs, notice, panel);

function saveState(update: (s: ViewerState) => void): void {
  update(state);
  vscode.setState(state);
}

function query<Q extends ViewerQuery>(q: Q): Promise<ViewerQueryResult[Q['kind']]> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(requestId, { resolve: resolve as (value: never) => void, reject });
    vscode.postMessage({ type: 'query', requestId, query: q });
  });
}

function context(summary: TraceSummary, current: TraceStatus): ViewContext {
  return {
    status: current, summary, captureWindowSeconds, state, saveState, rerender: render,
    reveal: (location: SourceLocation, frame?: 'frame') => vscode.postMessage({ type: 'reveal', location, annotation: frame === undefined }),
    query,
    showInTimeline,
  };
}

function showInTimeline(focus: TimelineFocus): void {
  saveState((s) => { s.view = 'timeline'; s.timelineFocus = focus; });
  render();
  timeline?.show(focus);
}

function renderHeader(current: TraceStatus): void {
  const { progress } = current;
  const loading = current.phase === 'loading';
  replaceChildren(header,
    h('span', { className: 'trace-name', attrs: { title: current.uri } }, traceName),
    loading && h('progress', { attrs: { max: Math.max(1, progress.totalBytes), value: progress.bytesRead, 'aria-label': 'Loading trace' } }),
    loading && h('span', { className: 'muted' }, `${formatBytes(progress.bytesRead)} of ${formatBytes(progress.totalBytes)} (${formatPercent(progress.bytesRead, progress.totalBytes)}) — showing what is loaded so far`),
    loading && h('button', { attrs: { type: 'button' }, on: { click: () => vscode.postMessage({ type: 'cancel' }) } }, 'Stop loading'),
    current.phase === 'cancelled' && h('span', { className: 'warning' }, 'Loading was stopped: the views show the part read before.'),
    h('button', { className: 'compare-with', attrs: { type: 'button', title: 'Compare this trace with an older one (the baseline)' }, on: { click: () => vscode.postMessage({ type: 'compareWith' }) } }, 'Compare with…'),
  );
}

function renderTabs(): void {
  const buttons = VIEWS.map(({ id, label }) => h('button', {
    className: 'tab',
    attrs: { role: 'tab', id: `tab-${id}`, type: 'button', 'aria-selected': String(state.view === id), tabindex: state.view === id ? 0 : -1 },
    on: { click: () => selectView(id) },
  }, label));
  tabs.onkeydown = (event: KeyboardEvent) => {
    const index = VIEWS.findIndex((v) => v.id === state.view);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: VIEWS.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectView(VIEWS[(moves[event.key] + VIEWS.length) % VIEWS.length].id);
    document.getElementById(`tab-${state.view}`)?.focus();
  };
  replaceChildren(tabs, ...buttons);
  panel.setAttribute('aria-labelledby', `tab-${state.view}`);
}

function selectView(id: ViewId): void {
  saveState((s) => { s.view = id; });
  render();
}

function render(): void {
  if (!status) return;
  renderHeader(status);
  renderTabs();
  const summary = status.summary;
  if (!summary) {
    replaceChildren(panel, status.phase === 'loading'
      ? h('p', { className: 'muted' }, 'Reading the first generation of the trace…')
      : h('p', { className: 'error', attrs: { role: 'alert' } }, `This trace could not be opened: ${status.error ?? 'no data'}`));
    return;
  }
  const ctx = context(summary, status);
  // A truncated file's error is explained once, by the overview; other views get a short pointer to it.
  const truncated = summary.overview.truncatedError !== undefined && status.error === summary.overview.truncatedError;
  const errorBanner = !status.error || (truncated && state.view === 'overview') ? null
    : h('p', { className: 'error', attrs: { role: 'alert' } }, truncated
      ? `This file is truncated: the views show its ${countOf(summary.overview.generations, 'complete generation')} (see the overview).`
      : `Loading stopped with an error: ${status.error}`);
  let view: HTMLElement;
  switch (state.view) {
    case 'overview': view = overviewView(ctx); break;
    case 'tasks':
      if (tasks) tasks.update(ctx);
      else tasks = new TasksView(ctx);
      view = tasks.element;
      break;
    case 'regions': view = regionsView(ctx); break;
    case 'goroutines': view = goroutinesView(ctx); break;
    case 'blocking': view = blockingView(ctx); break;
    case 'timeline':
      if (timeline) timeline.update(ctx);
      else timeline = new TimelineView(ctx);
      view = timeline.element;
      break;
  }
  const keepScroll = panel.scrollTop;
  replaceChildren(panel, errorBanner, view);
  panel.scrollTop = keepScroll;
}

function onMessage(message: ToWebview): void {
  switch (message.type) {
    case 'init':
      traceName = message.traceName;
      captureWindowSeconds = message.captureWindowSeconds;
      if (state.traceUri !== message.status.uri) state = { ...INITIAL_STATE, selected: {} };
      tasks = undefined;
      saveState((s) => { s.traceUri = message.status.uri; });
      status = message.status;
      render();
      break;
    case 'status': {
      const wasLoading = status?.phase === 'loading';
      status = message.status;
      // While loading, only the header moves unless the user is looking at an empty panel; tables re-render on completion.
      if (wasLoading && status.phase === 'loading' && panel.childElementCount > 0 && status.summary && state.view !== 'overview') {
        renderHeader(status);
        // The Tasks view asks the worker again for what is on screen: its list grows with the trace.
        if (state.view === 'tasks') tasks?.update(context(status.summary, status));
      } else render();
      break;
    }
    case 'queryResult': {
      const waiter = pending.get(message.requestId);
      pending.delete(message.requestId);
      if (!waiter) break;
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result as never);
      break;
    }
    case 'focus': {
      const { target } = message;
      saveState((s) => {
        s.focusSite = target.site;
        if (target.kind === 'log') {
          s.view = 'overview';
          s.selected.logs = target.type;
        } else if (target.kind === 'task') {
          // The Tasks view lists the instances created at that NewTask call.
          s.view = 'tasks';
          s.tasks = { ...structuredClone(DEFAULT_TASK_VIEW), filter: { types: [target.type], site: { file: target.site.file, line: target.site.line } } };
        } else {
          s.view = 'regions';
          s.selected.regions = target.type;
        }
      });
      render();
      break;
    }
    case 'revealed':
      notice.textContent = message.note;
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => onMessage(event.data));
vscode.postMessage({ type: 'ready' });
