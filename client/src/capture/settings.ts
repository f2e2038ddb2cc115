// Capture settings the client reads: where captures go (goTraceLens.capture.directory, else a
// folder in the workspace storage, never the user's source tree) and vscode-go's go settings.
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import type { GoToolSettings } from '../../../common/captureProtocol';
import { DEFAULT_CAPTURE_WINDOW_SECONDS, SETTING_DEFAULTS } from '../../../common/settings';

export function capturesDirectory(context: ExtensionContext): string {
  const configured = workspace.getConfiguration('goTraceLens.capture').get<string>('directory', SETTING_DEFAULTS['goTraceLens.capture.directory']).trim();
  const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (configured) return path.resolve(folder ?? process.cwd(), configured.replace(/^\$\{workspaceFolder\}/, folder ?? ''));
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'captures');
}

/** How vscode-go runs go: go.alternateTools.go, go.goroot, then PATH (the server applies them). */
export function goToolSettings(): GoToolSettings {
  const go = workspace.getConfiguration('go');
  return { goroot: go.get<string>('goroot') || undefined, alternateGo: go.get<Record<string, string>>('alternateTools')?.go || undefined };
}

export function captureWindowSeconds(): number {
  const value = workspace.getConfiguration('goTraceLens.lint').get<number>('captureWindowSeconds', DEFAULT_CAPTURE_WINDOW_SECONDS);
  return value > 0 ? value : DEFAULT_CAPTURE_WINDOW_SECONDS;
}
