// The .vsix holds only what runs: bundles, grammars, media, rule docs and the top-level docs.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureFreshVsix, listZipEntries, readZipEntry, repoRoot, type ZipEntry } from '../e2e/harness/vsix';

let vsix: string;
let entries: ZipEntry[];
let files: string[];

before(() => {
  vsix = ensureFreshVsix((line) => console.log(line));
  entries = listZipEntries(vsix);
  files = entries.map((e) => e.name).filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length));
});

function filesUnder(dir: string): string[] {
  const absolute = join(repoRoot, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .map((name) => join(absolute, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => relative(repoRoot, path));
}

test('the package holds the bundles, grammars, icon and top-level documents', (t) => {
  const required = ['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'media/icon.png',
    'dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/webview.js',
    'grammars/tree-sitter.wasm', 'grammars/tree-sitter-go.wasm', 'grammars/VERSIONS.json'];
  for (const file of required) assert.ok(files.includes(file), `missing ${file}; package has:\n${files.join('\n')}`);
  const size = statSync(vsix).size;
  t.diagnostic(`${vsix}: ${(size / 1024).toFixed(1)} KiB, ${files.length} files`);
  t.diagnostic(files.sort().join(', '));
});

test('every bundle, media file and rule document in the work tree is packaged', () => {
  const bundles = readdirSync(join(repoRoot, 'dist')).filter((name) => name.endsWith('.js')).map((name) => `dist/${name}`);
  for (const file of [...bundles, ...filesUnder('media'), ...filesUnder('docs/rules')]) {
    assert.ok(files.includes(file), `${file} is not in the package`);
  }
});

test('the package holds no sources, tests, source maps or node_modules', () => {
  const forbidden = [/\.ts$/, /\.map$/, /(^|\/)node_modules\//, /(^|\/)(test|tests|bench|scripts|server|client|common)\//, /\.go$/, /\.trace$/, /\.vsix$/, /(^|\/)\./];
  const offending = files.filter((file) => forbidden.some((pattern) => pattern.test(file)));
  assert.deepEqual(offending, []);
});

test('the bundles are the production build (minified, no source map references)', () => {
  for (const entry of entries.filter((e) => /^extension\/dist\/.*\.js$/.test(e.name))) {
    const text = readZipEntry(vsix, entry).toString('utf8');
    assert.doesNotMatch(text, /sourceMappingURL/, `${entry.name} refers to a source map`);
  }
});

test("the manifest's entry points and icon are in the package", () => {
  const manifest = JSON.parse(readZipEntry(vsix, entries.find((e) => e.name === 'extension/package.json')!).toString('utf8')) as
    { main: string; icon: string; bin: Record<string, string> };
  for (const path of [manifest.main, manifest.icon, ...Object.values(manifest.bin)]) {
    assert.ok(files.includes(path.replace(/^\.\//, '')), `${path} named in package.json is not packaged`);
  }
});
