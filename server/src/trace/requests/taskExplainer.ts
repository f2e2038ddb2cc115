// One task instance explained for the Tasks view: its exact breakdown, regions, logs, goroutines and
// critical path, from one more read of the trace that records only what lies in the task's window
// and stops once past its end. The store (taskStore.ts) keeps no per-region or per-log objects, so
// this read is where they come from.
import type { OpenedTrace } from '../reader';
import { NO_TASK, TraceError, type TraceEvent } from '../event';
import { SiteResolver } from '../summary/sites';
import type { LogInstance } from '../../../../common/traceModel';
import type { ExplainedRegion, TaskExplanation } from '../../../../common/taskModel';
import type { BreakdownComponent, PathSegment, TailExplanation } from '../../../../common/requestModel';
import { RequestAnalyzer, toBreakdown } from './analyzer';
import { PathRecorder } from './criticalPath';
import type { TaskRecord, TaskStore } from './taskStore';

/** Regions and logs listed per explanation; `allListed` says when there were more. */
export const MAX_LISTED = 1000;

/**
 * Opens the trace once more, from the start or from a generation at or before `fromNs` (the events
 * before a task's start are not needed); reading stops early through the signal. Only the Log events of
 * `messagesOfTask` need their message.
 */
export type TraceOpener = (signal: AbortSignal, fromNs?: number, messagesOfTask?: number) => Promise<OpenedTrace>;

/** A task of a store and its first children, as many as an explanation lists (and one more, to say there are more). */
export interface TaskToExplain { task: TaskRecord; children: TaskRecord[] }

export function taskToExplain(store: TaskStore, id: number): TaskToExplain | undefined {
  const task = store.find(id);
  return task && { task, children: store.children(task.id, MAX_LISTED + 1) };
}

/** `children`: the store's instances with this task as parent (at most MAX_LISTED + 1, to tell whether all are listed). */
export async function explainTask(open: TraceOpener, task: TaskRecord, children: readonly TaskRecord[], tail?: TailExplanation): Promise<TaskExplanation> {
  const { id, startNs, endNs } = task;
  const ended = startNs !== undefined && endNs !== undefined;
  const sites = new SiteResolver();
  const regions: ExplainedRegion[] = [];
  /** Regions of the task still open, by goroutine, begin time and type. */
  const openRegions = new Map<string, ExplainedRegion>();
  const logs: LogInstance[] = [];
  const goroutines = new Set<number>([task.goroutine]);
  let allListed = true;
  let breakdown: Float64Array | undefined;
  const requests = new RequestAnalyzer({
    keep: { slowest: 0 },
    only: id,
    onTask: (ended, v) => { if (ended === id) breakdown = Float64Array.from(v); },
    onRegion: (closed, v) => {
      if (closed.region.task !== id) return;
      const key = `${closed.goroutine}:${closed.region.startNs}:${closed.region.type}`;
      const region = openRegions.get(key);
      if (region === undefined) return;
      openRegions.delete(key);
      region.depth = closed.region.depth;
      if (closed.endNs !== undefined && closed.how === 'end') {
        region.endNs = closed.endNs;
        if (region.startNs !== undefined) region.durationNs = closed.endNs - region.startNs;
        region.breakdown = toBreakdown(v);
      }
    },
  });
  const window = ended ? { goroutine: task.goroutine, startNs, endNs } : undefined;
  const recorder = window === undefined ? undefined : new PathRecorder([window]);
  const stop = new AbortController();
  const onEvent = (ev: TraceEvent): void => {
    if (endNs !== undefined && ev.time > endNs) {
      stop.abort();
      return;
    }
    requests.add(ev);
    recorder?.add(ev);
    if ((ev.kind === 'RegionBegin' || ev.kind === 'Log') && ev.task === id && id !== NO_TASK) {
      goroutines.add(ev.goroutine);
      const site = sites.siteOf(ev.stack);
      if (ev.kind === 'Log') {
        if (logs.length < MAX_LISTED) {
          const log: LogInstance = { timeNs: ev.time, goroutine: ev.goroutine, task: id, category: ev.category, message: ev.message };
          if (site !== undefined) log.site = site;
          logs.push(log);
        } else allListed = false;
      } else if (regions.length < MAX_LISTED) {
        const region: ExplainedRegion = { type: ev.type, goroutine: ev.goroutine, task: id, startNs: ev.time, depth: 0 };
        if (site !== undefined) region.site = site;
        regions.push(region);
        openRegions.set(`${ev.goroutine}:${ev.time}:${ev.type}`, region);
      } else allListed = false;
    }
  };
  try {
    await (await open(stop.signal, startNs, id)).forEach(onEvent);
  } catch (error) {
    // Stopped past the task's end, or a bad file after the complete generations the store also holds.
    if (!stop.signal.aborted && !(error instanceof TraceError)) throw error;
  }
  const explanation: TaskExplanation = {
    task: rowOf(task), goroutines: [...goroutines].sort((a, b) => a - b), regions, logs, allListed: allListed && children.length <= MAX_LISTED,
  };
  if (children.length > 0) explanation.children = children.slice(0, MAX_LISTED).map(rowOf);
  if (breakdown !== undefined) explanation.breakdown = toBreakdown(breakdown);
  if (recorder !== undefined && window !== undefined) {
    explanation.criticalPath = recorder.path(window).reverse();
    const note = pathNote(recorder.truncated, explanation.criticalPath);
    if (note !== undefined) explanation.criticalPathNote = note;
  }
  if (tail !== undefined) explanation.tail = tail;
  return explanation;
}

/** A store record as the row the webview shows (without the ending goroutine the store keeps for itself). */
function rowOf(task: TaskRecord): TaskExplanation['task'] {
  const { goroutine: _ending, ...row } = task;
  return row;
}

/** What the trace could not show about this path: the limits that apply to its segments (docs/requests.md). */
function pathNote(truncated: boolean, path: readonly PathSegment[]): string | undefined {
  const has = (state: BreakdownComponent) => path.some((s) => s.state === state);
  const notes: string[] = [];
  if (truncated) notes.push('The task\'s window held too many goroutine transitions to record them all: the path stops where history is missing.');
  if (has('unknown')) notes.push('Part of the path is "unknown": a goroutine on it had no transition inside the task\'s window, so its state there is not known.');
  if (has('network')) notes.push('Network waits end in the netpoller: the trace cannot show what the other side was doing.');
  if (has('sleep')) notes.push('Timers wake goroutines without naming a cause.');
  if (has('runnable')) notes.push('Runnable time is a wait for a P: the trace names no cause (other goroutines, GOMAXPROCS, the machine\'s load).');
  if (has('syscall') || has('syscallBlocked')) notes.push('Inside a system call the trace cannot see what the kernel waited for.');
  return notes.length === 0 ? undefined : notes.join(' ');
}
