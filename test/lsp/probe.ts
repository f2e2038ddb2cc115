import { createGoParser } from '../../server/src/analysis/parser';
import { lintTree } from '../../server/src/analysis/runRules';
import { DEFAULT_LINT_OPTIONS } from '../../server/src/analysis/types';
(async () => {
  const parser = await createGoParser();
  const depth = 20_000;
  const blocks = `package main\n\nimport "runtime/trace"\n\nfunc f() {\n${'{\n'.repeat(depth)}trace.StartRegion(nil, "x")\n${'}\n'.repeat(depth)}}\n`;
  const calls = `package main\n\nimport "runtime/trace"\n\nvar x = ${'f('.repeat(depth)}trace.IsEnabled()${')'.repeat(depth)}\n`;
  const parens = `package main\n\nimport "runtime/trace"\n\nvar y = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`;
  for (const [name, text] of Object.entries({ blocks, calls, parens })) {
    let t = performance.now();
    const tree = parser.parse(text)!;
    const p = performance.now() - t; t = performance.now();
    process.env.GO_TRACE_LENS_DEBUG = '1';
    let err = '';
    try { lintTree(tree, text, DEFAULT_LINT_OPTIONS); } catch (e) { err = String(e).slice(0, 200); }
    console.log(name, 'parse', p.toFixed(0), 'lint', (performance.now() - t).toFixed(0), err);
  }
})();
