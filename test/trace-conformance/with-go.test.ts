// With Go 1.26 installed (scripts/setup.sh installs it; this test fails, never skips,
// without it): the committed goldens are still what Go prints, and on traces freshly
// recorded in this run our dump equals Go's byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstDifference, fixturesDir, goldenCases, runDump } from './goldens';
import { differentialFuzz } from '../trace-fuzz/differential';

// Shared with the fixture generator and the benchmark; throws how to install Go when it is missing.
const loadToolchain = () => import('../../scripts/go-toolchain.mjs');

async function goDump(tracePath: string): Promise<{ stdout: Buffer; status: number | null }> {
  const { requireGo, goEnv } = await loadToolchain();
  return spawnSync(requireGo('1.26'), ['tool', 'trace', '-d=parsed', tracePath], { env: goEnv('1.26'), maxBuffer: 1 << 30 });
}

test('Go 1.26 still prints the committed goldens', async () => {
  for (const c of goldenCases(fixturesDir).filter((x) => x.name.endsWith('-go1.22.trace') || x.name.endsWith('-go1.26.trace'))) {
    const diff = firstDifference((await goDump(c.tracePath)).stdout, c.golden());
    assert.equal(diff, undefined, `${c.name}: golden is stale: ${diff}`);
  }
});

test('on traces recorded now with Go 1.26, trace dump equals go tool trace -d=parsed', async () => {
  const { requireGo, goEnv } = await loadToolchain();
  const go = requireGo('1.26');
  const dir = mkdtempSync(join(tmpdir(), 'fresh-traces-'));
  try {
    for (const [program, args] of [['annotations', []], ['blocking', []], ['busyservice', ['-duration', '5ms']], ['gc', []], ['network', []], ['flightrecorder', []]] as const) {
      const tracePath = join(dir, `${program}.trace`);
      execFileSync(go, ['run', join(fixturesDir, 'programs', program, 'main.go'), '-o', tracePath, ...args], { env: goEnv('1.26') });
      const expected = await goDump(tracePath);
      assert.equal(expected.status, 0, `Go rejects its own fresh ${program} trace`);
      const ours = runDump(tracePath);
      assert.equal(ours.status, 0, `${program}: ${ours.stderr.toString()}`);
      const diff = firstDifference(ours.stdout, expected.stdout);
      assert.equal(diff, undefined, `${program}: ${diff}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Fixed seeds and case counts: the same cases on every machine, so the verdict never depends on luck or
// speed. Other seeds are for exploration (node scripts/fuzz-traces.mjs --go --seconds N); what they find is
// committed under divergences/ and replayed by go-testsuite.test.ts. DIFF_FUZZ_SEED runs one other seed.
const DIFF_SEEDS = process.env.DIFF_FUZZ_SEED === undefined ? [101, 102, 103, 104] : [Number(process.env.DIFF_FUZZ_SEED)];
const DIFF_CASES_PER_SEED = Number(process.env.DIFF_FUZZ_CASES ?? 1500);

test('on mutated real traces, our reader agrees with Go 1.26\'s on the verdict and every printed event', async (t) => {
  for (const seed of DIFF_SEEDS) {
    const saveDir = mkdtempSync(join(tmpdir(), 'divergences-'));
    const report = await differentialFuzz({ cases: DIFF_CASES_PER_SEED, seed, saveDir });
    t.diagnostic(`seed ${seed}: ${report.cases} cases, ${report.agreed} agree with Go, Go failed on ${report.goFailed}`);
    assert.equal(report.crashers.length, 0, `crashers: ${report.crashers.join(', ')}`);
    assert.ok(report.agreed > 0, 'no case compared');
    assert.equal(report.divergences.length, 0,
      `seed ${seed}: ${report.divergences.length} traces where we disagree with Go (kept in ${saveDir} with Go's dump and verdict; ` +
      `node scripts/fuzz-traces.mjs --go --seed ${seed} --cases ${DIFF_CASES_PER_SEED} saves them into test/fixtures/traces/divergences/):\n` +
      report.divergences.slice(0, 10).join('\n'));
    rmSync(saveDir, { recursive: true, force: true });
  }
});
