// What a user sees of the linter in a real VS Code (code-server in Chromium): squiggles and
// Problems, the quick fixes behind Ctrl+., suppression, and per-rule severity from settings.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { e2eFile, type Session } from './harness/session';
import { chooseAction, codeActionsAt, editorText, goToLine, openFile, screenshot, squiggles, waitForProblems, type Problem } from './harness/workbench';

/** The misuse in test/fixtures/e2e-workspace/batch.go, by rule, with the 1-based line it is on. */
const expectedInBatch = [
  { rule: 'log-in-loop', line: 14 },
  { rule: 'task-per-iteration', line: 15 },
  { rule: 'start-error-ignored', line: 24 },
];

let session: Session;
let page: Page;

const step = e2eFile('lint', (started) => {
  session = started;
  page = started.page;
});

const hasRule = (rule: string) => (p: Problem) => p.file === 'batch.go' && p.text.includes(rule);

/** Opens the code-action menu (Ctrl+.) on the problem of a rule in batch.go; returns the menu's actions. */
async function openCodeActions(rule: string): Promise<Locator> {
  const [problem] = (await waitForProblems(page, (rows) => rows.some(hasRule(rule)), rule)).filter(hasRule(rule));
  return codeActionsAt(page, problem);
}

function writeWorkspaceSettings(settings: Record<string, unknown>): void {
  mkdirSync(join(session.folder, '.vscode'), { recursive: true });
  writeFileSync(join(session.folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

step('a Go file with misuse shows squiggles and its problems in the Problems panel', async () => {
  await openFile(page, 'batch.go');
  const rows = await waitForProblems(page, (found) => expectedInBatch.every((e) => found.some((p) => hasRule(e.rule)(p) && p.line === e.line)),
    'every expected problem of batch.go');
  for (const problem of rows.filter((p) => p.file === 'batch.go')) assert.match(problem.text, /go-trace-lens/);
  await squiggles(page).nth(2).waitFor(); // lines 14, 15 and 24
  await screenshot(page, '01-diagnostics');
});

step('a correct file has no problems, even though the server analyses it', async () => {
  await openFile(page, 'orders.go');
  // Prove the server is looking at this file: a misuse typed into it is reported…
  await goToLine(page, 17, 200);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('trace.Start(nil)');
  await waitForProblems(page, (rows) => rows.some((p) => p.file === 'orders.go' && p.text.includes('start-error-ignored')), 'the typed misuse in orders.go');
  // …and once the line is gone again, nothing is.
  await page.keyboard.press('Control+Shift+K');
  await waitForProblems(page, (rows) => !rows.some((p) => p.file === 'orders.go'), 'no problems for orders.go');
  assert.equal(await squiggles(page, 'warning').count() + await squiggles(page, 'error').count() + await squiggles(page, 'info').count(), 0);
  assert.doesNotMatch(await editorText(page), /trace\.Start\(nil\)/);
  await screenshot(page, '02-correct-file');
});

step("changing a rule's severity in settings changes its diagnostics without a reload", async () => {
  await openFile(page, 'batch.go');
  writeWorkspaceSettings({ 'goTraceLens.lint.rules': { 'log-in-loop': 'error' } });
  await waitForProblems(page, (rows) => rows.some((p) => hasRule('log-in-loop')(p) && p.severity === 'Error'), 'log-in-loop as an error');
  await squiggles(page, 'error').first().waitFor();
  await screenshot(page, '03-severity-error');

  writeWorkspaceSettings({ 'goTraceLens.lint.rules': { 'log-in-loop': 'off' } });
  const rows = await waitForProblems(page, (found) => !found.some(hasRule('log-in-loop')), 'log-in-loop switched off');
  assert.ok(rows.some(hasRule('start-error-ignored')), 'other rules stay on');

  writeWorkspaceSettings({});
  await waitForProblems(page, (found) => found.some((p) => hasRule('log-in-loop')(p) && p.severity === 'Warning'), 'log-in-loop back at its default severity');
});

step('"Disable for this line" adds a suppression comment and the problem goes away', async () => {
  await openFile(page, 'batch.go');
  const actions = await openCodeActions('task-per-iteration');
  await chooseAction(page, actions, 'Disable task-per-iteration for this line');
  await waitForProblems(page, (rows) => !rows.some(hasRule('task-per-iteration')), 'task-per-iteration suppressed');
  assert.match(await editorText(page), /gotracelens:ignore task-per-iteration/);
  await screenshot(page, '04-disabled-for-line');
});

step('a suggested fix (Ctrl+.) says what it changes, rewrites the code and the problem goes away', async () => {
  await openFile(page, 'batch.go');
  const actions = await openCodeActions('start-error-ignored');
  // Checking the error changes what the program does: a suggestion, whose title says so.
  const title = "Check trace.Start's error: panic(err) when tracing cannot start";
  assert.equal(await actions.and(page.locator('.focused')).getAttribute('aria-label'), title);
  await screenshot(page, '05-quick-fix-menu');
  await chooseAction(page, actions, title);
  await waitForProblems(page, (rows) => !rows.some(hasRule('start-error-ignored')), 'start-error-ignored fixed');
  await page.keyboard.press('Control+S');
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
  assert.match(readFileSync(join(session.folder, 'batch.go'), 'utf8'), /\tif err := trace\.Start\(w\); err != nil \{\n\t\t\w.*\n\t\}\n/);
  await screenshot(page, '06-quick-fix-applied');
});
