// Worker side of CaseRunner: reads each posted trace with the target module and
// answers with what it read and the error, marking the errors a reader may give.
import { parentPort, workerData } from 'node:worker_threads';

/** A fuzz target. `readAll` reads a whole trace; `summary` describes the last run, even a failed one. */
export interface Target {
  readAll(bytes: Uint8Array): Promise<void>;
  summary(): { events: number; digest?: string };
  isExpectedError(error: unknown): boolean;
}

const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread');
void import((workerData as { target: string }).target).then((target: Target) => {
  port.on('message', (bytes: Uint8Array) => {
    target.readAll(bytes).then(
      () => port.postMessage(target.summary()),
      (error: unknown) => {
        const e = error instanceof Error ? error : new Error(String(error));
        port.postMessage({ ...target.summary(), error: { name: e.name, message: e.message, stack: e.stack, expected: target.isExpectedError(error) } });
      },
    );
  });
  port.postMessage('ready');
});
