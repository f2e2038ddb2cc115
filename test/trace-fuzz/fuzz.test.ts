// A fixed fuzzing budget on every test run: fixed seeds and a fixed number of cases
// each, so every machine runs the same cases and the verdict never depends on luck or
// speed. FUZZ_SEED (with FUZZ_CASES) runs one other seed instead; long exploratory
// runs: node scripts/fuzz-traces.mjs --seconds N.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTraces } from './fuzz';

const SEEDS = process.env.FUZZ_SEED === undefined ? [1, 2, 3, 4] : [Number(process.env.FUZZ_SEED)];
const CASES_PER_SEED = Number(process.env.FUZZ_CASES ?? 2500);

test('mutated real traces never crash, hang or blow up the reader', async (t) => {
  for (const seed of SEEDS) {
    const report = await fuzzTraces({ cases: CASES_PER_SEED, seed, log: (line) => t.diagnostic(line) });
    t.diagnostic(`seed ${seed}: ${report.cases} cases: ${JSON.stringify(report.counts)}`);
    assert.equal(report.crashers.length, 0,
      `seed ${seed}: ${report.crashers.length} crashers (replay: node scripts/fuzz-traces.mjs --seed ${seed} --cases ${CASES_PER_SEED}; ` +
      'saved, commit them as regression fixtures):\n' +
      report.crashers.map((c) => `${c.outcome.kind} ${c.file}\n  ${c.mutation}\n  ${c.outcome.message?.split('\n')[0]}`).join('\n'));
    assert.equal(report.cases, CASES_PER_SEED);
    assert.ok(report.counts.accepted > 0 && report.counts.rejected > 0, 'mutations should reach both verdicts');
  }
});
