// The fuzzing harness must itself catch every failure mode it exists for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CaseRunner } from './harness';
import { BEHAVIOURS } from './stub-target';

test('CaseRunner tells accepted, rejected, crashing, hanging and memory-hungry readers apart and recovers after each', async () => {
  const runner = new CaseRunner({ target: join(__dirname, 'stub-target.ts'), heapMb: 128, rssGrowthLimitBytes: 4e8, baseDeadlineMs: 3000 });
  try {
    const run = (behaviour: number) => runner.run(Uint8Array.of(behaviour, 0, 0));
    assert.equal((await run(BEHAVIOURS.accept)).kind, 'accepted');
    assert.equal((await run(BEHAVIOURS.reject)).kind, 'rejected');
    const crash = await run(BEHAVIOURS.throwTypeError);
    assert.equal(crash.kind, 'crash');
    assert.match(crash.message ?? '', /TypeError/);
    assert.equal((await run(BEHAVIOURS.spin)).kind, 'hang');
    assert.equal((await run(BEHAVIOURS.accept)).kind, 'accepted', 'a fresh worker replaces the hung one');
    assert.equal((await run(BEHAVIOURS.growHeap)).kind, 'memory');
    assert.equal((await run(BEHAVIOURS.hugeBuffer)).kind, 'memory');
    assert.equal((await run(BEHAVIOURS.reject)).kind, 'rejected');
  } finally {
    await runner.close();
  }
});
