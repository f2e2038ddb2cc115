import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

test('the build places both tree-sitter wasm files in grammars/ with their versions', () => {
  const versions = JSON.parse(readFileSync('grammars/VERSIONS.json', 'utf8')) as Record<string, string>;
  assert.match(versions['tree-sitter-go.wasm'], /^tree-sitter-go@\d+\.\d+\.\d+$/);
  assert.match(versions['tree-sitter.wasm'], /^web-tree-sitter@\d+\.\d+\.\d+$/);
  assert.ok(existsSync('grammars/tree-sitter-go.wasm'));
});

test('the CLI prints usage and exits 2 without arguments', () => {
  const result = spawnSync(process.execPath, ['dist/cli.js'], { encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /usage: go-trace-lens/);
});
