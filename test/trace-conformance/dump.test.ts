// `go-trace-lens trace dump` prints exactly what Go 1.26's `go tool trace -d=parsed`
// prints for every committed fixture trace, byte for byte, with the same verdict.
// Runs without Go: the goldens are committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanError, ConformanceTally, firstDifference, fixturesDir, goldenCases, runDump } from './goldens';

const cases = goldenCases(fixturesDir);
const tally = new ConformanceTally();

/** "Go 1.22 traces", "Go 1.22 truncated/rejected": the tally's categories. */
function category(name: string, goAccepts: boolean): string {
  const version = /-go(1\.\d+)/.exec(name)?.[1] ?? '?';
  return `Go ${version} ${goAccepts ? 'traces' : 'rejected'}`;
}

test('the fixture set covers every Go version and the truncated copies', () => {
  for (const v of ['1.22', '1.23', '1.25', '1.26']) assert.ok(cases.some((c) => c.name.includes(`-go${v}.`)), `no Go ${v} trace`);
  assert.ok(cases.some((c) => !c.verdict.goAccepts), 'no trace that Go rejects');
  assert.ok(cases.length >= 40, `${cases.length} fixtures`);
});

for (const c of cases) {
  test(`trace dump ${c.name} equals go tool trace -d=parsed${c.verdict.goAccepts ? '' : ' up to its error'}`,
    () => tally.check(category(c.name, c.verdict.goAccepts), () => checkDump(c)));
}

test('conformance count: fixture traces of every Go version', (t) => {
  t.diagnostic(tally.summary());
  assert.equal(tally.total.total, cases.length, 'every fixture was compared');
});

function checkDump(c: (typeof cases)[number]): void {
  const result = runDump(c.tracePath);
  const diff = firstDifference(result.stdout, c.golden());
  assert.equal(diff, undefined, diff);
  if (c.verdict.goAccepts) {
    assert.equal(result.status, 0, `exit ${result.status}: ${result.stderr.toString()}`);
  } else {
    assert.notEqual(result.status, 0, `Go rejects it (${c.verdict.goError}); we exited 0`);
    const problem = assertCleanError(result.stderr.toString());
    assert.equal(problem, undefined, problem);
  }
}
