// Capture settings and where captures go: goTraceLens.capture.directory, else a folder in the
// workspace storage (never the user's source tree).
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { findGo, type GoTool } from '../../../server/src/capture/goTool';

export function capturesDirectory(context: ExtensionContext): string {
  const configured = workspace.getConfiguration('goTraceLens.capture').get<string>('directory', '').trim();
  const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (configured) return path.resolve(folder ?? process.cwd(), configured.replace(/^\$\{workspaceFolder\}/, folder ?? ''));
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'captures');
}

/** The go command as vscode-go would run it: go.alternateTools.go, go.goroot, then PATH. */
export function goTool(): GoTool {
  const go = workspace.getConfiguration('go');
  const alternateGo = go.get<Record<string, string>>('alternateTools')?.go;
  return findGo({ goroot: go.get<string>('goroot') || undefined, alternateGo: alternateGo || undefined });
}

export function captureWindowSeconds(): number {
  const value = workspace.getConfiguration('goTraceLens.lint').get<number>('captureWindowSeconds', 5);
  return value > 0 ? value : 5;
}
