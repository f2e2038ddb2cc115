// The debounce policy: analyse at once after a quiet spell, otherwise wait as long as the last
// analysis took (capped), and let a newer edit replace the pending run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AnalysisScheduler } from '../../server/src/lintService/scheduler';

/** Schedules a run that takes `costMs`; resolves, once it has finished, with the delay between scheduling and its start. */
function scheduleTimed(scheduler: AnalysisScheduler, uri: string, costMs: number): Promise<number> {
  const scheduledAt = performance.now();
  return new Promise((resolve) => {
    scheduler.schedule(uri, async () => {
      const delay = performance.now() - scheduledAt;
      await sleep(costMs);
      setImmediate(() => resolve(delay)); // after the scheduler has recorded the run's cost
    });
  });
}

test('a first edit and an edit after a quiet spell run at once; an edit right after a run waits its cost', async () => {
  const scheduler = new AnalysisScheduler(1_000);
  assert.ok(await scheduleTimed(scheduler, 'a', 120) < 60, 'the first analysis starts at once');
  await sleep(20); // the document has not been quiet for as long as the last run (120 ms) took
  assert.ok(await scheduleTimed(scheduler, 'a', 10) >= 80, 'an edit while typing waits about the last cost');
  await sleep(60); // quiet for longer than the last run (10 ms)
  assert.ok(await scheduleTimed(scheduler, 'a', 10) < 60, 'after a quiet spell it runs at once');
  scheduler.forget('a');
});

test('the wait is capped by the setting, and a newer edit replaces the pending run', async () => {
  const scheduler = new AnalysisScheduler(1_000);
  await scheduleTimed(scheduler, 'b', 300);
  scheduler.setMaxDelay(20);
  const superseded: string[] = [];
  scheduler.schedule('b', () => { superseded.push('old'); });
  const delay = await scheduleTimed(scheduler, 'b', 0);
  assert.ok(delay < 150, `capped at the setting, waited ${delay.toFixed(0)} ms`);
  await sleep(50);
  assert.deepEqual(superseded, [], 'the replaced run never ran');
  scheduler.forget('b');
});

test('a run superseded while it runs sees isCurrent() turn false', async () => {
  const scheduler = new AnalysisScheduler(0);
  const seen: boolean[] = [];
  const running = new Promise<void>((resolve) => {
    scheduler.schedule('c', async (isCurrent) => {
      await sleep(30);
      seen.push(isCurrent());
      resolve();
    });
  });
  await sleep(10);
  scheduler.schedule('c', () => {});
  await running;
  assert.deepEqual(seen, [false]);
  scheduler.forget('c');
});
