// Every input the fuzzer ever broke the reader with stays fixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseRunner } from './harness';
import { crashersDir, isFailure, readerTarget } from './fuzz';

const crashers = existsSync(crashersDir) ? readdirSync(crashersDir).filter((f) => f.endsWith('.trace')) : [];

test('recorded fuzz crashers are read or rejected cleanly', async () => {
  const runner = new CaseRunner({ target: readerTarget });
  try {
    for (const name of crashers) {
      const outcome = await runner.run(new Uint8Array(readFileSync(join(crashersDir, name))));
      assert.ok(!isFailure(outcome.kind), `${name}: ${outcome.kind}: ${outcome.message}`);
    }
  } finally {
    await runner.close();
  }
});
