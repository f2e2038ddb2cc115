// `trace stats --threads`: reading ranges of generations in parallel gives exactly the one-thread
// statistics (the JSON of `trace stats`), errors included, whichever generation boundary the file is
// cut at, on every fixture trace and on multi-generation traces of the three benchmark shapes.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openTraceFile } from '../../server/src/trace/reader';
import { analyzeEvents, STATISTICS_ONLY } from '../../server/src/trace/summary/analyzer';
import { statsJson } from '../../server/src/trace/summary/report';
import { cutRanges, generationStarts, type GenerationRange, type GenerationStarts } from '../../server/src/trace/parallel/boundaries';
import { analyzeInParallel, type ParallelReport, type RangeRunner } from '../../server/src/trace/parallel/parallelStats';
import { readRange, type RangeResult } from '../../server/src/trace/parallel/rangeRead';
import { boundaryState, type BoundaryState } from '../../server/src/trace/parallel/orderingState';
import { workerRanges } from '../../server/src/trace/parallel/workerRanges';
import { autoThreads, marksEarly } from '../../server/src/cli/traceStats';
import { HEADER_BYTES } from '../../server/src/trace/wire';
// @ts-expect-error: a JavaScript module without declarations
import { benchTrace } from '../../bench/processes.mjs';

const fixtures = join(__dirname, '..', 'fixtures', 'traces');
const fixtureTraces = readdirSync(fixtures).filter((f) => f.endsWith('.trace')).sort().map((f) => join(fixtures, f));
/** Each range read on this thread, one after the other: the merge is what is tested. */
const inThread: RangeRunner = (task) => readRange(task);

/** The one-thread result: `trace stats --json`'s object, or the error's message. */
async function oneThread(path: string): Promise<unknown> {
  try {
    return statsJson((await analyzeEvents(await openTraceFile(path), 0, undefined, STATISTICS_ONLY)).summary());
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function parallel(path: string, threads: number, runRange: RangeRunner, cut?: (s: GenerationStarts) => GenerationRange[]): Promise<{ result: unknown; report?: ParallelReport }> {
  try {
    const { analyzer, report } = await analyzeInParallel(path, threads, runRange, { cut });
    return { result: statsJson(analyzer.summary()), report };
  } catch (error) {
    return { result: { error: (error as Error).message } };
  }
}

/** Until the runner's workers have loaded, and a turn of the event loop later, when the ranges have been cut. */
function untilCut(runner: RangeRunner): Promise<void> {
  return runner.loaded!().then(() => new Promise((resolve) => setImmediate(resolve)));
}

/** Ranges that start at the given generations. */
function cutAt(...firsts: number[]): (s: GenerationStarts) => GenerationRange[] {
  return (s) => {
    const bounds = [HEADER_BYTES, ...s.starts, s.size];
    const all = [0, ...firsts];
    return all.map((first, i) => ({ first, start: bounds[first], end: i + 1 < all.length ? bounds[all[i + 1]] : s.size }));
  };
}

/** Every way to cut the trace in two, and every way in three (at most `limit` of those). */
async function everyCut(path: string, limit = Infinity): Promise<{ name: string; cut: (s: GenerationStarts) => GenerationRange[] }[]> {
  const gens = (await generationStarts(path)).starts.length + 1;
  const cuts = [];
  for (let a = 1; a < gens; a++) cuts.push({ name: `at ${a}`, cut: cutAt(a) });
  let three = 0;
  for (let a = 1; a < gens; a++) for (let b = a + 1; b < gens && three < limit; b++, three++) cuts.push({ name: `at ${a} and ${b}`, cut: cutAt(a, b) });
  return cuts;
}

async function assertExactEverywhere(path: string, limit?: number): Promise<ParallelReport[]> {
  const expected = await oneThread(path);
  const reports: ParallelReport[] = [];
  for (const { name, cut } of await everyCut(path, limit)) {
    const { result, report } = await parallel(path, 3, inThread, cut);
    assert.deepEqual(result, expected, `${path} cut ${name}: ${JSON.stringify(report)}`);
    if (report !== undefined) reports.push(report);
  }
  return reports;
}

describe('trace stats in parallel equals trace stats on one thread', () => {
  it('on every fixture trace, cut at every generation boundary (truncated ones included)', async () => {
    let merged = 0;
    for (const path of fixtureTraces) merged += (await assertExactEverywhere(path)).filter((r) => r.merged).length;
    // Every cut in two of a multi-generation fixture merges where the second range begins with a whole
    // generation (the rest are single generations: nothing to cut), and the cut in three of Go 1.26's,
    // whose middle range a region and a task span; a range that begins with a truncated generation has
    // no status events to start from, and before Go 1.26 a middle range's reader does not pause at its
    // last generation's end (no EndOfGeneration): those read on in order, with the same result.
    assert.ok(merged >= 20, `only ${merged} cuts were merged`);
  });

  it('merges when a region and a task begun before the range end in it', async () => {
    // The fixture's region "spans-generations" and task "long-running" begin in the first generation
    // and end in the third: the range's reader, started at the third, did not know them.
    const path = join(fixtures, 'generations-go1.26.trace');
    const { result, report } = await parallel(path, 2, inThread, cutAt(2));
    assert.equal(report?.merged, true, report?.fallback);
    assert.deepEqual(result, await oneThread(path));
    assert.equal((result as { tasks: Record<string, { completeCount: number }> }).tasks['long-running']?.completeCount, 1);
    // Cut in three, they span the middle range: carried into the join of the last one.
    const three = await parallel(path, 3, inThread, cutAt(1, 2));
    assert.equal(three.report?.merged, true, three.report?.fallback);
    assert.deepEqual(three.result, result);
  });

  const dir = mkdtempSync(join(tmpdir(), 'parallel-stats-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads on in order when a range ends an older region out of order (Go reports the misuse)', async () => {
    const { requireGo, goEnv } = await import('../../scripts/go-toolchain.mjs');
    const path = join(dir, 'regionmisuse.trace');
    execFileSync(requireGo('1.26'), ['run', join(__dirname, 'testdata', 'regionmisuse', 'main.go'), path], { env: goEnv('1.26') });
    const expected = await oneThread(path);
    assert.match(JSON.stringify(expected), /misuse of region/);
    const gens = (await generationStarts(path)).starts.length + 1;
    assert.ok(gens >= 3, `${gens} generations`);
    const { result, report } = await parallel(path, 2, inThread, cutAt(gens - 1));
    assert.deepEqual(result, expected);
    assert.equal(report?.merged, false);
    assert.match(report?.fallback ?? '', /ends a region begun before the range out of order/);
  });

  it('reads on in order, with the same result, when the state a range started from is not the one before it', async () => {
    // Each part of the guessed start state (seed.ts) made wrong in turn: the comparison at the boundary
    // must catch it, whatever the range's analysis then says.
    const path = join(fixtures, 'generations-go1.26.trace');
    const expected = await oneThread(path);
    const wrong: [string, (r: RangeResult) => void, RegExp][] = [
      ['a goroutine\'s status', (r) => { r.startState!.key = r.startState!.key!.replace(/^g (\d+) (\d)/m, (_, g, st) => `g ${g} ${(Number(st) % 4) + 1}`); }, /state differs/],
      ['the GC state', (r) => { r.startState!.gc = '2 12345'; }, /GC state differs/],
      ['the last time', (r) => { r.startState!.time = r.firstTime[0] + 1; }, /last time differs/],
      ['the generations', (r) => { r.generations.push('1'); }, /sequence number/],
      ['a choice between two threads holding one proc', (r) => { r.choseByMapOrder = true; }, /two threads holding one proc/],
      ['the range\'s error', (r) => { r.error = { message: 'broken trace: failed to advance: no thread\'s next event can happen', offset: 100 }; }, /failed to advance/],
    ];
    for (const [what, spoil, why] of wrong) {
      const { result, report } = await parallel(path, 2, async (task) => {
        const r = await readRange(task);
        spoil(r);
        return r;
      }, cutAt(1));
      assert.equal(report?.merged, false, what);
      assert.match(report?.fallback ?? '', why, what);
      assert.deepEqual(result, expected, what);
    }
  });

  it('guesses the state before the range from its first generation and the last time from the one before', async () => {
    // On the fixture, at each boundary: the seeded state and the last time equal the one-thread reader's.
    const path = join(fixtures, 'generations-go1.26.trace');
    const { starts, firstGen } = await generationStarts(path);
    const bounds = [HEADER_BYTES, ...starts];
    const states: BoundaryState[] = [];
    const opened = await openTraceFile(path);
    await opened.forEach(() => {}, (generationEnd) => { if (generationEnd) states.push(boundaryState(opened.boundary())); });
    for (let i = 1; i < bounds.length; i++) {
      const r = await readRange({ path, previousStart: bounds[i - 1], start: bounds[i], end: bounds[i + 1] ?? (await generationStarts(path)).size, generations: 1, initialGen: firstGen, last: true, timeBase: 0 });
      assert.equal(r.startState?.key, states[i - 1].key, `boundary ${i}`);
      assert.deepEqual([r.startState?.time, r.startState?.timeLo], [states[i - 1].time, states[i - 1].timeLo], `boundary ${i}: last time`);
    }
  });

  it('reports a corrupt generation\'s error exactly, in the main thread\'s range and in a worker\'s', async () => {
    const source = join(fixtures, 'generations-go1.26.trace');
    const bytes = readFileSync(source);
    const { starts } = await generationStarts(source);
    for (const [name, from, to] of [['first', HEADER_BYTES, starts[0]], ['last', starts[1], bytes.length]] as const) {
      // The first place in the generation where 16 bytes of 0xff break it (string data would not).
      let expected: unknown;
      let path = '';
      for (let at = from + 24; at < to - 16 && expected === undefined; at += 97) {
        const broken = Buffer.from(bytes);
        broken.fill(0xff, at, at + 16);
        path = join(dir, `corrupt-${name}-${at}.trace`);
        writeFileSync(path, broken);
        const result = await oneThread(path);
        if (/"(error|truncatedError)"/.test(JSON.stringify(result))) expected = result;
      }
      assert.notEqual(expected, undefined, `${name}: no corruption was seen`);
      for (const { cut } of await everyCut(path)) assert.deepEqual((await parallel(path, 3, inThread, cut)).result, expected);
    }
  });

  it('with a pool of two worker threads, forced on a small file', async () => {
    // The worker's TypeScript source through tsx, as the bundled dist/traceRangeWorker.js runs it.
    const script = join(__dirname, '..', '..', 'server', 'src', 'trace', 'parallel', 'rangeWorker.ts');
    const runner = workerRanges(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true });
    for (const name of ['generations-go1.26.trace', 'generations-go1.22.trace', 'generations-go1.25-cut-boundary.trace']) {
      const path = join(fixtures, name);
      // The ranges are cut once the worker has loaded: the main thread waits for that at its first pause
      // (else it reads such a small file to its end first), and they are cut as if from the start
      // (else the main thread, which would have read so much meanwhile, keeps the whole file).
      const { analyzer, report } = await analyzeInParallel(path, 2, runner, { onPause: () => untilCut(runner), cut: (s, n) => cutRanges(s, n) });
      assert.deepEqual(statsJson(analyzer.summary()), await oneThread(path), name);
      assert.equal(report.ranges, 2, name);
      assert.equal(report.merged, true, `${name}: ${report.fallback}`);
    }
  });

  it('reads on in order, saying why, when a worker cannot load; and alone when it reads the file to its end first', async () => {
    const path = join(fixtures, 'generations-go1.26.trace');
    const missing = workerRanges(join(dir, 'no-such-worker.js'));
    const failed = await analyzeInParallel(path, 2, missing, { onPause: () => untilCut(missing), cut: (s, n) => cutRanges(s, n) });
    assert.deepEqual(statsJson(failed.analyzer.summary()), await oneThread(path));
    assert.equal(failed.report.merged, false);
    assert.match(failed.report.fallback ?? '', /^range 1 failed: /);
    // A worker that takes longer to load than the file takes to read is not waited for.
    const slow = workerRanges('setTimeout(() => require("node:worker_threads").parentPort.postMessage("loaded"), 60000)', { eval: true });
    const started = Date.now();
    const alone = await analyzeInParallel(path, 2, slow);
    assert.deepEqual(statsJson(alone.analyzer.summary()), await oneThread(path));
    assert.deepEqual(alone.report, { ranges: 1, merged: false });
    assert.ok(Date.now() - started < 30000);
  });

  it('on multi-generation traces of the benchmark shapes (worker pool, goroutine per request, GC heavy), cut as --threads 2 (and 3) cut them', async () => {
    // A generation every 20 ms (Go's default is a second, and a fast machine writes these in less), so
    // each has several to cut between; the worker pool's with one handler, to stay small.
    const traces: string[] = [benchTrace(5, { shape: 'gcheavy', generationMs: 20 }), benchTrace(33, { shape: 'perrequest', generationMs: 20 }),
      benchTrace(18, { shape: 'busyservice', workers: 1, generationMs: 20 })];
    for (const path of traces) {
      const expected = await oneThread(path);
      for (const threads of path.includes('gcheavy') ? [2, 3] : [2]) {
        const { result, report } = await parallel(path, threads, inThread);
        assert.deepEqual(result, expected, `${path}, ${threads} threads`);
        assert.equal(report?.merged, true, `${path}, ${threads} threads: ${report?.fallback}`);
      }
    }
  });
});

describe('go-trace-lens trace stats --threads', () => {
  const root = join(__dirname, '..', '..');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server/src/cli/main.ts'), 'trace', 'stats', ...args], { encoding: 'utf8', cwd: root });

  it('prints what one thread prints, and refuses a thread count that is not a whole number above 0 or comes with --breakdowns', () => {
    const path = join(fixtures, 'generations-go1.26.trace');
    // Other threads compute no breakdowns, so the one-thread side leaves them out too.
    const one = run(path, '--json', '--no-breakdowns');
    assert.equal(one.status, 0, one.stderr);
    // From the TypeScript source there is no bundled worker beside it: the range fails, and the
    // main thread reads on in order, saying so (unless it read this small file to its end first).
    const two = run(path, '--json', '--threads', '2');
    assert.equal(two.status, 0, two.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.match(two.stderr, /^$|^go-trace-lens: note: .*: read on one thread after all \(range 1 failed/);
    const auto = run(path, '--json', '--no-breakdowns', '--threads', 'auto');
    assert.equal(auto.status, 0, auto.stderr);
    assert.equal(auto.stdout, one.stdout);
    for (const bad of [['--threads', '0'], ['--threads', 'x'], ['--threads=1.5'], ['--threads', '2', '--breakdowns']]) {
      const r = run(path, '--json', ...bad);
      assert.equal(r.status, 2, bad.join(' '));
      assert.match(r.stderr, /usage: go-trace-lens trace stats/);
    }
  });
});

describe('--threads auto', () => {
  const MiB = 2 ** 20;
  it('reads files of 95 MiB or more on the idle cores, up to four, and smaller ones on one thread', () => {
    assert.equal(autoThreads(94 * MiB, 8), 1);
    assert.equal(autoThreads(100e6, 1.9), 2, 'the benchmark\'s 100 MB traces: two threads on two idle cores');
    assert.equal(autoThreads(100e6, 1), 1, 'a one-core machine');
    assert.equal(autoThreads(500 * MiB, 1.7), 2);
    assert.equal(autoThreads(500 * MiB, 0.8), 1, 'one core busy, the other mostly: no second thread');
    assert.equal(autoThreads(500 * MiB, 0), 1);
    assert.equal(autoThreads(500 * MiB, 15.5), 4);
  });

  it('is described in the usage text with the size it starts at', () => {
    const root = join(__dirname, '..', '..');
    const help = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server/src/cli/main.ts'), '--help'], { encoding: 'utf8', cwd: root }).stdout;
    const described = Number(/idle cores for files of (\d+) MiB or more/.exec(help)?.[1]);
    assert.equal(autoThreads(described * MiB, 2), 2);
    assert.equal(autoThreads(described * MiB - 1, 2), 1);
  });

  it('starts full collections early on files under 256 MiB', () => {
    assert.equal(marksEarly(100e6), true, '100 MB: two threads would peak near 1.25× the file');
    assert.equal(marksEarly(500e6), false, '500 MB: far within its bound anyway');
  });
});

describe('cutting generations into ranges', () => {
  it('covers every generation once, in order, with ranges of about equal cost', () => {
    const starts = { size: 1016, version: 26, starts: [116, 216, 316, 416, 516, 616, 716, 816, 916], firstGen: 1 };
    for (const n of [1, 2, 3, 4, 10, 20]) {
      const ranges = cutRanges(starts, n);
      assert.equal(ranges[0].start, HEADER_BYTES);
      assert.equal(ranges[ranges.length - 1].end, starts.size);
      for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i].start, ranges[i - 1].end);
      assert.ok(ranges.length <= Math.min(n, 10), `${n}: ${ranges.length} ranges`);
    }
    assert.deepEqual(cutRanges(starts, 2).map((r) => r.first), [0, 5]);
    assert.deepEqual(cutRanges({ size: 500, version: 26, starts: [], firstGen: 1 }, 4).length, 1);
  });

  it('cut once the first range\'s reader is under way, share what is left to read from there', () => {
    const starts = { size: 1016, version: 26, starts: [116, 216, 316, 416, 516, 616, 716, 816, 916], firstGen: 1 };
    // The main thread in the middle of the third generation: 750 bytes left, 375 each.
    assert.deepEqual(cutRanges(starts, 2, 266, 3).map((r) => r.first), [0, 6]);
    assert.deepEqual(cutRanges(starts, 3, 266, 3).map((r) => r.first), [0, 5, 7]);
    // Never before `from`, where the main thread may already read.
    assert.deepEqual(cutRanges(starts, 2, 16, 7).map((r) => r.first), [0, 7]);
    assert.equal(cutRanges(starts, 2, 966, 10).length, 1, 'in the last generation: nothing left to cut');
  });
});
