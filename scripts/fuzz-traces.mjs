#!/usr/bin/env node
// Fuzzes the trace reader with mutations of the committed fixture traces, for a number of
// cases (the same ones on any machine) or a time budget.
// Usage: node scripts/fuzz-traces.mjs [--cases N] [--seconds 60] [--seed N] [--go]
// --go: differential mode, every case also goes to Go 1.26's reader and both must agree;
// divergences are saved under test/fixtures/traces/divergences/ (replayed by the conformance tests).
// Crashers (exceptions other than TraceError, hangs, memory blow-ups) are saved under
// test/fixtures/traces/crashers/ and replayed by test/trace-fuzz/crashers.test.ts; exit 1 if any.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fuzzer = fileURLToPath(new URL('../test/trace-fuzz/cli.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', fuzzer, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
