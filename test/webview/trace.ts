// Reads a fixture trace in-process exactly as the server's worker does, for the browser tests' host.
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openTraceFile } from '../../server/src/trace/reader';
import { analyzeRequests } from '../../server/src/trace/requests/analyzer';
import { TaskStore } from '../../server/src/trace/requests/taskStore';
import { analyzeEvents } from '../../server/src/trace/summary/analyzer';
import { QueryAnswerer } from '../../server/src/traceService/queries';
import type { LoadedTrace } from './page';

/** Reads a whole trace the way the worker does (a truncated one up to its last complete generation): its task store beside the analyzer, then its tails. */
export async function loadTrace(path: string): Promise<LoadedTrace> {
  const totalBytes = statSync(path).size;
  const trace = await openTraceFile(path);
  const store = new TaskStore();
  // A truncated file keeps its complete generations and ends in the error phase, as in the worker.
  const analyzer = await analyzeEvents({
    goVersion: trace.goVersion,
    forEach: (each, pause) => trace.forEach((ev) => { each(ev); store.add(ev); }, pause),
  }, totalBytes);
  store.finish();
  // The worker's breakdown pass after loading: each task type's tail explained.
  const { analyzer: requests } = await analyzeRequests(await openTraceFile(path), { keep: { slowest: 0 } });
  const tails = new Map(requests.typeBreakdowns().flatMap((t) => (t.kind === 'task' && t.tail !== undefined ? [[t.type, t.tail] as const] : [])));
  const summary = analyzer.summary();
  const error = summary.overview.truncatedError;
  return {
    status: {
      traceId: 'test', uri: pathToFileURL(path).toString(), phase: error === undefined ? 'done' : 'error', summary, error,
      progress: { bytesRead: totalBytes, totalBytes, generations: summary.overview.generations, events: summary.overview.events },
    },
    answerer: new QueryAnswerer(analyzer, { store, open: (signal) => openTraceFile(path, { signal }), tails: () => tails }),
  };
}
