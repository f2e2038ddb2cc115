// Worker thread that reads one trace file and answers queries about it, so
// that parsing a 500 MB trace never blocks the language server's thread.
// Summaries go out while the file streams in (first view), throttled.
import { statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { TraceError, type TraceEvent } from '../trace/event';
import { keepYoungGenerationSmall, limitHeapGrowth } from '../trace/heap';
import { openTraceFile } from '../trace/reader';
import { TraceAnalyzer, truncatedInFirstGeneration } from '../trace/summary/analyzer';
import { analyzeRequests } from '../trace/requests/analyzer';
import { TaskStore } from '../trace/requests/taskStore';
import { BatchReader } from './eventBatches';
import { GenerationIndex, queryTurns } from './generationIndex';
import type { TailExplanation } from '../../../common/requestModel';
import type { LoadProgress, ViewerQuery } from '../../../common/traceProtocol';
import { QueryAnswerer } from './queries';
import type { FromReader, FromWorker, ReaderInput, ToReader, ToWorker, WorkerInput } from './traceWorkerProtocol';

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

const port = parentPort;
if (!port) throw new Error('trace worker started outside a worker thread');
limitHeapGrowth();
keepYoungGenerationSmall();
const { path } = workerData as WorkerInput;
const abort = new AbortController();
const progress: LoadProgress = { bytesRead: 0, totalBytes: 0, generations: 0, events: 0 };
let analyzer: TraceAnalyzer | undefined;
let answerer: QueryAnswerer | undefined;

const send = (message: FromWorker): void => port.postMessage(message);

function answer(query: ViewerQuery): unknown {
  if (!answerer) throw new Error('the trace has no events yet');
  return answerer.answer(query);
}

/** The Tasks view's store: one more consumer of the events, answering while the trace loads. */
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
    const { analyzer: requests } = await analyzeRequests(await generations.open(abort.signal, undefined, true), { keep: { slowest: 0 } });
    const types = requests.typeBreakdowns();
    tails = new Map(types.flatMap((t) => (t.kind === 'task' && t.tail !== undefined ? [[t.type, t.tail] as const] : [])));
    send({ type: 'breakdowns', breakdowns: { types, sites: requests.siteBreakdowns() } });
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
    Promise.resolve(answer(message.query)).then((result) => send({ type: 'result', id: message.id, result }), fail);
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

/** Files under this load in a second or two on one thread: not worth a second one. */
const TWO_THREADS_MIN_BYTES = 16 << 20;
/** How long the machine's CPU times are sampled to see whether a second core is idle. */
const IDLE_SAMPLE_MS = 100;
/** Idle cores needed to read on one and analyse on another: other processes leave more than one and a half. */
const TWO_THREADS_MIN_IDLE_CORES = 1.5;

/**
 * Whether the load should read on the server's main thread while this one analyses: a large file and
 * two cores idle right now (from the machine's CPU times; on a busy machine the two threads only take
 * turns on one core, and handing events across costs CPU time).
 */
async function twoIdleCores(fileBytes: number): Promise<boolean> {
  if (fileBytes < TWO_THREADS_MIN_BYTES || availableParallelism() < 2) return false;
  const idleAndTotal = (): [number, number] => cpus().reduce<[number, number]>(
    ([idle, total], { times: t }) => [idle + t.idle, total + t.user + t.nice + t.sys + t.irq + t.idle], [0, 0]);
  const [idle0, total0] = idleAndTotal();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
  const [idle1, total1] = idleAndTotal();
  const idleCores = total1 > total0 ? (idle1 - idle0) / (total1 - total0) * cpus().length : 0;
  return idleCores >= TWO_THREADS_MIN_IDLE_CORES;
}

/** What the load does with the trace as it is read, wherever it is read. */
interface LoadHandlers {
  opened: (trace: { goVersion: string; timeBase: bigint }) => void;
  progress: (bytesRead: number, totalBytes: number) => void;
  event: (ev: TraceEvent) => void;
  /** Between batches of events (about every 4,096): summaries go out, queries get their turn. */
  pause: () => void;
}

/** Reads the trace in this thread. A cancel stops the reader at its next pause (its signal). */
async function readHere(handlers: LoadHandlers): Promise<void> {
  const trace = await openTraceFile(path, {
    signal: abort.signal,
    onProgress: (p) => handlers.progress(p.bytesRead, p.totalBytes),
  });
  handlers.opened(trace);
  const turns = queryTurns();
  await trace.forEach(handlers.event, () => { handlers.pause(); return turns(); });
}

/**
 * Analyses the events a second worker reads (traceReaderWorker.ts, batchedRead.ts), so that reading
 * and analysing run on two cores; that worker (its own isolate, with this one's small young
 * generation) ends with the load, so none of its memory is left for the breakdown pass. Rejects on
 * the reader's error or a cancel (the events before either have been analysed).
 */
async function readOnSecondThread(handlers: LoadHandlers): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const reader = new Worker(join(__dirname, 'traceReaderWorker.js'), { workerData: { path, port: port2 } satisfies ReaderInput, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 3 } });
  try {
    await analyseBatches(port1, handlers);
  } finally {
    await reader.terminate();
  }
}

function analyseBatches(port: MessagePort, handlers: LoadHandlers): Promise<void> {
  const batches = new BatchReader();
  let analysed: Int32Array | undefined;
  return new Promise<void>((resolve, reject) => {
    const end = (error?: Error): void => {
      abort.signal.removeEventListener('abort', cancelled);
      port.removeAllListeners();
      port.close();
      if (error) reject(error);
      else resolve();
    };
    const cancelled = (): void => {
      port.postMessage({ type: 'cancel' } satisfies ToReader);
      end(new Error('cancelled'));
    };
    abort.signal.addEventListener('abort', cancelled);
    port.on('close', () => end(new Error('the trace reader stopped')));
    port.on('message', (message: FromReader) => {
      try {
        switch (message.type) {
          case 'opened': analysed = message.analysed; handlers.opened(message); break;
          case 'progress': handlers.progress(message.bytesRead, message.totalBytes); break;
          case 'batch': {
            const { batch } = message;
            batches.read(batch, handlers.event);
            Atomics.add(analysed!, 0, 1);
            Atomics.notify(analysed!, 0);
            handlers.pause();
            break;
          }
          case 'done': end(); break;
          case 'error': end(message.traceError ? new TraceError(message.message) : new Error(message.message)); break;
        }
      } catch (error) {
        end(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

async function load(): Promise<void> {
  progress.totalBytes = statSync(path).size;
  let nextSummary = 0;
  const started = Date.now();
  try {
    let loading: TraceAnalyzer | undefined;
    const handlers: LoadHandlers = {
      opened: (trace) => {
        generations.loaded = { goVersion: trace.goVersion, timeBase: trace.timeBase };
        loading = new TraceAnalyzer(trace.goVersion, progress.totalBytes);
        analyzer = loading;
        answerer = new QueryAnswerer(loading, { store: tasks, open: (signal, fromNs) => generations.open(signal, fromNs), tails: () => tails });
      },
      progress: (bytesRead, totalBytes) => { progress.bytesRead = bytesRead; progress.totalBytes = totalBytes; generations.generationRead(bytesRead); },
      event: (ev) => {
        loading!.add(ev);
        tasks.add(ev);
        if (generations.wantsTime) generations.event(ev.time);
      },
      // Queries (the Tasks view's first page) are answered during the load too, not only between generations.
      pause: () => {
        const began = Date.now();
        if (began < nextSummary) return;
        send({ type: 'status', phase: 'loading', progress: progressOf(loading!), summary: loading!.summary() });
        const cost = Date.now() - began;
        nextSummary = Date.now() + Math.max(SUMMARY_INTERVAL_MS, SUMMARY_COST_FACTOR * cost, SUMMARY_ELAPSED_FRACTION * (Date.now() - started));
      },
    };
    if (await twoIdleCores(progress.totalBytes)) await readOnSecondThread(handlers);
    else await readHere(handlers);
    if (!loading) throw new Error('the trace reader ended without opening the trace');
    loading.finish();
    tasks.finish();
    send({ type: 'status', phase: 'done', progress: progressOf(loading), summary: loading.summary() });
    void breakdownPass();
  } catch (error) {
    const cancelled = abort.signal.aborted;
    const failure = error instanceof Error ? error : new Error(String(error));
    // Stopped by the user: keep what was read. Failed: keep every complete generation, as Go does, and say why the rest is missing.
    if (analyzer && (cancelled ? analyzer.eventCount > 0 : analyzer.generationCount > 0)) {
      analyzer.finish(cancelled ? undefined : failure);
      tasks.finish();
      send({ type: 'status', phase: cancelled ? 'cancelled' : 'error', progress: progressOf(analyzer), summary: analyzer.summary(), error: cancelled ? undefined : failure.message });
    } else {
      const message = failure instanceof TraceError && analyzer ? truncatedInFirstGeneration(failure).message : failure.message;
      answerer = undefined;
      send({ type: 'status', phase: cancelled ? 'cancelled' : 'error', progress, error: message });
    }
  }
}

void load();
