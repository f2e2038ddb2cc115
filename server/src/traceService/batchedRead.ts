// The reading half of a load on two threads: the language server's main thread (idle while a trace
// loads) reads and orders the trace's events and hands them, in batches of typed-array columns
// (eventBatches.ts), to the trace worker that analyses them. Reading there costs no second isolate
// (~10 MB); the reader pauses every 4,096 events and lets the server's other work in every 30 ms.
import type { MessagePort } from 'node:worker_threads';
import { TraceError } from '../trace/event';
import { openTraceFile } from '../trace/reader';
import { BatchWriter } from './eventBatches';
import { queryTurns } from './generationIndex';
import type { FromReader, ToReader } from './traceWorkerProtocol';

/** Events per batch (the reader pauses every 4,096 events anyway), and batches sent ahead of the analysis. */
const BATCH_EVENTS = 4096;
const BATCHES_IN_FLIGHT = 2;
/** The file is read 256 KiB at a time (a quarter of the default): this memory comes on top of the trace worker's. */
const READ_CHUNK_BYTES = 256 << 10;

/** Reads the trace at `path` into `port`, until its end, a failure (sent as such), a cancel or the port's closing. */
export async function readInBatches(path: string, port: MessagePort): Promise<void> {
  const abort = new AbortController();
  const writer = new BatchWriter(BATCH_EVENTS);
  // Batches sent and not yet analysed: past BATCHES_IN_FLIGHT the reader waits, so batches never pile up.
  let inFlight = 0;
  let analysed: (() => void) | undefined;
  const stop = (): void => { abort.abort(); analysed?.(); };
  port.on('message', (message: ToReader) => {
    if (message.type === 'cancel') { stop(); return; }
    if (message.type !== 'analysed') return;
    writer.giveBack(message.slot);
    inFlight--;
    analysed?.();
  });
  port.on('close', stop);
  const send = (message: FromReader): void => { if (!abort.signal.aborted) port.postMessage(message); };
  const flush = (): void => {
    if (writer.size === 0) return;
    inFlight++;
    send({ type: 'batch', batch: writer.take() });
  };
  const turns = queryTurns();
  try {
    const trace = await openTraceFile(path, {
      signal: abort.signal,
      chunkBytes: READ_CHUNK_BYTES,
      onProgress: ({ bytesRead, totalBytes }) => {
        // After the events before it: the generation index counts on that order.
        flush();
        send({ type: 'progress', bytesRead, totalBytes });
      },
    });
    send({ type: 'opened', goVersion: trace.goVersion, timeBase: trace.timeBase });
    await trace.forEach((ev) => {
      writer.add(ev);
      if (writer.full) flush();
    }, async () => {
      flush();
      while (inFlight > BATCHES_IN_FLIGHT && !abort.signal.aborted) await new Promise<void>((resolve) => { analysed = resolve; });
      await turns();
    });
    flush();
    send({ type: 'done' });
  } catch (error) {
    // The events before the failure go first: a damaged trace keeps its complete generations.
    flush();
    send({ type: 'error', message: error instanceof Error ? error.message : String(error), traceError: error instanceof TraceError });
  } finally {
    port.close();
  }
}
