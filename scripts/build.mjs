// Bundles the client, server, CLI and webview with esbuild and places the
// tree-sitter wasm files in grammars/ with their versions recorded.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

function copyGrammars() {
  const grammars = join(root, 'grammars');
  mkdirSync(grammars, { recursive: true });
  const versions = {};
  for (const [pkg, file] of [['web-tree-sitter', 'tree-sitter.wasm'], ['tree-sitter-go', 'tree-sitter-go.wasm']]) {
    // Not every package exports ./package.json, so find it through node_modules.
    const pkgJson = join(root, 'node_modules', pkg, 'package.json');
    copyFileSync(join(dirname(pkgJson), file), join(grammars, file));
    versions[file] = `${pkg}@${JSON.parse(readFileSync(pkgJson, 'utf8')).version}`;
  }
  writeFileSync(join(grammars, 'VERSIONS.json'), JSON.stringify(versions, null, 2) + '\n');
}

/** Each rule's documentation prose (server/src/analysis/rules/<id>.md), inlined for the SARIF help text. */
function ruleProseDefine() {
  const dir = join(root, 'server/src/analysis/rules');
  const prose = Object.fromEntries(readdirSync(dir).filter((n) => n.endsWith('.md')).map((n) => [n.slice(0, -3), readFileSync(join(dir, n), 'utf8')]));
  return { RULE_PROSE: JSON.stringify(prose) };
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

// web-tree-sitter's ESM build (picked for `import`) reads import.meta.url, which a CJS bundle lacks.
const importMetaUrlShim = { define: { 'import.meta.url': 'importMetaUrl' } };
const importMetaUrlBanner = "var importMetaUrl = require('url').pathToFileURL(__filename).href;";

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs', target: 'node20', ...importMetaUrlShim, banner: { js: importMetaUrlBanner } },
  { ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', define: { ...importMetaUrlShim.define, ...ruleProseDefine() }, banner: { js: `#!/usr/bin/env node\n${importMetaUrlBanner}` } },
  { ...common, entryPoints: ['server/src/lintService/lintWorker.ts'], outfile: 'dist/lintWorker.js', platform: 'node', format: 'cjs', target: 'node20', ...importMetaUrlShim, banner: { js: importMetaUrlBanner } },
  { ...common, entryPoints: ['client/src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['server/src/traceService/traceWorker.ts'], outfile: 'dist/traceWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['server/src/traceService/compareWorker.ts'], outfile: 'dist/compareWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['server/src/trace/parallel/rangeWorker.ts'], outfile: 'dist/traceRangeWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['client/src/webview/compare.ts'], outfile: 'dist/compareView.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

copyGrammars();
if (watch) {
  for (const options of targets) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
