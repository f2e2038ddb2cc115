// A Go file opened while the extension is still starting gets its problems, as when VS Code restores
// a Go editor at start-up or a user clicks one at once. (It used to lose them about one start in two:
// a code-action request superseded the first analysis, which then published nothing.)
import type { Page } from 'playwright-core';
import { e2eFile } from './harness/session';
import { waitForProblems } from './harness/workbench';

let page: Page;

// No waiting for the extension: the file is opened while it activates, as a quick user does.
const step = e2eFile('startup', (started) => { page = started.page; }, { waitUntilReady: false });

step('a Go file opened while the extension starts gets its problems', async () => {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'batch.go' }).click();
  await waitForProblems(page, (rows) => rows.some((p) => p.file === 'batch.go' && p.text.includes('start-error-ignored')),
    'the problems of batch.go, opened during activation', 180_000);
});
