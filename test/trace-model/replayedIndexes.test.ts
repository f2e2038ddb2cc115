// The viewer's indexes built on the language server's main thread from recorded writes
// (trace/recorded/, traceService/replayedIndex.ts) answer every timeline and Tasks view query as
// the indexes the trace worker builds itself. Batches are tiny here, so that they end after every
// kind of op and the ring's slots are reused many times.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TaskListQuery } from '../../common/taskModel';
import type { TimelineQuery } from '../../common/traceModel';
import { NO_STACK, NO_TASK } from '../../server/src/trace/event';
import { openTraceFile, type ReadOptions } from '../../server/src/trace/reader';
import { MaxStringSize } from '../../server/src/trace/spec';
import { decodeGoString } from '../../server/src/trace/strings';
import type { RingMessage } from '../../server/src/trace/recorded/batchRing';
import { indexRecorders, type IndexRecorders } from '../../server/src/trace/recorded/indexRecorders';
import { MAX_LISTED } from '../../server/src/trace/requests/taskExplainer';
import { TaskStore } from '../../server/src/trace/requests/taskStore';
import { skippedCounter, TraceAnalyzer, type AnalyzerOptions, type AnnotationListener } from '../../server/src/trace/summary/analyzer';
import { QueryAnswerer } from '../../server/src/traceService/queries';
import { ReplayedIndex } from '../../server/src/traceService/replayedIndex';

const dir = join(__dirname, '..', 'fixtures', 'traces');
const fixtures = readdirSync(dir).filter((f) => /^(annotations|perrequest|busyservice|whyslow|gc|blocking|generations|cpusamples)-go1\.2\d\.trace$/.test(f));

/** Reads `file` into an analyzer with these options and annotation listener, as the trace worker does. */
async function analyze(
  file: string, options: AnalyzerOptions, annotations: AnnotationListener & { finish(): void }, read: ReadOptions = {},
): Promise<TraceAnalyzer> {
  const trace = await openTraceFile(file, read);
  const analyzer = new TraceAnalyzer(trace.goVersion, 0, options);
  analyzer.forwardAnnotations(annotations);
  // Skipped events counted at every pause and at the end, as the worker counts them.
  const countSkipped = skippedCounter(analyzer, trace);
  await trace.forEach((ev) => analyzer.add(ev), countSkipped).catch((error: Error) => analyzer.finish(error));
  countSkipped();
  analyzer.finish();
  annotations.finish();
  return analyzer;
}

describe('indexes replayed on the main thread', () => {
  it('answer timeline and task queries as the worker\'s own indexes, on every fixture trace', async () => {
    assert.ok(fixtures.length >= 20, fixtures.join());
    let tasksCompared = 0;
    for (const f of fixtures) {
      const file = join(dir, f);
      const store = new TaskStore();
      const ownAnalyzer = await analyze(file, {}, store);
      const own = new QueryAnswerer(ownAnalyzer, { store, open: (signal) => openTraceFile(file, { signal }) });
      // 64 values a batch: the longest op takes 7, so batches end at every op, strings included.
      const replayed = new ReplayedIndex(64);
      const recorders = indexRecorders(replayed.ring, (message) => replayed.receive(message));
      // As the worker reads: log messages as bytes, undecoded (the store fed directly decodes them), and
      // without the runtime's detail, which no view shows.
      const recording = await analyze(file, { timelineWriter: recorders.timeline }, recorders.tasks, { logMessages: 'bytes', runtimeDetail: false });
      assert.equal(recording.timeline.lanesCount, 1, `${f}: the analyzer's own index stays empty (only the GC lane)`);
      assert.deepEqual(recording.summary(), ownAnalyzer.summary(), `${f}: summary`);

      const { startNs, endNs } = recording.summary().overview;
      const span = endNs - startNs;
      const queries: TimelineQuery[] = [
        { startNs, endNs, resolutionNs: span / 1000 },
        { startNs, endNs, resolutionNs: span / 1000, groups: { expanded: [] } },
        { startNs, endNs, resolutionNs: span / 500, groups: { expanded: ['main.serve', 'main.worker', ''] }, lanes: [0, 1, 2, 3, 4, 5, 6, 7] },
        { startNs: startNs + span / 3, endNs: startNs + span / 3 + span / 16, resolutionNs: 1 },
        { startNs, endNs, resolutionNs: 1, lanes: [0, 2, 5, 9, 40, 41, 42] },
      ];
      for (const query of queries) {
        assert.deepEqual(replayed.timelineQuery(query), own.answer({ kind: 'timeline', query }), `${f}: timeline ${JSON.stringify(query)}`);
      }

      const taskQueries: TaskListQuery[] = [
        { filter: {}, offset: 0, limit: store.size + 1 },
        { filter: { state: 'ended' }, sort: { key: 'goroutines', descending: true }, offset: 2, limit: 20 },
        { filter: { log: { category: 'request' } }, sort: { key: 'logs', descending: false }, offset: 0, limit: 50, slowestPerType: 2 },
      ];
      // Tasks by an exact message: some of every category's (as each index keeps them: posting lists or a stream).
      const logs: { category: string; message: string }[] = [];
      await (await openTraceFile(file)).forEach((ev) => { if (ev.kind === 'Log') logs.push({ category: ev.category, message: ev.message }); });
      for (const log of logs.filter((_, i) => i % Math.ceil(logs.length / 40) === 0)) {
        taskQueries.push({ filter: { log }, offset: 0, limit: 1_000 });
      }
      for (const query of taskQueries) {
        assert.deepEqual(replayed.taskList(query), own.answer({ kind: 'taskList', query }), `${f}: task list ${JSON.stringify(query)}`);
      }
      for (const row of store.list({ filter: {}, offset: 0, limit: 5 }).rows) {
        const task = store.find(row.id)!;
        assert.deepEqual(replayed.taskToExplain(row.id), { task, children: store.children(row.id, MAX_LISTED + 1) }, `${f}: task ${row.id} to explain`);
        tasksCompared++;
      }
      assert.equal(replayed.taskToExplain(-42), undefined);
    }
    assert.ok(tasksCompared > 50, `${tasksCompared} tasks compared`);
  });

  it('hands log messages over as bytes, a batch ending when its bytes are full (messages up to MaxStringSize)', () => {
    const base = { thread: 0, proc: 0, goroutine: 1, stack: NO_STACK, parent: NO_TASK };
    const lengths = [MaxStringSize, 1000, 0, 1, MaxStringSize - 1, 24, 999, MaxStringSize, 3, 512, 513];
    const messages = lengths.map((n, i) => Buffer.from(`${i}:`.padEnd(n, 'abcdefghij').slice(0, n)));
    messages.push(Buffer.from([0xff, 0x41]), Buffer.from('ид=7'));
    for (const slotValues of [64, 4_096]) {
      const direct = new TaskStore();
      const replayed = new ReplayedIndex(slotValues);
      const recorders = indexRecorders(replayed.ring, (message) => replayed.receive(message));
      messages.forEach((raw, i) => {
        const begin = { ...base, kind: 'TaskBegin', id: i + 1, type: 't', time: 10 * i } as const;
        const log = { ...base, kind: 'Log', task: i + 1, category: 'c', message: '', messageBytes: { bytes: raw, start: 0, end: raw.length }, time: 10 * i + 1 } as const;
        direct.taskBegin(begin, undefined);
        direct.log(log);
        recorders.tasks.taskBegin(begin, undefined);
        recorders.tasks.log(log);
      });
      recorders.tasks.finish();
      direct.finish();
      // With 64 values a batch holds at most 1 KiB of messages (the values would fill 3): long ones end batches.
      assert.equal(replayed.batchesReplayed, slotValues === 64 ? 7 : 1);
      for (const raw of messages) {
        const query: TaskListQuery = { filter: { log: { category: 'c', message: decodeGoString(raw) } }, offset: 0, limit: 10 };
        assert.deepEqual(replayed.taskList(query), direct.list(query), `${slotValues}: ${raw.length} bytes`);
        assert.equal(direct.list(query).rows.length, 1);
      }
    }
  });

  it('replays batches published in the ring in order, a batch held back until its strings come, with a message per few batches', () => {
    const query: TimelineQuery = { startNs: 0, endNs: 1_000, resolutionNs: 1 };
    const record = (recorders: IndexRecorders): void => {
      const lane = recorders.timeline.goroutineLane(1);
      recorders.timeline.add(lane, 0, 'region', 10, 20, 'a label first met here');
      const label = recorders.timeline.labelId('another');
      for (let t = 30; t < 900; t += 10) recorders.timeline.addLabelled(lane, 1, 'region', t, t + 5, label);
    };
    const direct = new ReplayedIndex(64);
    let directMessages = 0;
    const directRecorders = indexRecorders(direct.ring, (message) => { directMessages++; direct.receive(message); });
    record(directRecorders);
    directRecorders.timeline.flush();

    const replayed = new ReplayedIndex(64);
    const inbox: RingMessage[] = [];
    const recorders = indexRecorders(replayed.ring, (message) => inbox.push(message));
    record(recorders);
    // Not delivered yet: the first batch waits for its strings, and a query answers without it.
    assert.deepEqual(replayed.timelineQuery(query), new ReplayedIndex(64).timelineQuery(query));
    assert.equal(replayed.batchesReplayed, 0);
    recorders.timeline.flush();
    const messages = inbox.splice(0);
    for (const message of messages) replayed.receive(message);
    assert.equal(replayed.batchesReplayed, direct.batchesReplayed);
    assert.ok(replayed.batchesReplayed >= 8, `${replayed.batchesReplayed} batches`);
    assert.deepEqual(replayed.timelineQuery(query), direct.timelineQuery(query));
    // The strings' own message (the first batch has all three), then one wake-up (the replaying side was never idle).
    assert.deepEqual(messages, [{ channel: 0, strings: ['GC', 'a label first met here', 'another'] }, {}]);
    // Delivered at once, the replaying side is idle after each: woken once per several batches (and at the flush).
    assert.ok(directMessages <= 2 + Math.floor(direct.batchesReplayed / 4), `${directMessages} messages for ${direct.batchesReplayed} batches`);
  });

  it('stops the recording side with the failure when a batch cannot be replayed', () => {
    const replayed = new ReplayedIndex(64);
    const recorders = indexRecorders(replayed.ring, (message) => replayed.receive(message));
    recorders.timeline.goroutineLane(7);
    recorders.timeline.flush();
    // A second recorder into the same index numbers its first goroutine lane 1 too: the index made it 2.
    const diverging = indexRecorders(replayed.ring, (message) => replayed.receive(message));
    diverging.timeline.goroutineLane(8);
    assert.throws(() => diverging.timeline.flush(), /index thread failed/);
    assert.throws(() => replayed.timelineQuery({ startNs: 0, endNs: 1, resolutionNs: 1 }), /the timeline index failed: timeline replay: lane 2 where the recorder numbered 1/);
  });
});
