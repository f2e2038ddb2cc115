// What a user sees of the trace viewer in a real VS Code (code-server in Chromium): opening a
// trace from the command palette and the explorer, links from the viewer to source lines,
// CodeLens numbers from the open trace, and a corrupt trace.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { e2eFile, type Session } from './harness/session';
import { notifications, openFile, runCommand, screenshot, waitForProblems, webview } from './harness/workbench';

// What the fixture program (test/fixtures/e2e-workspace/main.go) did while orders.trace was
// recorded: 12 orders, each one task with a "validate" and a "store" region and one log.
const ORDERS = 12;

let session: Session;
let page: Page;

const step = e2eFile('viewer', (started) => {
  session = started;
  page = started.page;
});

const viewer = () => webview(page);

/** Waits for the viewer to show a trace's overview; returns its facts as name → value. */
async function overview(traceName: string): Promise<Record<string, string>> {
  await viewer().locator('.trace-name', { hasText: traceName }).waitFor();
  const facts = viewer().locator('.overview dl.facts');
  await facts.locator('dt', { hasText: 'Events' }).waitFor();
  const names = await facts.locator('dt').allInnerTexts();
  const values = await facts.locator('dd').allInnerTexts();
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

/** The webview whose page has `selector` holding `text` (panels' iframes come in no set order). */
async function webviewShowing(selector: string, text: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const frames = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < frames; i++) {
      if (await webview(page, i).locator(selector, { hasText: text }).count() > 0) return webview(page, i);
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector} "${text}"`);
    await page.waitForTimeout(100); // the polling interval of a condition, not a sleep standing in for one
  }
}

function editorGroup(index: number) {
  return page.locator('.editor-group-container').nth(index);
}

async function closeAllEditors(): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
}

step('"Go Trace Lens: Open Trace File…" opens the trace in the viewer beside the code', async () => {
  await openFile(page, 'batch.go');
  await runCommand(page, 'Go Trace Lens: Open Trace File');
  // code-server has no native file dialog: VS Code's own path picker asks for the file.
  const dialog = page.locator('.quick-input-widget');
  // It fills in the folder and lists its files once ready; typing earlier gets mixed with that.
  await dialog.locator('.monaco-list-row', { hasText: 'orders.trace' }).waitFor();
  const tracePath = join(session.folder, 'orders.trace');
  await dialog.locator('input.input').fill(tracePath);
  assert.equal(await dialog.locator('input.input').inputValue(), tracePath);
  await page.keyboard.press('Enter');
  const facts = await overview('orders.trace');
  assert.equal(facts['Go version'], '1.26');
  assert.match(facts['Events'], /^\d+$/);
  // Beside the code: batch.go stays in the first group, the trace opens in a second one.
  await editorGroup(1).locator('.tab', { hasText: 'orders.trace' }).waitFor();
  await editorGroup(0).locator('.tab', { hasText: 'batch.go' }).waitFor();
  await screenshot(page, '07-open-trace-beside');
  await viewer().locator('#tab-timeline').click();
  await viewer().locator('canvas.timeline-canvas').waitFor();
  await screenshot(page, '07-timeline');
});

step('clicking a region in the viewer reveals its source line in the editor', async () => {
  await viewer().locator('#tab-regions').click();
  const site = viewer().locator('table', { hasText: 'Regions by call site' }).locator('tr', { hasText: 'validate' }).locator('button.link');
  assert.equal(await site.innerText(), 'orders.go:19');
  await site.click();
  await page.locator('.tabs-container .tab', { hasText: 'orders.go' }).waitFor();
  await page.locator('.monaco-editor .line-numbers.active-line-number', { hasText: /^19$/ }).waitFor();
  const line = await page.locator('.monaco-editor .view-line', { hasText: 'trace.WithRegion(ctx, "validate"' }).count();
  assert.equal(line, 1);
  await screenshot(page, '08-region-reveals-source');
});

step('Tasks view: the order with orderID 7 found by its log, explained, its store region revealed in the editor', async () => {
  await viewer().locator('#tab-tasks').click();
  await viewer().locator('.task-counts', { hasText: /^\d+ tasks, slowest first\./ }).waitFor();
  await viewer().getByRole('searchbox', { name: 'Log' }).fill('orderID=7');
  await viewer().getByRole('searchbox', { name: 'Log' }).press('Enter');
  await viewer().locator('.task-counts', { hasText: /^1 of \d+ tasks match/ }).waitFor();
  await viewer().locator('.task-spacer .task-row:not([hidden])', { hasText: 'handleOrder' }).click();
  const pane = viewer().locator('.task-detail-pane');
  await pane.locator('h2', { hasText: '“handleOrder”' }).waitFor();
  await pane.locator('table.breakdown-table').waitFor();
  assert.match(await pane.locator('table', { hasText: 'Logs of task' }).innerText(), /orderID\s+7/);
  await screenshot(page, '08-tasks-view');
  await pane.locator('table', { hasText: 'Regions of task' }).locator('tr', { hasText: 'store' }).click();
  await page.locator('.monaco-editor .line-numbers.active-line-number', { hasText: /^20$/ }).waitFor();
  assert.equal(await page.locator('.monaco-editor .view-line', { hasText: 'trace.StartRegion(ctx, "store")' }).count(), 1);
});

step('CodeLens above each annotation shows its numbers from the open trace', async () => {
  await openFile(page, 'orders.go');
  const lenses = page.locator('.monaco-editor .codelens-decoration');
  const task = lenses.filter({ hasText: `${ORDERS} tasks “handleOrder”` });
  const validate = lenses.filter({ hasText: `${ORDERS} regions “validate”` });
  const store = lenses.filter({ hasText: `${ORDERS} regions “store”` });
  for (const lens of [task, validate, store]) {
    await lens.waitFor();
    assert.match(await lens.innerText(), /p50 [\d.]+\s?[nµm]?s · p99 [\d.]+\s?[nµm]?s/);
  }
  await lenses.filter({ hasText: `${ORDERS} logs “orderID”` }).waitFor();
  await screenshot(page, '09-codelens');
});

step('"Compare with…" in the viewer compares its trace with a picked one; CodeLens show the changes', async () => {
  await viewer().getByRole('button', { name: 'Compare with…' }).click();
  const dialog = page.locator('.quick-input-widget');
  await dialog.locator('.monaco-list-row', { hasText: 'orders.trace' }).waitFor();
  const tracePath = join(session.folder, 'orders.trace');
  await dialog.locator('input.input').fill(tracePath);
  await page.keyboard.press('Enter');
  // The comparison opens in a webview of its own beside the viewer; a trace compared with itself changes nowhere.
  await page.locator('.tab', { hasText: 'orders.trace → orders.trace' }).waitFor();
  const comparison = await webviewShowing('.trace-name', 'orders.trace → orders.trace');
  const table = comparison.locator('table', { has: comparison.locator('caption', { hasText: 'Tasks and regions' }) });
  await table.locator('tbody tr', { hasText: 'validate' }).waitFor();
  for (const row of await table.locator('tbody tr').allInnerTexts()) assert.match(row, /\t~\t/, row);
  // orders.go is still open from the step before, in the first group.
  const lens = page.locator('.monaco-editor .codelens-decoration').filter({ hasText: /trace diff: p99 \S+ → \S+, ~, p=1\.000/ });
  await lens.first().waitFor();
  assert.ok(await lens.count() >= 3, 'one per task and region call');
  await screenshot(page, '09b-compare');
});

step('a click on a trace file in the explorer opens the viewer beside the code, as a kept tab', async () => {
  await closeAllEditors();
  await openFile(page, 'batch.go');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'orders.trace' }).click();
  const facts = await overview('orders.trace');
  assert.equal(facts['Go version'], '1.26');
  // Not a preview tab over batch.go in its group: batch.go stays in the first group, the trace beside it.
  await editorGroup(1).locator('.tab', { hasText: 'orders.trace' }).waitFor();
  await editorGroup(0).locator('.tab', { hasText: 'batch.go' }).waitFor();
  assert.equal(await editorGroup(0).locator('.tab', { hasText: 'orders.trace' }).count(), 0);
  assert.equal(await editorGroup(1).locator('.tab.preview', { hasText: 'orders.trace' }).count(), 0, 'not a preview tab');
  await screenshot(page, '10-open-from-explorer');
});

step('a corrupt trace shows an error message and the extension keeps working', async () => {
  await closeAllEditors();
  const good = readFileSync(join(session.folder, 'orders.trace'));
  const corrupt = Buffer.concat([good.subarray(0, 1200), Buffer.from('this is not a trace batch '.repeat(40))]);
  writeFileSync(join(session.folder, 'corrupt.trace'), corrupt);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'corrupt.trace' }).click();
  const message = notifications(page).filter({ hasText: /could not read corrupt\.trace/ });
  await message.waitFor();
  // The loading progress ends with the failure, and the panel says what went wrong too.
  await notifications(page).filter({ hasText: 'Loading trace corrupt.trace' }).waitFor({ state: 'detached' });
  await viewer().getByRole('alert').filter({ hasText: /could not be opened: the first generation is incomplete or damaged/ }).waitFor();
  await screenshot(page, '11-corrupt-trace');

  // The language server and the viewer still work.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'orders.trace' }).click();
  assert.equal((await overview('orders.trace'))['Go version'], '1.26');
  await openFile(page, 'batch.go');
  await waitForProblems(page, (rows) => rows.some((p) => p.file === 'batch.go' && p.text.includes('log-in-loop')), 'lint problems after the corrupt trace');
});
