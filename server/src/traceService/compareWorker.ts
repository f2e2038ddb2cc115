// Worker thread of one trace comparison: reads the old trace, then the new one, keeping only their
// durations (trace/compare/samples.ts), and posts the comparison. The language server terminates
// it when the comparison is closed before it is done.
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { TraceError } from '../trace/event';
import { compareTraces } from '../trace/compare/compare';
import { readTraceSamples } from '../trace/compare/samples';
import { keepYoungGenerationSmall, limitHeapGrowth } from '../trace/heap';
import type { CompareWorkerInput, FromCompareWorker } from './traceWorkerProtocol';

const { oldPath, newPath } = workerData as CompareWorkerInput;

async function read(path: string) {
  try {
    return await readTraceSamples(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = error instanceof TraceError ? error.message : code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new Error(`${basename(path)}: ${why}`);
  }
}

async function run(): Promise<FromCompareWorker> {
  limitHeapGrowth();
  keepYoungGenerationSmall();
  const before = await read(oldPath);
  const after = await read(newPath);
  return { type: 'done', comparison: compareTraces(basename(oldPath), before, basename(newPath), after) };
}

run().then(
  (message) => parentPort?.postMessage(message),
  (error: unknown) => parentPort?.postMessage({ type: 'error', error: error instanceof Error ? error.message : String(error) } satisfies FromCompareWorker),
);
