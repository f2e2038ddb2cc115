// Reads a fixture trace in-process exactly as the server's worker does, for the browser tests' host.
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openTraceFile } from '../../server/src/trace/reader';
import { TraceAnalyzer } from '../../server/src/trace/summary/analyzer';
import { QueryAnswerer } from '../../server/src/traceService/queries';
import type { LoadedTrace } from './page';

/** Reads a whole trace the way the worker does. */
export async function loadTrace(path: string): Promise<LoadedTrace> {
  const trace = await openTraceFile(path);
  const totalBytes = statSync(path).size;
  const analyzer = new TraceAnalyzer(trace.goVersion, totalBytes);
  await trace.forEach((ev) => analyzer.add(ev));
  analyzer.finish();
  const summary = analyzer.summary();
  return {
    status: {
      traceId: 'test', uri: pathToFileURL(path).toString(), phase: 'done', summary,
      progress: { bytesRead: totalBytes, totalBytes, generations: summary.overview.generations, events: summary.overview.events },
    },
    answerer: new QueryAnswerer(analyzer),
  };
}

