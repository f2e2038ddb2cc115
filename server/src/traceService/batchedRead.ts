// The reading half of a load on two threads (traceReaderWorker.ts): reads and orders a trace's
// events and hands them, in batches of typed-array columns (eventBatches.ts), to the trace worker
// that analyses them. The reader pauses every 4,096 events and lets messages in every 30 ms.
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

/** Node 16+ has Atomics.waitAsync; TypeScript declares it from its es2024 library on, which this project does not target. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false } | { async: true; value: Promise<unknown> };
}).waitAsync;

/** Reads the trace at `path` into `port`, until its end, a failure (sent as such), a cancel or the port's closing. */
export async function readInBatches(path: string, port: MessagePort): Promise<void> {
  const abort = new AbortController();
  const writer = new BatchWriter(BATCH_EVENTS);
  // Batches analysed so far, counted by the analysing side in shared memory (no message back per batch);
  // past BATCHES_IN_FLIGHT sent and not analysed the reader waits, so batches never pile up.
  const analysed = new Int32Array(new SharedArrayBuffer(4));
  const slotsInFlight: number[] = [];
  let acknowledged = 0;
  const collect = (): void => {
    for (const done = Atomics.load(analysed, 0); acknowledged < done; acknowledged++) writer.giveBack(slotsInFlight.shift()!);
  };
  port.on('message', (message: ToReader) => { if (message.type === 'cancel') abort.abort(); });
  port.on('close', () => abort.abort());
  const send = (message: FromReader): void => { if (!abort.signal.aborted) port.postMessage(message); };
  const flush = (): void => {
    if (writer.size === 0) return;
    const batch = writer.take();
    slotsInFlight.push(batch.slot);
    send({ type: 'batch', batch });
  };
  /** Waits until the analysing side is at most BATCHES_IN_FLIGHT behind (or the load is cancelled: checked every 50 ms). */
  const catchUp = async (): Promise<void> => {
    collect();
    while (slotsInFlight.length > BATCHES_IN_FLIGHT && !abort.signal.aborted) {
      const wait = waitAsync(analysed, 0, acknowledged, 50);
      if (wait.async) await wait.value;
      collect();
    }
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
    send({ type: 'opened', goVersion: trace.goVersion, timeBase: trace.timeBase, analysed });
    await trace.forEach((ev) => {
      writer.add(ev);
      if (writer.full) flush();
    }, async () => {
      flush();
      await catchUp();
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
