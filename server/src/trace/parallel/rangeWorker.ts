// Worker thread of `trace stats --threads`: says it has loaded, reads the range of generations it is
// sent (rangeRead.ts) and posts its result, handing over (not copying) the buffers of its durations.
// Bundled as dist/traceRangeWorker.js.
import { parentPort } from 'node:worker_threads';
import { keepYoungGenerationSmall, limitHeapGrowth } from '../heap';
import { readRange, type RangeTask } from './rangeRead';

limitHeapGrowth();
keepYoungGenerationSmall();
parentPort!.once('message', (task: RangeTask) => void readRange(task).then((result) => {
  const buffers = new Set<ArrayBuffer>();
  for (const dump of [result.partial?.tasks ?? [], result.partial?.regions ?? []]) {
    for (const [, sites] of dump) for (const [, chunks] of sites) for (const chunk of chunks) buffers.add(chunk.buffer as ArrayBuffer);
  }
  parentPort!.postMessage(result, [...buffers]);
}));
parentPort!.postMessage('loaded');
