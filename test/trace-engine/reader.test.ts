// The reader's behaviour beyond byte-exact conformance (which test/trace-conformance checks
// against Go's own output): streaming by generation, truncated and hostile input, abort,
// progress, the kinds filter and exact times on machines with a long uptime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceError, type TraceEvent } from '../../server/src/trace/event';
import { formatEvent } from '../../server/src/trace/format';
import { decodeGoString } from '../../server/src/trace/strings';
import { openTraceBytes, openTraceFile, type ReadOptions } from '../../server/src/trace/reader';
import { analyzeEvents, STATISTICS_ONLY } from '../../server/src/trace/summary/analyzer';
import { statsJson } from '../../server/src/trace/summary/report';
import {
  annotatedGeneration, batch, END_OF_GENERATION, ev, GoRunnable, GoRunning, header, ProcRunning, stacksBatch, stringsBatch, syncBatch, T, traceOf, uvarint,
} from './tracebuilder';

async function readAll(bytes: Uint8Array, options: ReadOptions = {}): Promise<{ events: TraceEvent[]; error?: unknown }> {
  const events: TraceEvent[] = [];
  try {
    const opened = await openTraceBytes(bytes, options);
    await opened.forEach((e) => events.push(e));
    return { events };
  } catch (error) {
    return { events, error };
  }
}

const twoGenerations = traceOf(header(26), annotatedGeneration(1, 1000), annotatedGeneration(2, 5000));

test('a synthetic trace reads back with contexts, tasks, regions, logs and stacks filled in', async () => {
  const { events, error } = await readAll(twoGenerations);
  assert.equal(error, undefined);
  const kinds = events.map((e) => e.kind);
  assert.deepEqual(kinds.slice(0, 10), [
    'Sync', 'StateTransition', 'StateTransition', 'TaskBegin', 'RegionBegin', 'Log', 'Metric', 'RegionEnd', 'TaskEnd', 'StateTransition',
  ]);
  assert.equal(kinds.filter((k) => k === 'Sync').length, 3, 'one per generation and a last one');
  const task = events.find((e) => e.kind === 'TaskEnd');
  assert.ok(task?.kind === 'TaskEnd');
  // TaskEnd has no name on the wire: the reader carries it over from TaskBegin.
  assert.deepEqual({ id: task.id, parent: task.parent, type: task.type, g: task.goroutine, p: task.proc, m: task.thread },
    { id: 7, parent: -1, type: 'task.type', g: 1, p: 0, m: 1 });
  assert.deepEqual(task.stack.map((f) => [f.func, f.file, f.line, f.pc]), [['main.work', '/src/main.go', 42, 0x401000n]]);
  assert.equal(formatEvent(events[3]).split('\n')[0], 'M=1 P=0 G=1 TaskBegin Time=64320 ID=7 Parent=18446744073709551615 Type="task.type"');
  // Times strictly increase, as Go's Reader makes them.
  for (let i = 1; i < events.length; i++) assert.ok(events[i].time > events[i - 1].time, `time at ${i}`);
  // The same stack in two generations (different tables) is one shared array.
  const stacks = events.filter((e) => e.kind === 'RegionBegin').map((e) => e.stack);
  assert.equal(stacks.length, 2);
  assert.equal(stacks[0], stacks[1]);
});

test('a truncated file yields every complete generation, then a TraceError with an offset', async () => {
  const whole = await readAll(twoGenerations);
  const firstGenEvents = whole.events.findIndex((e, i) => i > 0 && e.kind === 'Sync');
  for (const cut of [twoGenerations.length - 1, twoGenerations.length - 30, twoGenerations.length - 80]) {
    const { events, error } = await readAll(twoGenerations.subarray(0, cut));
    assert.ok(error instanceof TraceError, `cut at ${cut}: ${String(error)}`);
    assert.match(error.message, /at byte \d+/);
    // Everything of generation 1, then the Sync Go emits before reporting the error.
    assert.deepEqual(events.slice(0, firstGenEvents).map((e) => formatEvent(e)), whole.events.slice(0, firstGenEvents).map((e) => formatEvent(e)));
    assert.equal(events.length, firstGenEvents + 1);
    assert.equal(events[firstGenEvents].kind, 'Sync');
  }
});

test('hostile counts and lengths are refused before anything is allocated for them', async () => {
  const gen = (tables: number[]) => traceOf(header(26), syncBatch(1, 10), tables, END_OF_GENERATION);
  const cases: [Uint8Array, RegExp][] = [
    [gen(batch(1, 0, 1, [4, 5, ...uvarint(1), ...uvarint(2n ** 40n)])), /invalid string size 1099511627776, maximum is 1024/],
    [gen(batch(1, 0, 1, [2, 3, ...uvarint(1), ...uvarint(1_000_000_000)])), /invalid stack size 1000000000, maximum is 128/],
    [gen(batch(1, 0, 1, [4, 5, ...uvarint(1), ...uvarint(500), 65])), /failed to read full string: read 1 but wanted 500/],
    [gen(stringsBatch(1, { 0: 'zero' })), /multiple strings with the same ID/],
    [gen(stacksBatch(1, { 1: [[1, 99, 0, 1]] })), /invalid func string ID 99 for stack 1/],
    [traceOf(header(26), batch(1, 0, 0, [1]), [1, ...uvarint(1), 0, 0, ...uvarint(2n ** 62n)]), /invalid batch size/],
    [gen(batch(1, 3, 5, [...ev(T.GoStop, 1, 0, 0)])), /expected a proc but didn't have one/],
    [gen(batch(1, 3, 5, [200])), /found invalid event type: 200/],
  ];
  for (const [bytes, message] of cases) {
    const { error } = await readAll(bytes);
    assert.ok(error instanceof TraceError && message.test(error.message), `${message}: got ${String(error)}`);
    assert.match(error.message, /at byte \d+|generation/);
  }
});

test('stacks: checked as Go checks them when the generation is read, resolved at their first use', async () => {
  // Goroutine 1 runs on P 0 and stops with `stack`.
  const gen = (stacks: Parameters<typeof stacksBatch>[1], stack: number) => traceOf(header(26), syncBatch(1, 10),
    stringsBatch(1, { 5: 'main.work', 6: '/src/main.go', 7: 'preempted' }), stacksBatch(1, stacks),
    batch(1, 1, 11, [...ev(T.ProcStatus, 1, 0, ProcRunning), ...ev(T.GoStatus, 1, 1, 1, GoRunning), ...ev(T.GoStop, 1, 7, stack)]),
    END_OF_GENERATION);
  // A PC's first record is the one Go keeps: stack 2's bad string IDs for the same PC are never looked at.
  const firstRecord = await readAll(gen({ 1: [[0x401000, 5, 6, 42]], 2: [[0x401000, 99, 98, 7]] }, 2));
  assert.equal(firstRecord.error, undefined);
  const stopped = firstRecord.events.find((e) => e.kind === 'StateTransition' && e.to === 'Runnable');
  assert.deepEqual(stopped?.stack.map((f) => `${f.func} ${f.file}:${f.line}`), ['main.work /src/main.go:42']);
  // Of several bad stacks, Go names the first in ID order, whether or not an event uses it.
  const twoBad = await readAll(gen({ 3: [[0x500, 5, 97, 1]], 2: [[0x600, 96, 6, 1]], 1: [[0x401000, 5, 6, 42]] }, 1));
  assert.ok(twoBad.error instanceof TraceError && /invalid func string ID 96 for stack 2/.test(twoBad.error.message), String(twoBad.error));
  // An event not handed over still has its stack ID checked.
  const missing = await readAll(gen({ 1: [[0x401000, 5, 6, 42]] }, 9), { kinds: ['TaskBegin'] });
  assert.ok(missing.error instanceof TraceError && /found invalid stack ID 9 for event GoStop/.test(missing.error.message), String(missing.error));
});

test('a table record cut right before a value ends the trace quietly, as Go\'s bare io.EOF does', async () => {
  // The string's length is missing: Go's reader returns io.EOF itself, which go tool trace takes for the end.
  const { events, error } = await readAll(traceOf(header(26), annotatedGeneration(1, 1000), syncBatch(2, 9000), batch(2, 0, 9000, [4, 5, 1]), END_OF_GENERATION));
  assert.equal(error, undefined);
  assert.equal(events.at(-1)?.kind, 'Sync');
  assert.equal(events.filter((e) => e.kind === 'Sync').length, 2);
  // One byte into the value instead, it is a real error.
  const cut = await readAll(traceOf(header(26), syncBatch(1, 10), batch(1, 0, 10, [4, 5, 1, 0x80]), END_OF_GENERATION));
  assert.ok(cut.error instanceof TraceError && /reading string length: unexpected EOF/.test(cut.error.message));
});

test('a trace without any generation ends after a Sync, as Go\'s does', async () => {
  const { events, error } = await readAll(traceOf(header(26)));
  assert.equal(error, undefined);
  assert.deepEqual(events.map((e) => formatEvent(e)), ['M=-1 P=-1 G=-1 Sync Time=1 N=1']);
  // Before Go 1.26 an empty trace lacks a frequency and is rejected.
  const old = await readAll(traceOf(header(23)));
  assert.ok(old.error instanceof TraceError && /no frequency event found/.test(old.error.message));
});

test('kinds skips building other events but not reading, ordering or timestamping them', async () => {
  const all = (await readAll(twoGenerations)).events;
  const picked = (await readAll(twoGenerations, { kinds: ['TaskBegin', 'TaskEnd', 'RegionBegin', 'RegionEnd', 'Log'] })).events;
  const wanted = all.filter((e) => /^(Task|Region|Log)/.test(e.kind));
  assert.equal(picked.length, wanted.length);
  assert.deepEqual(picked.map((e) => formatEvent(e)), wanted.map((e) => formatEvent(e)));
});

test('logMessages false leaves Log messages empty, and still checks their string IDs as Go does', async () => {
  const all = (await readAll(twoGenerations)).events;
  const counted = (await readAll(twoGenerations, { logMessages: false })).events;
  assert.ok(all.some((e) => e.kind === 'Log' && e.message === 'message'));
  assert.deepEqual(counted, all.map((e) => (e.kind === 'Log' ? { ...e, message: '' } : e)));
  const badMessage = traceOf(header(26), syncBatch(1, 1000), stringsBatch(1, { 3: 'category' }, 1000), batch(1, 1, 1001, [
    ...ev(T.ProcStatus, 1, 0, ProcRunning), ...ev(T.GoStatus, 1, 1, 1, GoRunning), ...ev(T.UserLog, 1, 7, 3, 9, 0),
  ]), END_OF_GENERATION);
  for (const logMessages of [true, false]) {
    const { error } = await readAll(badMessage, { logMessages });
    assert.ok(error instanceof TraceError && /found invalid string ID 9 for event UserLog/.test(error.message), String(error));
  }
});

test('scheduling false skips a named goroutine\'s scheduling, counts it, and the statistics stay the same', async () => {
  const all = (await readAll(twoGenerations)).events;
  const opened = await openTraceBytes(twoGenerations, { scheduling: false });
  const rest: TraceEvent[] = [];
  await opened.forEach((e) => rest.push(e));
  // Goroutine 1 is named by the first generation's GoStop (its stack's root is main.work): the second
  // generation's GoStart and GoStop are skipped; its status in each generation is not.
  const secondGeneration = all.findIndex((e, i) => i > 0 && e.kind === 'Sync');
  const skipped = all.filter((e, i) => i > secondGeneration && e.kind === 'StateTransition' && e.from !== e.to);
  assert.deepEqual(skipped.map((e) => e.kind === 'StateTransition' && `${e.from}->${e.to}`), ['Runnable->Running', 'Running->Runnable']);
  assert.deepEqual(rest.map((e) => formatEvent(e)), all.filter((e) => !skipped.includes(e)).map((e) => formatEvent(e)));
  assert.deepEqual(opened.skipped(), { count: 2, lastTime: all[all.length - 1].time });

  const stats = async (bytes: Uint8Array, scheduling: boolean) =>
    statsJson((await analyzeEvents(await openTraceBytes(bytes, { scheduling }), 0, undefined, STATISTICS_ONLY)).summary());
  // A trace that breaks right after a skipped GoStart: that start is the last event, so it ends the duration.
  const brokenAfterStart = traceOf(header(26), annotatedGeneration(1, 1000), syncBatch(2, 5000), batch(2, 1, 5001, [
    ...ev(T.ProcStatus, 1, 0, ProcRunning), ...ev(T.GoStatus, 1, 1, 1, GoRunnable), ...ev(T.GoStart, 1, 1, 1), ...ev(T.GoStart, 9, 1, 2),
  ]), END_OF_GENERATION);
  const expected = await stats(brokenAfterStart, true);
  assert.match(String(expected.truncatedError), /failed to advance/);
  assert.deepEqual(await stats(brokenAfterStart, false), expected);

  // Waiting forever ends a goroutine in Go's analysis: its unblocking then starts a new record, seen again.
  const foreverThenUnblocked = traceOf(header(26), syncBatch(1, 1000),
    stringsBatch(1, { 5: 'main.work', 6: '/src/main.go', 7: 'forever' }, 1000), stacksBatch(1, { 1: [[0x401000, 5, 6, 42]] }, 1000),
    batch(1, 1, 1001, [
      ...ev(T.ProcStatus, 1, 0, ProcRunning), ...ev(T.GoStatus, 1, 1, 1, GoRunning), ...ev(T.GoStatus, 1, 2, 1, GoRunnable),
      ...ev(T.GoBlock, 1, 7, 1), ...ev(T.GoStart, 1, 2, 1), ...ev(T.GoUnblock, 1, 1, 1, 1),
    ]), END_OF_GENERATION);
  const once = await stats(foreverThenUnblocked, true);
  assert.equal(once.goroutines, 3);
  assert.deepEqual(await stats(foreverThenUnblocked, false), once);
});

test('runtimeDetail false skips sweeps, mark assists, the heap goal, GOMAXPROCS and heap sizes below the peak, and counts them', async () => {
  const trace = 'test/fixtures/traces/gc-go1.26.trace';
  const all: TraceEvent[] = [];
  await (await openTraceFile(trace)).forEach((e) => all.push(e));
  const opened = await openTraceFile(trace, { runtimeDetail: false });
  const rest: TraceEvent[] = [];
  await opened.forEach((e) => rest.push(e));
  // A heap size is kept only when it is above every one before it: the peak is what the statistics read.
  let peak = -1n;
  const belowPeak = new Set<TraceEvent>();
  for (const e of all) {
    if (e.kind !== 'Metric' || e.name !== '/memory/classes/heap/objects:bytes' || e.value.kind !== 'Uint64') continue;
    if (e.value.value <= peak) belowPeak.add(e);
    else peak = e.value.value;
  }
  const detail = (e: TraceEvent) => (e.kind === 'RangeBegin' || e.kind === 'RangeActive' || e.kind === 'RangeEnd'
    ? e.name === 'GC incremental sweep' || e.name === 'GC mark assist'
    : e.kind === 'Metric' && (e.name === '/gc/heap/goal:bytes' || e.name === '/sched/gomaxprocs:threads' || belowPeak.has(e)));
  const skipped = all.filter(detail);
  assert.ok(skipped.some((e) => e.kind === 'RangeEnd') && skipped.some((e) => e.kind === 'Metric') && all.some((e) => e.kind === 'Metric' && !detail(e)) && all.some((e) => e.kind === 'RangeBegin' && !detail(e)));
  assert.ok(belowPeak.size > 0, 'the fixture has heap sizes below an earlier one');
  assert.deepEqual(rest.map((e) => formatEvent(e)), all.filter((e) => !detail(e)).map((e) => formatEvent(e)));
  assert.equal(opened.skipped().count, skipped.length);
});

test('kinds keeps times exact past 2^53 too (mutated traces with huge timestamps)', async () => {
  const kinds = ['Sync', 'TaskBegin', 'TaskEnd', 'RegionBegin', 'RegionEnd', 'Log', 'Metric'] as const;
  const printed = async (bytes: Uint8Array, options: ReadOptions): Promise<string[]> => {
    const lines: string[] = [];
    try {
      const { forEach, timeBase } = await openTraceBytes(bytes, options);
      await forEach((e) => lines.push(formatEvent(e, timeBase)));
    } catch (error) {
      assert.ok(error instanceof TraceError);
    }
    return lines;
  };
  let hugeTimes = 0;
  for (const name of ['09176a380b21', '105c0e8e6298', '1cdcfb88f3fa', '203e11d03bee', '32f48c7a4e14', '83265ac28fc9']) {
    const bytes = new Uint8Array(readFileSync(`test/fixtures/traces/divergences/${name}.trace`));
    const all = await printed(bytes, {});
    hugeTimes += all.filter((line) => BigInt(/ Time=(-?\d+)/.exec(line)?.[1] ?? 0) > 2n ** 53n).length;
    const wanted = all.filter((line) => kinds.some((k) => line.includes(` ${k} Time=`)));
    assert.deepEqual(await printed(bytes, { kinds: [...kinds] }), wanted, name);
  }
  assert.ok(hugeTimes > 0, 'the fixtures hold times past 2^53');
});

test('progress is reported per generation and aborting stops the read', async () => {
  const path = 'test/fixtures/traces/generations-go1.26.trace';
  const size = readFileSync(path).length;
  const seen: { bytesRead: number; generations: number; events: number }[] = [];
  const opened = await openTraceFile(path, { onProgress: (p) => { assert.equal(p.totalBytes, size); seen.push(p); } });
  let events = 0;
  await opened.forEach(() => events++);
  assert.ok(seen.length >= 3, `${seen.length} progress reports`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i].bytesRead >= seen[i - 1].bytesRead && seen[i].generations >= seen[i - 1].generations);
  }
  assert.deepEqual(seen.at(-1), { bytesRead: size, totalBytes: size, generations: seen.at(-1)?.generations, events });

  const controller = new AbortController();
  const aborted = await openTraceFile(path, { signal: controller.signal });
  let read = 0;
  let pauses = 0;
  await assert.rejects(aborted.forEach(() => read++, () => { pauses++; controller.abort(); }), { name: 'AbortError' });
  assert.equal(pauses, 1, 'the read stops at the first pause after the abort');
  assert.ok(read > 0 && read < events, `${read} of ${events} events read`);
  await assert.rejects(aborted.forEach(() => {}), /read once/);
});

test('times stay exact on a machine up for 200 days (beyond 2^53 ns)', async () => {
  // 200 days of nanotime, in 64 ns ticks.
  const start = Math.round((200 * 86400e9) / 64);
  const bytes = traceOf(header(26), annotatedGeneration(1, start), annotatedGeneration(2, start + 5000));
  const opened = await openTraceBytes(bytes);
  assert.equal(opened.timeBase, BigInt(start) * 64n);
  const lines: string[] = [];
  await opened.forEach((e) => lines.push(formatEvent(e, opened.timeBase).split('\n')[0]));
  // The event batch starts a tick after the generation; the task begins 1+1+2 ticks into it.
  assert.equal(lines[3], `M=1 P=0 G=1 TaskBegin Time=${(BigInt(start) + 5n) * 64n} ID=7 Parent=18446744073709551615 Type="task.type"`);
  // The last Sync is forced one nanosecond after the last event: odd, so not representable as a double here.
  const lastEvent = (BigInt(start) + 5001n + (1n + 1n + 1n + 2n + 3n + 1n + 1n + 5n + 1n + 2n)) * 64n;
  assert.equal(lines.at(-1), `M=-1 P=-1 G=-1 Sync Time=${lastEvent + 1n} N=3`);
  assert.ok(lastEvent + 1n > 2n ** 53n);
});

test('without log messages, strings left in the file give every fixture the same events and errors as its bytes', async () => {
  const dir = 'test/fixtures/traces';
  const read = async (open: () => Promise<Awaited<ReturnType<typeof openTraceFile>>>) => {
    const lines: string[] = [];
    try {
      await (await open()).forEach((e) => lines.push(formatEvent(e)));
      return { lines };
    } catch (error) {
      return { lines, error: error instanceof Error ? error.message : String(error) };
    }
  };
  const files = readdirSync(dir).filter((f) => f.endsWith('.trace'));
  assert.ok(files.length >= 40);
  for (const file of files) {
    const path = join(dir, file);
    const fromFile = await read(() => openTraceFile(path, { logMessages: false }));
    const fromBytes = await read(() => openTraceBytes(readFileSync(path), { logMessages: false }));
    assert.deepEqual(fromFile, fromBytes, file);
  }
});

test('logMessages \'bytes\': every fixture gives the same events, each Log\'s message as its bytes, and the same errors', async () => {
  const dir = 'test/fixtures/traces';
  const read = async (open: (options: ReadOptions) => ReturnType<typeof openTraceFile>, options: ReadOptions) => {
    const events: TraceEvent[] = [];
    try {
      await (await open(options)).forEach((e) => events.push(e));
      return { events };
    } catch (error) {
      return { events, error: error instanceof Error ? error.message : String(error) };
    }
  };
  let logs = 0;
  let nonAscii = 0;
  const compare = async (name: string, open: (options: ReadOptions) => ReturnType<typeof openTraceFile>) => {
    const text = await read(open, {});
    const bytes = await read(open, { logMessages: 'bytes' });
    assert.equal(bytes.error, text.error, name);
    assert.deepEqual(bytes.events.map((e) => {
      if (e.kind !== 'Log') return e;
      const { messageBytes, ...rest } = e;
      assert.ok(messageBytes !== undefined && e.message === '', name);
      logs++;
      if (messageBytes.bytes.subarray(messageBytes.start, messageBytes.end).some((b) => b >= 0x80)) nonAscii++;
      return { ...rest, message: decodeGoString(messageBytes.bytes, messageBytes.start, messageBytes.end) };
    }), text.events, name);
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.trace'))) await compare(file, (options) => openTraceFile(join(dir, file), options));
  // Messages that are not ASCII, or not UTF-8 at all, and a message string the generation lacks.
  const odd = (message: number) => traceOf(header(26), syncBatch(1, 1000), stringsBatch(1, { 3: 'category', 9: 'é=1', 10: Uint8Array.of(0xff, 0x41) }, 1000), batch(1, 1, 1001, [
    ...ev(T.ProcStatus, 1, 0, ProcRunning), ...ev(T.GoStatus, 1, 1, 1, GoRunning), ...ev(T.UserLog, 1, 7, 3, 9, 0), ...ev(T.UserLog, 1, 7, 3, message, 0),
  ]), END_OF_GENERATION);
  await compare('odd messages', (options) => openTraceBytes(odd(10), options));
  await compare('a missing message', (options) => openTraceBytes(odd(11), options));
  assert.ok(logs > 1_000, `${logs} logs`);
  assert.equal(nonAscii, 3, 'the messages that are not ASCII');
});

test('messagesOfTask: only that task\'s logs keep their message, read back from the file', async () => {
  const path = 'test/fixtures/traces/annotations-go1.26.trace';
  const all: TraceEvent[] = [];
  await (await openTraceFile(path)).forEach((e) => all.push(e));
  const logged = all.filter((e) => e.kind === 'Log' && e.message !== '');
  const task = logged[0].kind === 'Log' ? logged[0].task : 0;
  assert.ok(logged.some((e) => e.kind === 'Log' && e.task !== task), 'logs of other tasks too');
  const some: TraceEvent[] = [];
  await (await openTraceFile(path, { logMessages: false, messagesOfTask: task })).forEach((e) => some.push(e));
  assert.deepEqual(some, all.map((e) => (e.kind === 'Log' && e.task !== task ? { ...e, message: '' } : e)));
});

test('a file read from disk gives the same events as its bytes, and one that shrinks while read fails clearly', async () => {
  const source = 'test/fixtures/traces/generations-go1.26.trace';
  const bytes = readFileSync(source);
  const fromBytes = (await readAll(bytes)).events.map((e) => formatEvent(e));
  const fromFile: string[] = [];
  await (await openTraceFile(source)).forEach((e) => fromFile.push(formatEvent(e)));
  assert.deepEqual(fromFile, fromBytes);

  // The file's event batches are read again when their events are ordered: cut the file in between.
  const dir = mkdtempSync(join(tmpdir(), 'lens-shrink-'));
  try {
    const path = join(dir, 'shrinking.trace');
    writeFileSync(path, bytes);
    const opened = await openTraceFile(path);
    truncateSync(path, 0);
    await assert.rejects(opened.forEach(() => {}), (error: unknown) => error instanceof TraceError && /got shorter while it was being read/.test(error.message) && error.offset !== undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
