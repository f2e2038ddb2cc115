#!/usr/bin/env node
// Regenerates the committed trace fixtures under test/fixtures/traces/:
//  - every program in programs/ traced under each Go version: <program>-go1.NN.trace;
//  - the golden dump Go 1.26 prints for each (`go tool trace -d=parsed`): <name>.parsed.golden.gz;
//  - truncated copies of the multi-generation trace (a writer killed mid-stream), cut inside a
//    batch and at a batch boundary, with what Go prints and the error it gives (.verdict.json);
//  - copies as a machine up for 200 days writes them (timestamps past 2^53 ns): <name>-uptime200d.trace;
//  - Go's own parser test suite (src/internal/trace/testdata/tests/*.test and the FuzzReader
//    seed corpus) converted to binary traces with the verdict and dump of Go 1.26's reader,
//    under go-testsuite/;
//  - the pair `trace diff` is tested on: programs/compare before and after its injected change,
//    under compare/ (Go 1.26).
// Usage: node scripts/gen-trace-fixtures.mjs [--versions 1.22,1.23,1.25,1.26] [--only PROGRAM]
//        [--no-programs] [--no-testsuite] [--no-compare]
// Needs the toolchains from scripts/install-go.sh; standard library only, no network.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tsImport } from 'tsx/esm/api';
import { goEnv, goroot, buildInsideGoroot, repoRoot } from './go-toolchain.mjs';

const fixtures = join(repoRoot, 'test/fixtures/traces');
const programsDir = join(fixtures, 'programs');
const testsuiteDir = join(fixtures, 'go-testsuite');

/**
 * How each program is run; minGo skips toolchains that lack the API it needs (or keeps a large
 * fixture to one version); source names a program kept elsewhere than programs/NAME/main.go.
 */
const programs = {
  annotations: { longUptime: true },
  blocking: {},
  busyservice: { args: ['-duration', '3ms', '-workers', '8'] },
  cpusamples: {},
  flightrecorder: { minGo: 25 },
  gc: {},
  generations: { truncate: true },
  gotestflag: { goTest: true },
  httppprof: {},
  network: {},
  // The benchmark's goroutine-per-request service, small: groups of hundreds of short goroutines.
  perrequest: { source: 'bench/go/perrequest/main.go', args: ['-requests', '300', '-clients', '16'], minGo: 26 },
  syscalls: {},
  whyslow: { minGo: 26 },
};

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const versions = (option('--versions') ?? '1.22,1.23,1.25,1.26').split(',');
const only = option('--only');

function gzipGolden(text) {
  return gzipSync(text, { level: 9 });
}

/** What `go tool trace -d=parsed` of Go 1.26, the reference, prints for a trace: stdout and, if it fails, the error. */
function goParsedDump(tracePath) {
  const result = spawnSync(join(goroot('1.26'), 'bin/go'), ['tool', 'trace', '-d=parsed', tracePath],
    { env: goEnv('1.26'), maxBuffer: 1 << 30 });
  if (result.error) throw result.error;
  return { stdout: result.stdout, error: result.status === 0 ? undefined : result.stderr.toString().trim() };
}

/** Writes the golden dump, and a verdict when Go rejects the trace (its absence means Go accepts it). */
function writeGolden(base, { requireAccept }) {
  const { stdout, error } = goParsedDump(`${base}.trace`);
  if (error && requireAccept) throw new Error(`Go 1.26 rejects ${base}.trace: ${error}`);
  writeFileSync(`${base}.parsed.golden.gz`, gzipGolden(stdout));
  if (error) writeFileSync(`${base}.verdict.json`, `${JSON.stringify({ goAccepts: false, goError: error }, null, 2)}\n`);
  else rmSync(`${base}.verdict.json`, { force: true });
}

/** Copies of a multi-generation trace cut the way a killed writer leaves it. */
async function writeTruncations(base) {
  const wire = await tsImport('../test/trace-fuzz/wire.ts', import.meta.url);
  const bytes = readFileSync(`${base}.trace`);
  const frames = wire.frameBatches(bytes).filter((f) => f.kind !== 'endOfGeneration');
  const lastGen = frames[frames.length - 1].gen;
  const lastGenFrames = frames.filter((f) => f.gen === lastGen);
  const secondLast = frames.filter((f) => f.gen === lastGen - 1n);
  if (lastGenFrames.length < 2 || secondLast.length < 2) throw new Error(`${base}.trace: too few batches to truncate`);
  const cuts = {
    // Inside the data of a batch in the middle of the second-to-last generation.
    'cut-midbatch': Math.floor((secondLast[1].dataStart + secondLast[1].end) / 2),
    // After the first batch of the last generation (Go 1.26 then sees no event batch and ends cleanly).
    'cut-gen-start': lastGenFrames[1].start,
    // At a batch boundary late in the last generation, after its event batches, before its tables.
    'cut-boundary': lastGenFrames[lastGenFrames.length - 2].start,
  };
  for (const [suffix, at] of Object.entries(cuts)) {
    writeFileSync(`${base}-${suffix}.trace`, bytes.subarray(0, at));
    writeGolden(`${base}-${suffix}`, { requireAccept: false });
  }
}

function traceProgram(name, version, outPath) {
  const spec = programs[name];
  const go = join(goroot(version), 'bin/go');
  const env = goEnv(version);
  if (spec.goTest) {
    execFileSync(go, ['test', '-count=1', `-trace=${outPath}`, '.'], { cwd: join(programsDir, name), env, stdio: 'inherit' });
  } else {
    const source = spec.source ? join(repoRoot, spec.source) : join(programsDir, name, 'main.go');
    execFileSync(go, ['run', source, '-o', outPath, ...(spec.args ?? [])], { env, stdio: 'inherit' });
  }
}

/** Trace time is nanoseconds since boot: shifting every batch's base time shows what a server up 200 days writes. */
async function writeLongUptime(base) {
  const wire = await tsImport('../test/trace-fuzz/wire.ts', import.meta.url);
  const bytes = readFileSync(`${base}.trace`);
  const freq = 15_625_000n; // linux/amd64: ticks are nanotime/64
  const shiftTicks = (200n * 86_400n * 1_000_000_000n * freq) / 1_000_000_000n;
  const parts = [bytes.subarray(0, wire.HEADER_SIZE)];
  let at = wire.HEADER_SIZE;
  for (const frame of wire.frameBatches(bytes)) {
    if (frame.kind === 'endOfGeneration') continue;
    const time = wire.readUvarint(bytes, frame.fields.time);
    parts.push(bytes.subarray(at, frame.fields.time), wire.encodeUvarint(time.value + shiftTicks));
    at = time.next;
  }
  parts.push(bytes.subarray(at));
  writeFileSync(`${base}-uptime200d.trace`, wire.concat(parts));
  writeGolden(`${base}-uptime200d`, { requireAccept: true });
}

async function generatePrograms() {
  for (const name of Object.keys(programs)) {
    if (only && name !== only) continue;
    for (const version of versions) {
      const minor = Number(version.split('.')[1]);
      if (programs[name].minGo && minor < programs[name].minGo) continue;
      const base = join(fixtures, `${name}-go${version}`);
      traceProgram(name, version, `${base}.trace`);
      writeGolden(base, { requireAccept: true });
      if (programs[name].truncate) await writeTruncations(base);
      if (programs[name].longUptime) await writeLongUptime(base);
      console.log(`${name}-go${version}: ${readFileSync(`${base}.trace`).length} bytes`);
    }
  }
}

/** The same program before and after a known change (see its comment), traced with Go 1.26. */
function generateComparePair() {
  const dir = join(fixtures, 'compare');
  mkdirSync(dir, { recursive: true });
  for (const variant of ['before', 'after']) {
    execFileSync(join(goroot('1.26'), 'bin/go'), ['run', join(programsDir, 'compare', 'main.go'), '-variant', variant, '-o', join(dir, `${variant}.trace`)],
      { env: goEnv('1.26'), stdio: 'inherit' });
    console.log(`compare/${variant}.trace: ${readFileSync(join(dir, `${variant}.trace`)).length} bytes`);
  }
}

function generateTestsuite() {
  const traceSrc = join(goroot('1.26'), 'src/internal/trace');
  const work = mkdtempSync(join(tmpdir(), 'gotests-'));
  try {
    const tool = buildInsideGoroot('1.26', join(fixtures, 'tools/gotests/main.go'), 'internal/trace/lensgotests', join(work, 'gotests'));
    const out = join(work, 'out');
    execFileSync(tool, [join(traceSrc, 'testdata/tests'), join(traceSrc, 'testdata/fuzz/FuzzReader'), out], { stdio: 'inherit' });
    rmSync(testsuiteDir, { recursive: true, force: true });
    mkdirSync(testsuiteDir, { recursive: true });
    for (const file of readdirSync(out)) {
      const content = readFileSync(join(out, file));
      if (file.endsWith('.parsed')) writeFileSync(join(testsuiteDir, `${file}.golden.gz`), gzipGolden(content));
      else writeFileSync(join(testsuiteDir, file), content);
    }
    console.log(`go-testsuite: ${readdirSync(out).filter((f) => f.endsWith('.trace')).length} traces`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

for (const version of [...versions, '1.26']) {
  if (!existsSync(join(goroot(version), 'bin/go'))) {
    console.error(`gen-trace-fixtures: Go ${version} is missing; run scripts/install-go.sh ${version}`);
    process.exit(1);
  }
}
if (!args.includes('--no-programs')) await generatePrograms();
if (!args.includes('--no-compare') && (!only || only === 'compare')) generateComparePair();
if (!args.includes('--no-testsuite') && !only) generateTestsuite();
