// Go's own parser test suite (src/internal/trace/testdata/tests and the FuzzReader
// seeds, converted by scripts/gen-trace-fixtures.mjs) and the cases where differential
// fuzzing once caught us disagreeing with Go (divergences/): our reader gives Go's
// verdict on each, and prints the same events Go's reader returns before the end or its error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openTraceBytes } from '../../server/src/trace/reader';
import { formatEvent } from '../../server/src/trace/format';
import { TraceError } from '../../server/src/trace/event';
import { encodeGoText } from '../../server/src/trace/strings';
import { ConformanceTally, divergencesDir, firstDifference, goldenCases, testsuiteDir } from './goldens';
import { headerMinor } from '../trace-fuzz/wire';

const cases = goldenCases(testsuiteDir);
const divergences = goldenCases(divergencesDir);
const tally = new ConformanceTally();

/** The bytes `trace dump` would print (Go strings are bytes: invalid UTF-8 is written back as is). */
async function readAsGoPrints(bytes: Uint8Array): Promise<{ printed: Buffer; error?: unknown }> {
  const lines: string[] = [];
  const printed = () => Buffer.from(encodeGoText(lines.join('')));
  try {
    const { forEach, timeBase } = await openTraceBytes(bytes, {});
    await forEach((e) => lines.push(`${formatEvent(e, timeBase)}\n`));
    return { printed: printed() };
  } catch (error) {
    return { printed: printed(), error };
  }
}

test('the converted suite holds every Go test and both verdicts', () => {
  assert.ok(cases.filter((c) => !c.name.startsWith('fuzz-')).length >= 22);
  assert.ok(cases.some((c) => c.verdict.expect?.startsWith('FAILURE')));
  assert.ok(cases.every((c) => c.verdict.expect === undefined || c.verdict.goAccepts === (c.verdict.expect === 'SUCCESS')),
    'Go 1.26 itself disagrees with a test expectation: regenerate the suite');
});

const all = [...cases, ...divergences.map((d) => ({ ...d, name: `divergences/${d.name}` }))];
for (const c of all) {
  const goSays = c.verdict.goAccepts ? 'accepts' : `rejects (${c.verdict.goError?.split('\n')[0]})`;
  const category = c.name.startsWith('divergences/') ? 'fuzzing divergences' : c.name.startsWith('fuzz-') ? 'Go FuzzReader seeds' : 'Go internal/trace tests';
  test(`${c.name}: same verdict as Go, which ${goSays}, and the same events`, () => tally.check(category, async () => {
    const bytes = new Uint8Array(readFileSync(c.tracePath));
    const { printed, error } = await readAsGoPrints(bytes);
    const minor = headerMinor(bytes);
    if (minor !== undefined && minor < 22) {
      // Go still reads the v1 format (Go ≤ 1.21); we reject it on purpose, saying which version it is.
      assert.ok(error instanceof TraceError && error.message.includes(`go 1.${minor} trace`), `v1 trace: ${String(error)}`);
      return;
    }
    if (c.verdict.goAccepts) {
      assert.equal(error, undefined, `Go accepts it; we threw ${String(error)}`);
    } else {
      assert.ok(error instanceof TraceError, `Go rejects it with "${c.verdict.goError}"; we ${error === undefined ? 'accepted it' : `threw ${String(error)}`}`);
    }
    const diff = firstDifference(printed, c.golden());
    assert.equal(diff, undefined, diff);
  }));
}

test('conformance count: Go\'s own parser tests and the fuzzing divergences', (t) => {
  t.diagnostic(tally.summary());
  assert.equal(tally.total.total, all.length, 'every case was compared');
});
