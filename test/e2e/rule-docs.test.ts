// "Show documentation" opens the rule's generated page (docs/rules/<id>.md) from the package.
import type { Page } from 'playwright-core';
import { e2eFile } from './harness/session';
import { chooseAction, codeActionsAt, openFile, screenshot, waitForProblems, webview } from './harness/workbench';

let page: Page;

const step = e2eFile('rule-docs', (started) => {
  page = started.page;
});

step('"Show documentation" opens the rule\'s page from the package in the Markdown preview', async () => {
  await openFile(page, 'batch.go');
  const rows = await waitForProblems(page, (found) => found.some((p) => p.text.includes('start-error-ignored')), 'start-error-ignored');
  const actions = await codeActionsAt(page, rows.find((p) => p.text.includes('start-error-ignored'))!);
  await chooseAction(page, actions, 'Show documentation for start-error-ignored');
  await page.locator('.tabs-container .tab', { hasText: 'start-error-ignored' }).waitFor();
  await webview(page).locator('h1', { hasText: /trace\.Start.* error is ignored/ }).waitFor();
  await webview(page).locator('pre code', { hasText: 'if err := trace.Start(f); err != nil' }).waitFor();
  await screenshot(page, '12-rule-documentation');
});
