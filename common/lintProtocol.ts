// Names shared by the language server, the VS Code client and the tests. No imports: the client
// bundles this file without pulling in the server libraries.

/** Code action kind of "fix all" (a child of source.fixAll, so `codeActionsOnSave` picks it up). */
export const FIX_ALL_KIND = 'source.fixAll.goTraceLens';

/** Client command opening a rule's bundled documentation; argument: the rule id. */
export const SHOW_RULE_DOCUMENTATION_COMMAND = 'goTraceLens.showRuleDocumentation';

/** Introspection request for tests and benchmarks: what the server holds for open documents. */
export const LINT_STATS_REQUEST = 'goTraceLens/lintStats';

export interface LintStats {
  /** The whole server process, lint worker included. */
  rssBytes: number;
  mainJsHeapBytes: number;
  worker: {
    openTrees: number;
    jsHeapBytes: number;
    /** Outside the worker's JS heap: almost all of it tree-sitter's wasm linear memory, which never shrinks. */
    externalBytes: number;
  };
}
