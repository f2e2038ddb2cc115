// heap.ts: the full collection the viewer's threads run after a large job.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectGarbage } from '../../server/src/trace/heap';

describe('collectGarbage', () => {
  it('runs a full collection, each time it is called', async () => {
    for (let round = 0; round < 2; round++) {
      // Old enough to need more than a scavenge: a few scavenges promote it first.
      const ref = new WeakRef({ round, payload: Array.from({ length: 1_000 }, (_, i) => ({ i })) });
      for (let i = 0; i < 20; i++) Array.from({ length: 100_000 }, () => ({}));
      // A WeakRef keeps its target alive until the end of the job that made or dereferenced it.
      await new Promise(setImmediate);
      assert.notEqual(ref.deref(), undefined, 'nothing collected it before');
      await new Promise(setImmediate);
      collectGarbage();
      assert.equal(ref.deref(), undefined, `round ${round}`);
    }
  });
});
