// The generated flight recorder: gofmt-clean, builds and vets with Go 1.26 (runtime/trace), and
// the project's linter reports nothing, for both the Go 1.25+ and the golang.org/x/exp/trace variants.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lintText } from '../../server/src/analysis/runRules';
import { createGoParser } from '../../server/src/analysis/parser';
import { DEFAULT_LINT_OPTIONS } from '../../server/src/analysis/types';
import { checkTraceFile } from '../../server/src/capture/traceFile';
import { flightRecorderSource, hasStdlibFlightRecorder } from '../../server/src/capture/flightRecorder';
import { go, goRootDir } from './fixtureServer';

const gofmtDiff = (source: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'fr-fmt-'));
  writeFileSync(join(dir, 'flightrecorder.go'), source);
  const r = spawnSync(join(goRootDir(), 'bin/gofmt'), ['-d', join(dir, 'flightrecorder.go')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

describe('flight recorder code', () => {
  it('chooses runtime/trace from Go 1.25 and golang.org/x/exp/trace before', () => {
    assert.equal(hasStdlibFlightRecorder('1.25'), true);
    assert.equal(hasStdlibFlightRecorder('1.26.1'), true);
    assert.equal(hasStdlibFlightRecorder('1.24'), false);
    assert.match(flightRecorderSource('p', '1.22'), /"golang\.org\/x\/exp\/trace"/);
    assert.match(flightRecorderSource('p', '1.25'), /\t"runtime\/trace"/);
  });

  for (const version of ['1.26', '1.22']) {
    it(`Go ${version}: gofmt-clean and no findings from our linter`, async () => {
      const source = flightRecorderSource('main', version);
      assert.equal(gofmtDiff(source), '');
      const findings = lintText(await createGoParser(join(__dirname, '../../grammars')), source, { ...DEFAULT_LINT_OPTIONS, goVersion: version });
      assert.deepEqual(findings.map((f) => `${f.ruleId}: ${f.message}`), []);
    });
  }

  it('Go 1.26: builds, vets, and a slow request writes a snapshot that is a Go trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fr-build-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/fr\n\ngo 1.26\n');
    writeFileSync(join(dir, 'flightrecorder.go'), flightRecorderSource('main', '1.26'));
    writeFileSync(join(dir, 'main.go'), `package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if err := StartFlightRecorder(); err != nil {
		panic(err)
	}
	slow := SnapshotSlowRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(600 * time.Millisecond) }))
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "slow-request-*.trace"))
	for range 3 { // concurrent slow requests: one snapshot at a time, never an error
		go slow.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
	}
	time.Sleep(2 * time.Second)
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "slow-request-*.trace"))
	for _, name := range after[len(before):] {
		fmt.Println(name)
	}
}
`);
    const { binary, env } = go();
    // A temp folder of its own (not the module's: go ignores a go.mod in the temp root).
    const runEnv = { ...env, TMPDIR: mkdtempSync(join(tmpdir(), 'fr-snapshots-')) };
    execFileSync(binary, ['vet', '.'], { cwd: dir, env: runEnv });
    const r = spawnSync(binary, ['run', '.'], { cwd: dir, env: runEnv, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const written = r.stdout.trim().split('\n');
    assert.ok(written.length >= 1 && written.length <= 3, `${written.length} snapshots`);
    for (const file of written) checkTraceFile(file, file);
    assert.doesNotMatch(r.stderr, /flight recorder: snapshot for/, 'a snapshot failed');
    assert.match(r.stderr, /flight recorder: GET \/slow took .*; trace in .*slow-request-.*\.trace/);
  });
});
