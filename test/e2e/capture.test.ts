// Capturing from the editor in a real VS Code (code-server in Chromium): the "trace" CodeLens on a
// test opens its trace beside the code, "Capture Trace from Server…" records the fixture server
// with a progress notification, the Go Traces view lists both, and the flight-recorder command
// writes code that vets and lints clean. Prints click-to-viewer times.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { go, goRootDir, startFixtureServer, type FixtureServer } from '../capture/fixtureServer';
import { repoRoot } from './harness/vsix';
import { e2eFile } from './harness/session';
import { activeTab, notifications, openFile, runCommand, screenshot, webview } from './harness/workbench';

// The extension host inherits these: Go runs offline with its own toolchain, as in CI.
Object.assign(process.env, { GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod' });

let page: Page;
let folder: string;
let server: FixtureServer | undefined;

const step = e2eFile('capture', (started) => {
  page = started.page;
  folder = started.folder;
}, { settings: { 'go.goroot': goRootDir() } });

const editorGroup = (index: number) => page.locator('.editor-group-container').nth(index);
const quickInput = () => page.locator('.quick-input-widget');

/** Waits until the viewer beside the code shows the trace whose file name starts with `prefix`. */
async function viewerShows(prefix: string): Promise<void> {
  await editorGroup(1).locator('.tab', { hasText: prefix }).waitFor({ timeout: 120_000 });
  const frame = webview(page);
  await frame.locator('.trace-name', { hasText: prefix }).waitFor({ timeout: 60_000 });
  await frame.locator('.overview dl.facts dt', { hasText: 'Events' }).waitFor({ timeout: 60_000 });
}

async function closeAllEditors(): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
}

step('clicking "trace" above a test runs it and opens its trace beside the test', async () => {
  await openFile(page, 'orders_test.go');
  const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: /^trace$/ }).first();
  await lens.waitFor({ timeout: 60_000 });
  const clicked = Date.now();
  await lens.click();
  await viewerShows('TestHandleOrder-');
  console.log(`click on "trace" → viewer open: ${Date.now() - clicked} ms (TestHandleOrder: go test builds and runs it, Go's build cache as earlier runs left it)`);
  await editorGroup(0).locator('.tab', { hasText: 'orders_test.go' }).waitFor();
  // The test's three orders: three handleOrder tasks.
  await webview(page).locator('#tab-tasks').click();
  await webview(page).locator('tr', { hasText: 'handleOrder' }).first().waitFor();
  assert.match(await webview(page).locator('tr', { hasText: 'handleOrder' }).first().innerText(), /\b3\b/);
  await screenshot(page, '20-trace-test-codelens');
});

step('"Capture Trace from Server…" records 5 s with a progress notification and opens the trace', async () => {
  await closeAllEditors();
  await openFile(page, 'orders_test.go');
  server = await startFixtureServer();
  await runCommand(page, 'Go Trace Lens: Capture Trace from Server');
  const input = quickInput().locator('input.input');
  await input.fill(`${server.url}/debug/pprof/trace`);
  await input.press('Enter');
  // The window's box, prefilled with goTraceLens.lint.captureWindowSeconds (5).
  await quickInput().locator('.quick-input-message', { hasText: 'advises at most 5' }).waitFor();
  assert.equal(await input.inputValue(), '5');
  const accepted = Date.now();
  await input.press('Enter');
  const progress = notifications(page).filter({ hasText: 'Capturing 5 s of trace' });
  await progress.filter({ hasText: /[1-4]\/5 s · .* received/ }).waitFor({ timeout: 30_000 });
  await screenshot(page, '21-capture-progress');
  await viewerShows('server-127.0.0.1-');
  // A 5 s window is within the 5 s advice: no warning about a long capture.
  assert.equal(await webview(page).locator('.warning', { hasText: 'capture window' }).count(), 0);
  console.log(`Enter on the 5 s window → viewer open: ${Date.now() - accepted} ms (fixture server, /debug/pprof/trace?seconds=5)`);
});

step('the Go Traces view lists both captures', async () => {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Go Traces' }) });
  const header = pane.locator('.pane-header');
  await header.waitFor();
  if (await header.getAttribute('aria-expanded') !== 'true') await header.click();
  const rows = pane.locator('.monaco-list-row');
  await rows.filter({ hasText: 'TestHandleOrder (workspace)' }).filter({ hasText: /test · .* · [\d.]+(ms|s) · [\d.]+ (B|KiB|MiB)/ }).waitFor();
  await rows.filter({ hasText: `${new URL(server!.url).host}/debug/pprof/trace` }).filter({ hasText: /server · .* · 5(\.\d+)?s · / }).waitFor();
  assert.equal(await rows.count(), 2);
  const shot = await screenshot(page, '22-go-traces-view');
  mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
  copyFileSync(shot, join(repoRoot, 'docs', 'images', 'capture.png'));
});

step('the captures are still listed after a reload of the window', async () => {
  const reloaded = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await reloaded;
  await page.waitForLoadState('load');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Go Traces' }) });
  const rows = pane.locator('.monaco-list-row');
  await rows.filter({ hasText: 'TestHandleOrder (workspace)' }).waitFor({ timeout: 120_000 });
  await rows.filter({ hasText: `${new URL(server!.url).host}/debug/pprof/trace` }).waitFor();
  assert.equal(await rows.count(), 2);
  // The restored viewer has loaded again: the workbench and the extension are back.
  await webview(page).locator('.overview dl.facts dt', { hasText: 'Events' }).waitFor({ timeout: 120_000 });
});

step('"Add a Flight Recorder That Snapshots Slow Requests" writes flightrecorder.go, which vets and lints clean', async () => {
  await closeAllEditors();
  await openFile(page, 'main.go');
  await runCommand(page, 'Go Trace Lens: Add a Flight Recorder That Snapshots Slow Requests');
  await activeTab(page, 'flightrecorder.go').waitFor();
  const file = join(folder, 'flightrecorder.go');
  // The command saves the file before showing it.
  await activeTab(page, 'flightrecorder.go').and(page.locator('.tab:not(.dirty)')).waitFor();
  assert.match(readFileSync(file, 'utf8'), /^package main\n[\s\S]*trace\.NewFlightRecorder\(trace\.FlightRecorderConfig\{/);
  const { binary, env } = go();
  execFileSync(binary, ['vet', '.'], { cwd: folder, env });
  const lint = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'lint', file], { encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
});

step('stop the fixture server', async () => {
  await server?.stop();
});
