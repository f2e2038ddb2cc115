// One end-to-end session: the freshly packaged extension installed into a throwaway profile,
// code-server serving a copy of the fixture workspace, and Chromium showing the workbench.
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  copyWorkspace, createProfile, e2eWorkspace, extensionActivation, installExtension, removeProfile, requireCodeServer, startCodeServer, writeUserSettings,
  type Profile, type RunningCodeServer,
} from './codeServer';
import { ensureFreshVsix } from './vsix';
import { openFile, openWorkbench, runCommand, screenshot, waitForProblems, type Workbench } from './workbench';

export interface Session {
  page: Page;
  /** The workspace folder code-server opened (a copy the tests may edit). */
  folder: string;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Wait for the extension and its language server before the tests (default); off to test start-up itself. */
  waitUntilReady?: boolean;
  /** User settings for the profile, beside the harness's quiet defaults. */
  settings?: Record<string, unknown>;
}

export async function startSession(name: string, { waitUntilReady = true, settings }: SessionOptions = {}): Promise<Session> {
  requireCodeServer();
  const vsix = ensureFreshVsix((line) => console.log(line));
  const profile: Profile = createProfile(name);
  if (settings) writeUserSettings(profile, settings);
  let server: RunningCodeServer | undefined;
  let workbench: Workbench | undefined;
  const close = async () => {
    await workbench?.close().catch(() => {});
    await server?.stop();
    removeProfile(profile);
  };
  try {
    installExtension(profile, vsix);
    const folder = copyWorkspace(e2eWorkspace, profile);
    server = await startCodeServer(profile, folder);
    workbench = await openWorkbench(server.url);
    if (waitUntilReady) await waitUntilExtensionReady(workbench.page, profile);
    return { page: workbench.page, folder, close };
  } catch (error) {
    const log = server?.output() ?? '';
    await close();
    throw new Error(`${(error as Error).message}${log ? `\ncode-server said:\n${log}` : ''}`);
  }
}

/**
 * The first start of code-server, its extension host and our language server can take well over
 * a minute on a loaded 2-core machine. Wait for each stage in turn, each with a clear error, so
 * that the tests' own (shorter) waits start from a workbench whose extension already answers.
 */
async function waitUntilExtensionReady(page: Page, profile: Profile): Promise<void> {
  await extensionActivation(profile, 180_000);
  // The language server is ready once it has analysed a file: batch.go's misuse reaches the
  // Problems panel, as a user would see it.
  await openFile(page, 'batch.go');
  await waitForProblems(page, (rows) => rows.some((p) => p.file === 'batch.go' && /go-trace-lens/.test(p.text)),
    'a first problem from the language server for batch.go', 180_000);
  // Leave the layout as the tests expect it (they open the Problems panel when they need it).
  await runCommand(page, 'View: Hide Panel');
  await page.locator('.markers-panel').waitFor({ state: 'hidden' });
}

/**
 * Starts a session before a test file's tests and closes it after them; returns how to declare the
 * file's steps. A failing step leaves a screenshot of the workbench behind.
 */
export function e2eFile(name: string, onStart: (session: Session) => void, options?: SessionOptions): (title: string, run: () => Promise<void>) => void {
  let session: Session | undefined;
  before(async () => {
    session = await startSession(name, options);
    onStart(session);
  });
  after(async () => {
    await session?.close();
  });
  return (title, run) => {
    void test(title, async () => {
      try {
        await run();
      } catch (error) {
        if (session) await screenshot(session.page, `FAILED ${title.replace(/[^\w.-]+/g, ' ').trim()}`).catch(() => {});
        throw error;
      }
    });
  };
}
