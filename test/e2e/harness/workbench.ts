// Drives the code-server workbench in Chromium the way a user does: keyboard, command palette,
// Quick Open, the Problems panel. Every wait is for a condition in the page, never a fixed delay.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { repoRoot } from './vsix';

export const screenshotsDir = join(repoRoot, 'test-results', 'e2e');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

export interface Workbench {
  page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(url: string): Promise<Workbench> {
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // Ceilings for conditions, not delays: a loaded machine can be slow at any step.
    page.setDefaultTimeout(60_000);
    await page.goto(url, { timeout: 180_000 });
    // The first start of the workbench (cold caches, a busy machine) is by far the slowest.
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 180_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 180_000 });
    return { page, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotsDir, { recursive: true });
  const path = join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

const quickInput = (page: Page) => page.locator('.quick-input-widget');

/**
 * Types into the quick input and accepts the row showing rowText. Results arrive in stages (editor
 * history first, then file search), so a click can land on a row that is being replaced; waiting
 * for the wanted row to be the focused one and pressing Enter accepts exactly that row.
 */
async function pickFromQuickInput(page: Page, text: string, rowText: string | RegExp): Promise<void> {
  const input = quickInput(page).locator('input.input');
  await input.waitFor();
  await input.fill(text);
  const wanted = quickInput(page).locator('.monaco-list-row', { hasText: rowText }).first();
  await wanted.waitFor();
  const focused = quickInput(page).locator('.monaco-list-row.focused', { hasText: rowText });
  const wantedIsFocused = await focused.waitFor({ timeout: 5_000 }).then(() => true, () => false);
  if (wantedIsFocused) await input.press('Enter');
  else await wanted.click();
  // Accepted once the widget hides, or once it holds a follow-up picker (a command may open one).
  const deadline = Date.now() + 60_000;
  while (await quickInput(page).isVisible() && await input.inputValue().catch(() => '') === text) {
    if (Date.now() > deadline) throw new Error(`the quick input kept “${text}” for 60 s after the pick`);
    await page.waitForTimeout(100);
  }
}

/** Runs a command by its title from the command palette (F1). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await pickFromQuickInput(page, `>${title}`, title);
}

/**
 * Acts, then checks the outcome; a check that fails is retried from the act (after `recover`, if
 * given), up to `attempts` tries in all, and the last failure is thrown. A failing act is not retried.
 */
async function retried(attempts: number, act: () => Promise<void>, check: () => Promise<void>, recover?: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await act();
    try {
      return await check();
    } catch (error) {
      if (attempt === attempts) throw error;
      await recover?.();
    }
  }
}

/**
 * Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab to be active. On a
 * loaded machine the workbench now and then drops a pick; a pick whose tab never shows is retried.
 */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop()!;
  await retried(3, async () => {
    await page.keyboard.press('Control+P');
    await pickFromQuickInput(page, relativePath, name);
  }, () => activeTab(page, name).waitFor({ timeout: 20_000 }));
}

export function activeTab(page: Page, name: string): Locator {
  return page.locator('.tabs-container .tab.active', { hasText: name });
}

export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** The text area of the active editor. */
const editorLines = (page: Page): Locator => activeEditor(page).locator('.view-lines').first();

/**
 * Moves the cursor with Go to Line (Ctrl+G); line and column are 1-based as shown in the status bar.
 * Right after a tab opens, focus can still be on its way to the editor and the key press is lost,
 * so a move the status bar never shows is tried again.
 */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  const input = quickInput(page).locator('input.input');
  await retried(3, async () => {
    await editorLines(page).waitFor();
    await page.keyboard.press('Control+G');
  }, async () => {
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await input.press('Enter');
    await cursorAt(page, line, 20_000);
  }, async () => {
    // Whatever half-open state is left (a widget, lost focus), start again from the editor.
    await page.keyboard.press('Escape');
    await editorLines(page).click();
  });
}

/** Waits until the status bar shows the cursor on the given 1-based line. */
export async function cursorAt(page: Page, line: number, timeout = 60_000): Promise<void> {
  await page.locator('#status\\.editor\\.selection', { hasText: new RegExp(`^Ln ${line}, Col \\d+`) }).waitFor({ timeout });
}

export interface Problem {
  /** The file's name, from the group header above the row. */
  file: string;
  /** "Error", "Warning", "Info" or "Hint", as the row's accessible label starts. */
  severity: string;
  /** The row as shown: message, source, code, [Ln L, Col C]. */
  text: string;
  line: number;
  column: number;
}

/** The problems listed in the Problems panel (opening it if needed). */
export async function problems(page: Page): Promise<Problem[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await runCommand(page, 'View: Focus Problems');
    await panel.waitFor();
  }
  const rows = await panel.locator('.monaco-list-row[aria-level]').evaluateAll((elements) => elements.map((row) => ({
    level: row.getAttribute('aria-level'),
    label: row.getAttribute('aria-label') ?? '',
    text: (row as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim(),
  })));
  const found: Problem[] = [];
  let file = '';
  for (const row of rows) {
    if (row.level === '1') {
      file = /problems? in file (.+?) of folder/.exec(row.label)?.[1] ?? row.text;
      continue;
    }
    const position = /\[Ln (\d+), Col (\d+)\]/.exec(row.text);
    found.push({ file, severity: row.label.split(':')[0], text: row.text, line: Number(position?.[1] ?? 0), column: Number(position?.[2] ?? 0) });
  }
  return found;
}

/** Waits until the Problems panel satisfies a condition, then returns its problems. */
export async function waitForProblems(page: Page, condition: (rows: Problem[]) => boolean, what: string, timeout = 60_000): Promise<Problem[]> {
  const deadline = Date.now() + timeout;
  let rows = await problems(page);
  while (!condition(rows)) {
    if (Date.now() > deadline) {
      throw new Error(`the Problems panel never showed ${what}; it shows:\n${rows.map((r) => `${r.severity}: ${r.text}`).join('\n')}`);
    }
    await page.waitForTimeout(200); // the polling interval of a condition, not a sleep standing in for one
    rows = await problems(page);
  }
  return rows;
}

/** Opens the code-action menu (Ctrl+.) at a problem; returns the menu's actions. */
export async function codeActionsAt(page: Page, problem: Problem, attempts = 3): Promise<Locator> {
  await goToLine(page, problem.line, problem.column);
  const actions = page.locator('.action-widget .monaco-list-row.action');
  const none = page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' });
  await retried(attempts, async () => {
    await page.keyboard.press('Control+.');
    await actions.first().or(none).waitFor();
  }, async () => {
    if (!(await actions.first().isVisible())) throw new Error(`Ctrl+. showed "No code actions available" ${attempts} times at line ${problem.line}`);
  }, async () => {
    // The server answers nothing while the document's analysis is still catching up (a loaded
    // machine); a user would press Ctrl+. again.
    await page.keyboard.press('Escape');
    await none.waitFor({ state: 'hidden' });
  });
  return actions;
}

/** Moves the menu's focus with the arrow keys to the action with this title and applies it with Enter. */
export async function chooseAction(page: Page, actions: Locator, title: string): Promise<void> {
  const count = await actions.count();
  for (let step = 0; step < count; step++) {
    if (await actions.and(page.locator('.focused')).getAttribute('aria-label') === title) {
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').waitFor({ state: 'hidden' });
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no action "${title}" in the menu: ${(await actions.allInnerTexts()).join(' | ')}`);
}

/** Squiggles drawn in the active editor, by severity class. */
export function squiggles(page: Page, severity: 'error' | 'warning' | 'info' | 'hint' = 'warning'): Locator {
  return activeEditor(page).locator(`.view-overlays .squiggly-${severity}`);
}

export async function editorText(page: Page): Promise<string> {
  return (await editorLines(page).innerText()).replace(/\u00a0/g, ' ');
}

/** The document inside a webview panel (code-server nests it in two iframes). */
export function webview(page: Page, index = 0): FrameLocator {
  return page.frameLocator('iframe.webview.ready').nth(index).frameLocator('#active-frame');
}

/** Notification toasts currently shown. */
export function notifications(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-toast');
}
