// Worker thread of `trace stats --threads`: reads one range of generations (rangeRead.ts) and posts
// its result. Bundled as dist/traceRangeWorker.js.
import { parentPort, workerData } from 'node:worker_threads';
import { keepYoungGenerationSmall, limitHeapGrowth } from '../heap';
import { readRange, type RangeTask } from './rangeRead';

limitHeapGrowth();
keepYoungGenerationSmall();
readRange(workerData as RangeTask).then((result) => parentPort!.postMessage(result), (error: unknown) => {
  throw error;
});
