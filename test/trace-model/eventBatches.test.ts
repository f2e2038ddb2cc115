// The load on two threads (traceService/batchedRead.ts, eventBatches.ts): every event of every
// fixture trace, read and handed across a MessageChannel in batches of columns, arrives equal to the
// event read directly, in the same order, with one object per stack as the reader has; a trace Go
// rejects ends with the same error after the same events.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, it } from 'node:test';
import { openTraceFile } from '../../server/src/trace/reader';
import type { Stack, TraceEvent } from '../../server/src/trace/event';
import { readInBatches } from '../../server/src/traceService/batchedRead';
import { BatchReader } from '../../server/src/traceService/eventBatches';
import type { FromReader, ToReader } from '../../server/src/traceService/traceWorkerProtocol';
import { fixturesDir, goldenCases, testsuiteDir } from '../trace-conformance/goldens';

/** An event as text, keys sorted (objects are made in different places), bigints as text. */
function text(ev: TraceEvent): string {
  const sorted = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`;
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sorted(ev));
}

interface Read { events: string[]; stacks: Stack[]; error?: string }

async function direct(path: string): Promise<Read> {
  const read: Read = { events: [], stacks: [] };
  try {
    const trace = await openTraceFile(path);
    await trace.forEach((ev) => { read.events.push(text(ev)); read.stacks.push(ev.stack); });
  } catch (error) {
    read.error = (error as Error).message;
  }
  return read;
}

function batched(path: string): Promise<Read> {
  const read: Read = { events: [], stacks: [] };
  const { port1, port2 } = new MessageChannel();
  const reader = new BatchReader();
  let analysed: Int32Array | undefined;
  void readInBatches(path, port1);
  return new Promise((resolve) => {
    port2.on('message', (message: FromReader) => {
      if (message.type === 'opened') analysed = message.analysed;
      if (message.type === 'batch') {
        reader.read(message.batch, (ev) => { read.events.push(text(ev)); read.stacks.push(ev.stack); });
        Atomics.add(analysed!, 0, 1);
        Atomics.notify(analysed!, 0);
      } else if (message.type === 'done' || message.type === 'error') {
        if (message.type === 'error') read.error = message.message;
        port2.close();
        resolve(read);
      }
    });
  });
}

describe('events handed across threads in batches', () => {
  const cases = [...goldenCases(fixturesDir), ...goldenCases(testsuiteDir)];
  it('covers the fixtures', () => assert.ok(cases.length > 90, `${cases.length} fixture traces`));
  for (const c of cases) {
    it(c.name, async () => {
      const [want, got] = [await direct(c.tracePath), await batched(c.tracePath)];
      assert.equal(got.error, want.error);
      assert.equal(got.events.length, want.events.length);
      for (let i = 0; i < want.events.length; i++) if (got.events[i] !== want.events[i]) assert.equal(got.events[i], want.events[i], `event ${i}`);
      // One stack object for each of the reader's (caches are keyed on them), and no two for one.
      const mapped = new Map<Stack, Stack>();
      const back = new Map<Stack, Stack>();
      for (let i = 0; i < want.stacks.length; i++) {
        assert.equal(mapped.get(want.stacks[i]) ?? got.stacks[i], got.stacks[i], `stack of event ${i}`);
        assert.equal(back.get(got.stacks[i]) ?? want.stacks[i], want.stacks[i], `stack of event ${i}`);
        mapped.set(want.stacks[i], got.stacks[i]);
        back.set(got.stacks[i], want.stacks[i]);
      }
    });
  }
  it('stops when the analysing side cancels', async () => {
    const { port1, port2 } = new MessageChannel();
    const done = readInBatches(join(fixturesDir, 'busyservice-go1.26.trace'), port1);
    let batches = 0;
    port2.on('message', (message: FromReader) => {
      if (message.type === 'batch' && ++batches === 1) port2.postMessage({ type: 'cancel' } satisfies ToReader);
    });
    await done;
    assert.equal(batches, 1 + 2, 'the first batch and the two sent ahead before the cancel arrived, no more');
  });
});
