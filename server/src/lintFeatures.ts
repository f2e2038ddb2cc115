// Language-server side of linting: re-lints open Go documents after edits (debounced, superseded by
// newer edits) in a worker thread that keeps one syntax tree per document, publishes diagnostics and
// answers code-action requests. The main thread never parses, so it always answers.
import { join } from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { automaticFix, type Finding, type LintOptions } from './analysis/types';
import type { RegisterFeature } from './feature';
import { codeActions } from './lintService/codeActions';
import { toDiagnostic } from './lintService/diagnostics';
import { GoModules } from './analysis/goModules';
import { FIX_ALL_KIND, LINT_STATS_REQUEST, type LintStats } from '../../common/lintProtocol';
import { AnalysisScheduler } from './lintService/scheduler';
import { DEFAULT_LINT_SETTINGS, parseLintSettings, type LintSettings } from './lintService/settings';
import { JobCancelled, JobTimedOut, LintWorkerClient } from './lintService/lintWorkerClient';
import { filePathOf } from './analysis/files';

const CONFIGURATION_SECTION = 'goTraceLens.lint';

interface Analysis {
  version: number;
  findings: Finding[];
}

export const registerLintFeatures: RegisterFeature = (connection: Connection, documents: TextDocuments<TextDocument>) => {
  let client: ClientCapabilities = {};
  let settings: LintSettings = DEFAULT_LINT_SETTINGS;
  const log = (message: string) => connection.console.warn(`go-trace-lens: ${message}`);
  // dist/server.js starts dist/lintWorker.js.
  const worker = new LintWorkerClient(join(__dirname, 'lintWorker.js'), settings.timeLimitMs, log);
  const goModules = new GoModules();
  const scheduler = new AnalysisScheduler(settings.debounceMs);
  const analyses = new Map<string, Analysis>();
  /** Documents whose analysis exceeded the time limit: left alone until closed. */
  const givenUp = new Set<string>();

  /**
   * Settings of each document's folder: enable, rules and the capture window have resource scope, so
   * a folder of a multi-root workspace may differ. Asked once per document until the settings change.
   */
  const scopedSettings = new Map<string, Promise<LintSettings>>();

  function settingsFor(uri: string): Promise<LintSettings> {
    if (!client.workspace?.configuration) return Promise.resolve(settings);
    let scoped = scopedSettings.get(uri);
    if (!scoped) {
      scoped = connection.workspace.getConfiguration({ scopeUri: uri, section: CONFIGURATION_SECTION })
        .then(parseLintSettings, () => settings);
      scopedSettings.set(uri, scoped);
    }
    return scoped;
  }

  const optionsFor = (document: TextDocument, scoped: LintSettings): LintOptions => {
    const path = filePathOf(document.uri);
    return { ...scoped.options, goVersion: path === undefined ? undefined : goModules.goVersionFor(path) };
  };

  /**
   * Lints in flight, by document. A second request for the version being linted (a code-action
   * request while the scheduled analysis runs, as at start-up) joins it: a new lint would supersede
   * the first, and the scheduled run, whose lint that was, would then publish nothing.
   */
  const inFlight = new Map<string, { version: number; analysis: Promise<Analysis | undefined> }>();

  /** Findings for the document's current version (undefined if superseded or given up). */
  async function analyse(document: TextDocument): Promise<Analysis | undefined> {
    const { uri, version } = document;
    const cached = analyses.get(uri);
    if (cached?.version === version) return cached;
    const running = inFlight.get(uri);
    if (running?.version === version) return running.analysis;
    const analysis = lint(document);
    inFlight.set(uri, { version, analysis });
    try {
      return await analysis;
    } finally {
      if (inFlight.get(uri)?.analysis === analysis) inFlight.delete(uri);
    }
  }

  async function lint(document: TextDocument): Promise<Analysis | undefined> {
    const { uri, version } = document;
    const scoped = await settingsFor(uri);
    if (!scoped.enable || givenUp.has(uri)) return { version, findings: [] };
    try {
      const findings = await worker.lint(uri, document.getText(), optionsFor(document, scoped));
      const analysis = { version, findings };
      if (documents.get(uri)?.version === version) analyses.set(uri, analysis);
      return analysis;
    } catch (error) {
      if (error instanceof JobCancelled) return undefined;
      if (error instanceof JobTimedOut) {
        givenUp.add(uri);
        log(`${uri} is not linted until it is reopened: its analysis exceeded goTraceLens.lint.timeLimitMs`);
        return { version, findings: [] };
      }
      throw error;
    }
  }

  function scheduleAnalysis(document: TextDocument): void {
    const { uri } = document;
    scheduler.schedule(uri, async (isCurrent) => {
      const current = documents.get(uri);
      if (!current) return;
      let analysis: Analysis | undefined;
      try {
        analysis = await analyse(current);
      } catch (error) {
        // A failed analysis must not leave the previous version's diagnostics standing.
        log(`could not lint ${uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        analysis = { version: current.version, findings: [] };
      }
      if (!analysis || !isCurrent() || documents.get(uri)?.version !== analysis.version) return;
      await connection.sendDiagnostics({ uri, version: analysis.version, diagnostics: analysis.findings.map((f) => toDiagnostic(uri, f)) });
    });
  }

  function reanalyseAll(): void {
    analyses.clear();
    scopedSettings.clear();
    inFlight.clear(); // their settings are stale
    for (const document of documents.all()) scheduleAnalysis(document);
  }

  async function pullSettings(pushed?: unknown): Promise<void> {
    if (client.workspace?.configuration) {
      pushed = await connection.workspace.getConfiguration(CONFIGURATION_SECTION);
    } else if (pushed !== undefined) {
      pushed = (pushed as { goTraceLens?: { lint?: unknown } } | null)?.goTraceLens?.lint;
    }
    settings = parseLintSettings(pushed);
    scheduler.setMaxDelay(settings.debounceMs);
    worker.setTimeout(settings.timeLimitMs);
  }

  documents.onDidOpen(() => goModules.invalidate());
  documents.onDidChangeContent(({ document }) => scheduleAnalysis(document));
  documents.onDidClose(({ document }) => {
    const { uri } = document;
    scheduler.forget(uri);
    analyses.delete(uri);
    inFlight.delete(uri);
    givenUp.delete(uri);
    scopedSettings.delete(uri);
    void worker.close(uri).catch(() => undefined);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  connection.onInitialized(async () => {
    if (client.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'goTraceLens' });
    }
    if (client.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/go.mod' }] });
    }
    await pullSettings();
    reanalyseAll();
  });
  connection.onDidChangeConfiguration(async ({ settings: pushed }) => {
    await pullSettings(pushed);
    reanalyseAll();
  });
  connection.onDidChangeWatchedFiles(() => {
    goModules.invalidate();
    reanalyseAll();
  });

  connection.onCodeAction(async (params) => {
    const document = documents.get(params.textDocument.uri);
    const analysis = document && (await analyse(document));
    if (!document || !analysis || documents.get(document.uri)?.version !== analysis.version) return [];
    const text = document.getText();
    const options = optionsFor(document, await settingsFor(document.uri));
    const wantsFixAll = params.context.only !== undefined && analysis.findings.some((f) => automaticFix(f) !== undefined);
    const fixed = wantsFixAll ? await worker.fixAll(text, options, analysis.findings) : text;
    return codeActions({ params, document, findings: analysis.findings, fixed, documentChanges: client.workspace?.workspaceEdit?.documentChanges === true });
  });

  connection.onRequest(LINT_STATS_REQUEST, async (): Promise<LintStats> => {
    const memory = process.memoryUsage();
    return { rssBytes: memory.rss, mainJsHeapBytes: memory.heapUsed, worker: await worker.stats() };
  });

  connection.onShutdown(() => worker.dispose());

  return {
    capabilities: (params) => {
      client = params.capabilities;
      return {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      };
    },
  };
};
