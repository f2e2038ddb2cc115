import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Language, Parser } from 'web-tree-sitter';

export type { Node, Parser, Tree } from 'web-tree-sitter';

const GO_WASM = 'tree-sitter-go.wasm';
const RUNTIME_WASM = 'tree-sitter.wasm';

/**
 * Finds grammars/ by walking up from this module: the bundle lives in dist/ (so dist/../grammars),
 * the sources run through tsx from server/src/analysis/. Before a build has copied the wasm files,
 * fall back to the npm packages they come from.
 */
function defaultGrammarPaths(): { runtime: string; go: string } {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'grammars', GO_WASM))) {
      return { runtime: join(dir, 'grammars', RUNTIME_WASM), go: join(dir, 'grammars', GO_WASM) };
    }
    const fromPackages = { runtime: join(dir, 'node_modules', 'web-tree-sitter', RUNTIME_WASM), go: join(dir, 'node_modules', 'tree-sitter-go', GO_WASM) };
    if (existsSync(fromPackages.go) && existsSync(fromPackages.runtime)) return fromPackages;
    if (dirname(dir) === dir) throw new Error(`go-trace-lens: cannot find grammars/${GO_WASM} above ${__dirname}`);
  }
}

/**
 * web-tree-sitter is loaded with the first parser, not with the module: the language server's main
 * thread parses only for the trace features of an open Go document, and evaluating the library costs
 * it ~1 MiB from start-up on (docs/trace-viewer.md, "Memory over a trace's whole life").
 */
let treeSitter: Promise<typeof import('web-tree-sitter')> | undefined;
// Parser.init instantiates one wasm module per process; languages are cached per file.
let runtimeReady: Promise<void> | undefined;
const languages = new Map<string, Promise<Language>>();

/** A web-tree-sitter parser with the Go grammar set. */
export async function createGoParser(grammarsDir?: string): Promise<Parser> {
  const paths = grammarsDir === undefined ? defaultGrammarPaths() : { runtime: join(grammarsDir, RUNTIME_WASM), go: join(grammarsDir, GO_WASM) };
  const { Language, Parser } = await (treeSitter ??= import('web-tree-sitter'));
  runtimeReady ??= Parser.init({ locateFile: () => paths.runtime });
  await runtimeReady;
  let language = languages.get(paths.go);
  if (language === undefined) {
    language = Language.load(paths.go);
    languages.set(paths.go, language);
    language.catch(() => languages.delete(paths.go));
  }
  const parser = new Parser();
  parser.setLanguage(await language);
  return parser;
}
