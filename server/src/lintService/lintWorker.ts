// Lint worker thread: owns the parser and one syntax tree per open document, and answers one job
// at a time. The language server's main thread stays free to answer requests while it works, and
// can terminate it when a job is superseded or runs too long.
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { DeclarationCache } from '../analysis/declarationCache';
import { lintTree } from '../analysis/runRules';
import { createGoParser } from '../analysis/parser';
import { fixAllText } from '../analysis/fixAll';
import { SyntaxTrees } from './syntaxTrees';
import type { WorkerJob, WorkerResponse, WorkerResults } from './lintWorkerProtocol';

// Bundled as dist/lintWorker.js next to dist/server.js; the wasm files are in ../grammars.
const ready = createGoParser(join(__dirname, '..', 'grammars')).then((parser) => ({ parser, trees: new SyntaxTrees(parser) }));
/** Per open document: findings of unchanged declarations are reused after an edit. */
const declarationCaches = new Map<string, DeclarationCache>();

function declarationCache(uri: string): DeclarationCache {
  let cache = declarationCaches.get(uri);
  if (!cache) declarationCaches.set(uri, (cache = new DeclarationCache()));
  return cache;
}

async function run(job: WorkerJob): Promise<WorkerResults[WorkerJob['kind']]> {
  const { parser, trees } = await ready;
  switch (job.kind) {
    case 'lint':
      return lintTree(trees.update(job.uri, job.text), job.text, job.options, declarationCache(job.uri));
    case 'fixAll':
      return fixAllText(parser, job.text, job.options, job.findings).text;
    case 'close':
      trees.close(job.uri);
      declarationCaches.delete(job.uri);
      return null;
    case 'stats': {
      const memory = process.memoryUsage();
      return { openTrees: trees.size, jsHeapBytes: memory.heapUsed, externalBytes: memory.external };
    }
  }
}

async function answer({ id, job }: { id: number; job: WorkerJob }): Promise<void> {
  let response: WorkerResponse;
  try {
    response = { id, ok: true, result: await run(job) };
  } catch (error) {
    response = { id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
  parentPort!.postMessage(response);
}

parentPort!.on('message', (message: { id: number; job: WorkerJob }) => void answer(message));
