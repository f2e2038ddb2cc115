// The load's reading thread, started by the trace worker when two cores are idle and ended with
// the load: reads and orders the trace and hands its events over in batches (batchedRead.ts).
import { workerData } from 'node:worker_threads';
import { keepYoungGenerationSmall, limitHeapGrowth } from '../trace/heap';
import { readInBatches } from './batchedRead';
import type { ReaderInput } from './traceWorkerProtocol';

limitHeapGrowth();
keepYoungGenerationSmall();
const { path, port } = workerData as ReaderInput;
void readInBatches(path, port);
