// Language-server side of trace viewing: loads traces in worker threads,
// answers the viewer's queries, maps trace locations to workspace files, and
// puts the open trace's numbers next to the code (CodeLens, hover, diagnostics).
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity, MarkupKind, type ClientCapabilities, type CodeLens, type Connection, type Diagnostic, type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser } from 'web-tree-sitter';
import { createGoParser } from './analysis/parser';
import { GoFile, RUNTIME_TRACE } from './analysis/goFile';
import { TRACE_TEST_COMMAND, type TraceTestTarget } from '../../common/captureProtocol';
import { isTestFile, testFunctions } from './capture/testFunctions';
import { handleRequest, type RegisterFeature } from './feature';
import { ruleDocumentationUrl } from '../../common/ruleDocs';
import { DEFAULT_CAPTURE_WINDOW_SECONDS, SETTING_DEFAULTS } from '../../common/settings';
import type { TraceComparison } from '../../common/traceComparison';
import type { TraceSummary } from '../../common/traceModel';
import type { TraceBreakdowns } from '../../common/requestModel';
import {
  COMPARISON_FOCUS_COMMAND, FOCUS_COMMAND, TraceNotifications, TraceRequests, type ComparisonTarget, type FocusTarget,
  type ResolvedSource, type TraceStatus,
} from '../../common/traceProtocol';
import {
  annotatedCalls, captureFindings, codeAgrees, comparisonLensTitle, hotLoopCalls, hoverMarkdown, indexComparisonSites, indexSites, lensTitle,
  traceFindings, type AnnotatedCall, type ComparisonEntry, type HotLoopCall, type SiteEntry,
} from './traceService/callSiteInsights';
import { ComparisonRunner } from './traceService/comparisons';
import { checkLine, readText, SourceLinks } from './traceService/sourceLinks';
import { TraceStore } from './traceService/traceStore';
import { filePathOf } from './analysis/files';

const SOURCE = 'go-trace-lens';
/** While a trace loads, CodeLens and diagnostics follow it at most this often. */
const LOADING_REFRESH_MS = 2000;

interface TraceSettings { codeLens: boolean; testCodeLens: boolean; captureWindowSeconds: number }
const DEFAULT_SETTINGS: TraceSettings = {
  codeLens: SETTING_DEFAULTS['goTraceLens.trace.codeLens.enable'],
  testCodeLens: SETTING_DEFAULTS['goTraceLens.capture.codeLens.enable'],
  captureWindowSeconds: DEFAULT_CAPTURE_WINDOW_SECONDS,
};

export const registerTraceFeatures: RegisterFeature = (connection: Connection, documents: TextDocuments<TextDocument>) => {
  let client: ClientCapabilities = {};
  const links = new SourceLinks();
  let parser: Promise<Parser> | undefined;
  const goParser = (): Promise<Parser> => (parser ??= createGoParser(join(__dirname, '..', 'grammars')));
  let lastRefresh = 0;
  /** Site index of the current trace's summary, rebuilt when the summary object changes. */
  let siteIndex: { summary: TraceSummary; breakdowns?: TraceBreakdowns; bySite: Map<string, SiteEntry[]> } | undefined;

  const store = new TraceStore(join(__dirname, 'traceWorker.js'), (status) => {
    void connection.sendNotification(TraceNotifications.status.method, status);
    const now = Date.now();
    if (status.phase !== 'loading' || now - lastRefresh > LOADING_REFRESH_MS) {
      lastRefresh = now;
      void refreshEditorFeatures();
    }
  });

  async function settings(): Promise<TraceSettings> {
    if (!client.workspace?.configuration) return DEFAULT_SETTINGS;
    try {
      const [trace, lint, capture] = await connection.workspace.getConfiguration([
        { section: 'goTraceLens.trace' }, { section: 'goTraceLens.lint' }, { section: 'goTraceLens.capture' },
      ]) as [{ codeLens?: { enable?: unknown } } | null, { captureWindowSeconds?: unknown } | null, { codeLens?: { enable?: unknown } } | null];
      const window = lint?.captureWindowSeconds;
      return {
        codeLens: trace?.codeLens?.enable !== false,
        testCodeLens: capture?.codeLens?.enable !== false,
        captureWindowSeconds: typeof window === 'number' && window > 0 ? window : DEFAULT_SETTINGS.captureWindowSeconds,
      };
    } catch {
      return DEFAULT_SETTINGS;
    }
  }

  function currentSites(): { status: TraceStatus; summary: TraceSummary; bySite: Map<string, SiteEntry[]> } | undefined {
    const current = store.current();
    const status = current?.status;
    const summary = status?.summary;
    if (!status || !summary) return undefined;
    const breakdowns = current?.breakdowns;
    if (siteIndex?.summary !== summary || siteIndex.breakdowns !== breakdowns) siteIndex = { summary, breakdowns, bySite: indexSites(summary, links, breakdowns) };
    return { status, summary, bySite: siteIndex.bySite };
  }

  const comparisons = new ComparisonRunner(join(__dirname, 'compareWorker.js'), () => { void refreshEditorFeatures(); });
  /** Site index of the latest finished comparison still open, rebuilt when it changes. */
  let comparisonIndex: { comparison: TraceComparison; bySite: Map<string, ComparisonEntry[]> } | undefined;

  function comparisonSites(): { id: string; bySite: Map<string, ComparisonEntry[]> } | undefined {
    const latest = comparisons.latest();
    if (!latest) return undefined;
    if (comparisonIndex?.comparison !== latest.comparison) comparisonIndex = { comparison: latest.comparison, bySite: indexComparisonSites(latest.comparison, links) };
    return { id: latest.id, bySite: comparisonIndex.bySite };
  }

  async function callsIn<E extends SiteEntry | ComparisonEntry>(document: TextDocument, entries: E[]): Promise<AnnotatedCall<E>[]> {
    return annotatedCalls(await goParser(), document.getText(), entries);
  }

  const traceName = (status: TraceStatus): string => basename(filePathOf(status.uri) ?? status.uri);

  async function refreshEditorFeatures(): Promise<void> {
    if (client.workspace?.codeLens?.refreshSupport) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    await publishDiagnostics();
  }

  /** Trace-backed diagnostics for every site of the current trace, plus long captures on open files' trace.Start calls. */
  async function publishDiagnostics(): Promise<void> {
    const byUri = new Map<string, Diagnostic[]>();
    const current = currentSites();
    if (current) {
      const name = traceName(current.status);
      const push = (uri: string, diagnostic: Diagnostic): void => { byUri.set(uri, [...(byUri.get(uri) ?? []), diagnostic]); };
      /** Hot-loop calls by file, so a file with several findings is parsed once. */
      const hotLoops = new Map<string, HotLoopCall[]>();
      for (const finding of traceFindings(current.summary, name)) {
        const match = links.resolve(finding.site.file);
        if (!match) continue;
        const uri = pathToFileURL(match.path).toString();
        const text = documents.get(uri)?.getText() ?? readText(match.path);
        if (text === undefined) continue;
        const check = checkLine(text, finding.site, true);
        if (check.stale) continue;
        let hotLoop = hotLoops.get(uri);
        if (!hotLoop) hotLoops.set(uri, (hotLoop = hotLoopCalls(await goParser(), text)));
        if (!codeAgrees(hotLoop, finding.rule, check.line)) continue;
        push(uri, lineDiagnostic(text, check.line, finding.message, finding.rule));
      }
      const { captureWindowSeconds } = await settings();
      const captures = captureFindings(current.summary, name, captureWindowSeconds);
      // Only open Go documents can carry them: without one, the parser (web-tree-sitter and its wasm,
      // several MiB) is not loaded for nothing.
      const goDocuments = captures.length > 0 ? documents.all().filter((d) => d.languageId === 'go') : [];
      if (goDocuments.length > 0) {
        const parserReady = await goParser();
        for (const document of goDocuments) {
          const tree = parserReady.parse(document.getText());
          if (!tree) continue;
          try {
            for (const call of new GoFile(tree, document.getText()).callsNamed('Start')) {
              if (call.pkg !== RUNTIME_TRACE) continue;
              for (const { rule, message } of captures) push(document.uri, lineDiagnostic(document.getText(), call.node.startPosition.row, message, rule));
            }
          } finally {
            tree.delete();
          }
        }
      }
    }
    await connection.sendNotification(TraceNotifications.diagnostics.method, { items: [...byUri].map(([uri, diagnostics]) => ({ uri, diagnostics })) });
  }

  handleRequest(connection, TraceRequests.open, ({ uri, traceId }) => store.open(traceId, uri));
  handleRequest(connection, TraceRequests.status, ({ traceId }) => store.status(traceId) ?? null);
  handleRequest(connection, TraceRequests.query, ({ traceId, query }) => store.query(traceId, query));
  handleRequest(connection, TraceRequests.resolveSource, ({ location, annotation }): ResolvedSource | null => {
    const match = links.resolve(location.file);
    if (!match) return null;
    const uri = pathToFileURL(match.path).toString();
    const text = documents.get(uri)?.getText() ?? readText(match.path);
    if (text === undefined) return null;
    const check = checkLine(text, location, annotation);
    return { uri, line: check.line, stale: check.stale, matchedBySuffix: match.matchedBySuffix };
  });
  handleRequest(connection, TraceRequests.compare, ({ comparisonId, oldUri, newUri }) => {
    const [oldPath, newPath] = [oldUri, newUri].map(filePathOf);
    if (oldPath === undefined || newPath === undefined) throw new Error('only trace files on disk (file: URIs) can be compared');
    return comparisons.run(comparisonId, oldPath, newPath);
  });
  connection.onNotification(TraceNotifications.closeComparison.method, ({ comparisonId }: { comparisonId: string }) => comparisons.close(comparisonId));
  connection.onNotification(TraceNotifications.cancel.method, ({ traceId }: { traceId: string }) => store.cancel(traceId));
  connection.onNotification(TraceNotifications.close.method, ({ traceId }: { traceId: string }) => {
    store.close(traceId);
    void refreshEditorFeatures();
  });

  /** "trace" above each test, benchmark and fuzz target of a _test.go file; the range spans the function, for the command at the cursor. */
  async function testLenses(document: TextDocument): Promise<CodeLens[]> {
    const tree = (await goParser()).parse(document.getText());
    if (!tree) return [];
    try {
      return testFunctions(tree).map(({ name, kind, startLine, endLine, startColumn }) => {
        const target: TraceTestTarget = { uri: document.uri, name, kind };
        return {
          range: { start: { line: startLine, character: startColumn }, end: { line: endLine, character: 0 } },
          command: { title: 'trace', tooltip: `Run ${name} under go test -trace and open the trace`, command: TRACE_TEST_COMMAND, arguments: [target] },
        };
      });
    } finally {
      tree.delete();
    }
  }

  connection.onCodeLens(async ({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    const path = filePathOf(textDocument.uri);
    if (!document || !path) return [];
    const { codeLens, testCodeLens } = await settings();
    const lenses: CodeLens[] = testCodeLens && isTestFile(path) ? await testLenses(document) : [];
    if (!codeLens) return lenses;
    const lensAt = (call: AnnotatedCall<SiteEntry | ComparisonEntry>, title: string, command: string, argument: unknown): void => {
      const position = { line: call.startLine, character: call.call.node.startPosition.column };
      lenses.push({ range: { start: position, end: position }, command: { title, command, arguments: [argument] } });
    };
    const current = currentSites();
    const traceEntries = current?.bySite.get(path);
    if (current && traceEntries) {
      for (const call of await callsIn(document, traceEntries)) {
        for (const entry of call.entries) {
          const target: FocusTarget = { traceUri: current.status.uri, kind: entry.kind, type: entry.type, site: { file: entry.site.file, line: entry.site.line } };
          lensAt(call, lensTitle(entry, current.summary.overview.events), FOCUS_COMMAND, target);
        }
      }
    }
    // While a comparison is open, each task and region call also shows its change.
    const compared = comparisonSites();
    const comparisonEntries = compared?.bySite.get(path);
    if (compared && comparisonEntries) {
      for (const call of await callsIn(document, comparisonEntries)) {
        for (const entry of call.entries) {
          const target: ComparisonTarget = { comparisonId: compared.id, kind: entry.kind, type: entry.type };
          lensAt(call, comparisonLensTitle(entry), COMPARISON_FOCUS_COMMAND, target);
        }
      }
    }
    return lenses;
  });

  connection.onHover(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    const path = filePathOf(textDocument.uri);
    const current = currentSites();
    if (!document || !path || !current) return null;
    const entries = current.bySite.get(path);
    if (!entries) return null;
    // Rows and columns, not indexes: tree-sitter's indexes and the editor's offsets count text differently.
    const inside = ({ call, startLine, endLine }: AnnotatedCall): boolean =>
      position.line >= startLine && position.line <= endLine && (position.line > startLine || position.character >= call.node.startPosition.column);
    const hit = (await callsIn(document, entries)).find((c) => c.entries.length > 0 && inside(c));
    if (!hit) return null;
    return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(hit.entries, traceName(current.status)) } };
  });


  return {
    capabilities: (params) => {
      client = params.capabilities;
      const folders = params.workspaceFolders?.map((f) => filePathOf(f.uri)).filter((p): p is string => p !== undefined)
        ?? (params.rootUri ? [filePathOf(params.rootUri)].filter((p): p is string => p !== undefined) : []);
      links.setWorkspaceFolders(folders);
      return { codeLensProvider: { resolveProvider: false }, hoverProvider: true };
    },
  };
};

function lineDiagnostic(text: string, line: number, message: string, rule: string): Diagnostic {
  const content = text.split(/\r?\n/)[line] ?? '';
  const start = content.length - content.trimStart().length;
  return {
    range: { start: { line, character: start }, end: { line, character: content.length } },
    severity: DiagnosticSeverity.Information, source: SOURCE, code: rule, codeDescription: { href: ruleDocumentationUrl(rule) }, message,
  };
}
