// Worker thread that reads one trace file and answers queries about it, so
// that parsing a 500 MB trace never blocks the language server's thread.
// Summaries go out while the file streams in (first view), throttled.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { TraceError, type ReadProgress } from '../trace/event';
import { collectGarbage, keepYoungGenerationSmall, limitHeapGrowth, LOADED_HEAP_GROWTH_PERCENT } from '../trace/heap';
import { openTraceFile } from '../trace/reader';
import { indexRecorders } from '../trace/recorded/indexRecorders';
import { skippedCounter, TraceAnalyzer, truncatedInFirstGeneration } from '../trace/summary/analyzer';
import { analyzeRequests } from '../trace/requests/analyzer';
import { TaskStore, type TaskRecord } from '../trace/requests/taskStore';
import { GenerationIndex, queryTurns } from './generationIndex';
import type { TailExplanation } from '../../../common/requestModel';
import type { LoadProgress, ViewerQuery } from '../../../common/traceProtocol';
import { QueryAnswerer } from './queries';
import type { FromWorker, ToWorker, WorkerInput } from './traceWorkerProtocol';

/** Minimum time between two summaries sent while loading. */
const SUMMARY_INTERVAL_MS = 400;
/**
 * A summary costs time (percentiles over every duration, goroutine groups): wait this many times
 * as long as the last one took before the next, so they never take more than a sixth of the load.
 */
const SUMMARY_COST_FACTOR = 5;
/**
 * And at least this fraction of the time loading so far: the first views come fast, later ones
 * further apart (a 100 MB trace took 79 summaries, 15% of its load, with the interval alone).
 */
const SUMMARY_ELAPSED_FRACTION = 0.25;
/**
 * The recorded writes to the indexes go to the main thread when a batch is full, and at a pause (every
 * 4,096 events) when this long has passed since the last time, so that its queries see the trace read
 * meanwhile: flushing at every pause cost a message per 2,000 events.
 */
const INDEX_FLUSH_INTERVAL_MS = 50;

const port = parentPort;
if (!port) throw new Error('trace worker started outside a worker thread');
const send = (message: FromWorker): void => port.postMessage(message);
limitHeapGrowth();
keepYoungGenerationSmall();
const { path, indexRing } = workerData as WorkerInput;
/** With a ring, the writes to the timeline and the Tasks view's store go to the main thread, which builds them (replayedIndex.ts). */
const recorders = indexRing && indexRecorders(indexRing, (message) => send({ type: 'index', ...message }));
const abort = new AbortController();
const progress: LoadProgress = { bytesRead: 0, totalBytes: 0, generations: 0, events: 0 };
let analyzer: TraceAnalyzer | undefined;
let answerer: QueryAnswerer | undefined;
/** Adds the events the reader skipped (runtimeDetail false) since the last call to the analysis's count. */
let countSkipped = (): void => {};

/** Explains a task of the main thread's store (its indexes are there: replayedIndex.ts). */
function explain(task: TaskRecord, children: TaskRecord[]): Promise<unknown> {
  if (!answerer) throw new Error('the trace has no events yet');
  return answerer.explain(task, children);
}

function answer(query: ViewerQuery): unknown {
  if (!answerer) throw new Error('the trace has no events yet');
  return answerer.answer(query);
}

/** The Tasks view's store, fed by the analyzer (forwardAnnotations): answers while the trace loads. */
const tasks = new TaskStore();
/** Where the trace's generations begin, for reading it again (explanations, breakdowns). */
const generations = new GenerationIndex(path);
/** Per task type, its tail explained: from the breakdown pass after loading. */
let tails: Map<string, TailExplanation> | undefined;

/**
 * The latency breakdowns per type and call site, in a second read once the trace is loaded (they
 * double the CPU time of a read, so the first views do not wait for them). Its failure only leaves
 * them out: the views have everything else.
 */
async function breakdownPass(): Promise<void> {
  try {
    const { analyzer: requests } = await analyzeRequests(await generations.open(abort.signal, undefined, { background: true }), { keep: { slowest: 0 } });
    const types = requests.typeBreakdowns();
    tails = new Map(types.flatMap((t) => (t.kind === 'task' && t.tail !== undefined ? [[t.type, t.tail] as const] : [])));
    send({ type: 'breakdowns', breakdowns: { types, sites: requests.siteBreakdowns() } });
    collectGarbage(); // before the Tasks view's explanations read the trace again
  } catch {
    // Cancelled, or the file changed or went away: the views say so instead of waiting.
    send({ type: 'breakdowns' });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    abort.abort();
    return;
  }
  const fail = (error: unknown) => send({ type: 'result', id: message.id, error: error instanceof Error ? error.message : String(error) });
  try {
    // Explaining a task reads the trace again: answered when that read is done.
    Promise.resolve(message.type === 'explain' ? explain(message.task, message.children) : answer(message.query)).then((result) => send({ type: 'result', id: message.id, result }), fail);
  } catch (error) {
    fail(error);
  }
});

/**
 * Progress as the views count it: bytes from the reader, events and generations from the analyzer
 * (the reader counts events it has read ahead, which the views do not show yet).
 */
function progressOf(counted: TraceAnalyzer): LoadProgress {
  return { ...progress, events: counted.eventCount, generations: counted.generationCount };
}

async function load(): Promise<void> {
  progress.totalBytes = statSync(path).size;
  let nextSummary = 0;
  let nextFlush = 0;
  const started = Date.now();
  try {
    const trace = await openTraceFile(path, {
      signal: abort.signal,
      // The Tasks view's store keeps each log's message as bytes: handed over undecoded, it is copied, never decoded here.
      logMessages: 'bytes',
      // No view shows the GC's sweeps and assists or every heap size (the peak is still handed over): 87% of
      // a GC-heavy trace's events, read and checked but not made into objects.
      runtimeDetail: false,
      onProgress: (p: ReadProgress) => { progress.bytesRead = p.bytesRead; progress.totalBytes = p.totalBytes; generations.generationRead(p.bytesRead); },
    });
    generations.loaded = { goVersion: trace.goVersion, timeBase: trace.timeBase };
    const loading = new TraceAnalyzer(trace.goVersion, progress.totalBytes, { timelineWriter: recorders?.timeline });
    loading.forwardAnnotations(recorders?.tasks ?? tasks);
    analyzer = loading;
    countSkipped = skippedCounter(loading, trace);
    answerer = new QueryAnswerer(loading, { store: tasks, open: (signal, fromNs, messagesOfTask) => generations.open(signal, fromNs, { messagesOfTask }), tails: () => tails });
    // A cancel stops the reader at its next pause (its signal), and the catch below reports it.
    // Queries (the Tasks view's first page) are answered during the load too, not only between generations.
    const turns = queryTurns();
    await trace.forEach((ev) => {
      loading.add(ev);
      if (generations.wantsTime) generations.event(ev.time);
    }, () => {
      countSkipped();
      const began = Date.now();
      const summarize = began >= nextSummary;
      // The main thread's queries see the trace read until the last flush, and all that a summary counts.
      if (recorders && (summarize || began >= nextFlush)) {
        recorders.timeline.flush();
        recorders.tasks.flush();
        nextFlush = began + INDEX_FLUSH_INTERVAL_MS;
      }
      if (!summarize) return turns();
      send({ type: 'status', phase: 'loading', progress: progressOf(loading), summary: loading.summary() });
      const cost = Date.now() - began;
      nextSummary = Date.now() + Math.max(SUMMARY_INTERVAL_MS, SUMMARY_COST_FACTOR * cost, SUMMARY_ELAPSED_FRACTION * (Date.now() - started));
      return turns();
    });
    countSkipped();
    loading.finish();
    (recorders?.tasks ?? tasks).finish();
    send({ type: 'status', phase: 'done', progress: progressOf(loading), summary: loading.summary() });
    limitHeapGrowth(LOADED_HEAP_GROWTH_PERCENT);
    collectGarbage(); // the load's garbage, before the breakdown pass adds its own
    void breakdownPass();
  } catch (error) {
    const cancelled = abort.signal.aborted;
    const failure = error instanceof Error ? error : new Error(String(error));
    // Stopped by the user: keep what was read. Failed: keep every complete generation, as Go does, and say why the rest is missing.
    if (analyzer && (cancelled ? analyzer.eventCount > 0 : analyzer.generationCount > 0)) {
      countSkipped();
      analyzer.finish(cancelled ? undefined : failure);
      (recorders?.tasks ?? tasks).finish();
      send({ type: 'status', phase: cancelled ? 'cancelled' : 'error', progress: progressOf(analyzer), summary: analyzer.summary(), error: cancelled ? undefined : failure.message });
    } else {
      const message = failure instanceof TraceError && analyzer ? truncatedInFirstGeneration(failure).message : failure.message;
      answerer = undefined;
      send({ type: 'status', phase: cancelled ? 'cancelled' : 'error', progress, error: message });
    }
  }
}

void load();
