// The Explorer's "Go Traces" view: captures listed from the captures index (newest first) with what,
// when, how long and how big; open, compare with a baseline, reveal, rename and delete. The language server keeps the index
// on disk, so the view shows the same list after a reload.
import * as path from 'node:path';
import {
  commands, EventEmitter, MarkdownString, ThemeIcon, TreeItem, Uri, window, workspace,
  type ExtensionContext, type TreeDataProvider,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CaptureRequests, type CaptureEntry } from '../../../common/captureProtocol';
import { formatBytes, formatDuration } from '../../../common/format';
import { COMPARE_COMMAND } from '../viewer/compareCommand';
import { openTraceBeside } from './commands';
import { capturesDirectory } from './settings';

export const CAPTURES_VIEW = 'goTraceLens.captures';

const SOURCE_LABEL: Record<CaptureEntry['source'], string> = { test: 'test', benchmark: 'benchmark', fuzz: 'fuzz seeds', server: 'server', snapshot: 'snapshot' };
const SOURCE_ICON: Record<CaptureEntry['source'], string> = { test: 'beaker', benchmark: 'dashboard', fuzz: 'beaker', server: 'globe', snapshot: 'record' };

/** A test's name, or a URL's host and path: what the user recognises; the file name is in the tooltip. */
function shortWhat(entry: CaptureEntry): string {
  if (entry.source === 'server' || entry.source === 'snapshot') {
    try {
      const url = new URL(entry.what);
      return `${url.host}${url.pathname}`;
    } catch {
      return entry.what;
    }
  }
  return entry.what;
}

class CapturesProvider implements TreeDataProvider<CaptureEntry> {
  private readonly changed = new EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly client: LanguageClient, private readonly directory: () => string) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: CaptureEntry): Promise<CaptureEntry[]> {
    if (element) return [];
    return this.client.sendRequest<CaptureEntry[]>(CaptureRequests.list.method, { directory: this.directory() });
  }

  uriOf(entry: CaptureEntry): Uri {
    return Uri.file(path.join(this.directory(), entry.file));
  }

  getTreeItem(entry: CaptureEntry): TreeItem {
    const item = new TreeItem(shortWhat(entry));
    const when = new Date(entry.capturedAt);
    item.description = `${SOURCE_LABEL[entry.source]} · ${when.toLocaleTimeString()} · ${formatDuration(entry.durationMs * 1e6)} · ${formatBytes(entry.bytes)}`;
    const tooltip = new MarkdownString();
    tooltip.appendText(`${entry.what}\n\n${SOURCE_LABEL[entry.source]}, captured ${when.toLocaleString()} in ${formatDuration(entry.durationMs * 1e6)}, ${formatBytes(entry.bytes)}\n\n${entry.file}`);
    item.tooltip = tooltip;
    item.iconPath = new ThemeIcon(SOURCE_ICON[entry.source]);
    item.resourceUri = this.uriOf(entry);
    item.contextValue = 'capture';
    item.command = { title: 'Open', command: 'goTraceLens.captures.open', arguments: [entry] };
    return item;
  }
}

export function registerCapturesView(context: ExtensionContext, client: LanguageClient): { refresh(): void } {
  const directory = (): string => capturesDirectory(context);
  const provider = new CapturesProvider(client, directory);
  const uriOf = (entry: CaptureEntry): Uri => provider.uriOf(entry);

  async function rename(entry: CaptureEntry): Promise<void> {
    const name = await window.showInputBox({ title: 'Rename capture', value: entry.file, valueSelection: [0, entry.file.replace(/\.trace$/, '').length] });
    if (!name || name === entry.file) return;
    try {
      await client.sendRequest(CaptureRequests.rename.method, { directory: directory(), file: entry.file, newName: name });
    } catch (error) {
      void window.showErrorMessage(`Go Trace Lens: cannot rename ${entry.file}: ${(error as Error).message}`);
    }
    provider.refresh();
  }

  async function remove(entry: CaptureEntry): Promise<void> {
    const remove = 'Delete';
    if (await window.showWarningMessage(`Delete the capture ${entry.file}?`, { modal: true, detail: entry.what }, remove) !== remove) return;
    await client.sendRequest(CaptureRequests.remove.method, { directory: directory(), file: entry.file });
    provider.refresh();
  }

  const watcher = workspace.createFileSystemWatcher(`${directory()}/captures.json`);
  context.subscriptions.push(
    window.createTreeView(CAPTURES_VIEW, { treeDataProvider: provider, showCollapseAll: false }),
    watcher, watcher.onDidChange(() => provider.refresh()), watcher.onDidCreate(() => provider.refresh()),
    workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('goTraceLens.capture.directory')) provider.refresh(); }),
    commands.registerCommand('goTraceLens.captures.open', (entry: CaptureEntry) => openTraceBeside(uriOf(entry))),
    commands.registerCommand('goTraceLens.captures.compareWith', (entry: CaptureEntry) => commands.executeCommand(COMPARE_COMMAND, uriOf(entry))),
    commands.registerCommand('goTraceLens.captures.reveal', (entry: CaptureEntry) => commands.executeCommand('revealFileInOS', uriOf(entry))),
    commands.registerCommand('goTraceLens.captures.rename', rename),
    commands.registerCommand('goTraceLens.captures.delete', remove),
    commands.registerCommand('goTraceLens.captures.refresh', () => provider.refresh()),
  );
  return provider;
}
