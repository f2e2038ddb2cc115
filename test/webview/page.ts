// Loads dist/webview.js (or another webview bundle) in headless Chromium behind the same HTML and
// Content-Security-Policy the extension serves (client/src/viewer/document.ts),
// with an acquireVsCodeApi stand-in whose host side runs here in Node and
// answers the page's queries with whatever answerer it is given.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { viewerDocument } from '../../client/src/viewer/document';
import type { FromWebview, ToWebview } from '../../client/src/webview/messages';
import type { TraceStatus, ViewerQuery, ViewerQueryResult } from '../../common/traceProtocol';

// From __filename: tsx's ESM loader (used by the benchmark) sets it but not __dirname.
export const ROOT = join(dirname(__filename), '..', '..');
const ORIGIN = 'https://viewer.test';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export type Theme = 'light' | 'dark' | 'high-contrast';

/** A subset of VS Code's theme variables (Default Light+/Dark+/High Contrast), as VS Code sets them on the webview's <html>. */
const THEMES: Record<Theme, Record<string, string>> = {
  light: {
    '--vscode-foreground': '#616161', '--vscode-editor-foreground': '#000000', '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#717171', '--vscode-textLink-foreground': '#006ab1', '--vscode-focusBorder': '#0090f1',
    '--vscode-errorForeground': '#a1260d', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-list-hoverBackground': '#e8e8e8',
    '--vscode-list-inactiveSelectionBackground': '#e4e6f1', '--vscode-editorWidget-border': '#c8c8c8', '--vscode-panel-border': '#80808059',
    '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#5f6a79', '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-charts-green': '#388a34', '--vscode-charts-yellow': '#bf8803', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-red': '#e51400', '--vscode-charts-purple': '#652d90', '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px',
  },
  dark: {
    '--vscode-foreground': '#cccccc', '--vscode-editor-foreground': '#d4d4d4', '--vscode-editor-background': '#1e1e1e',
    '--vscode-descriptionForeground': '#9d9d9d', '--vscode-textLink-foreground': '#3794ff', '--vscode-focusBorder': '#007fd4',
    '--vscode-errorForeground': '#f48771', '--vscode-editorWarning-foreground': '#cca700', '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-list-inactiveSelectionBackground': '#37373d', '--vscode-editorWidget-border': '#454545', '--vscode-panel-border': '#80808059',
    '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#3a3d41', '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#cca700', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-red': '#f14c4c', '--vscode-charts-purple': '#b180d7', '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px',
  },
  'high-contrast': {
    '--vscode-foreground': '#ffffff', '--vscode-editor-foreground': '#ffffff', '--vscode-editor-background': '#000000',
    '--vscode-descriptionForeground': '#ffffff', '--vscode-textLink-foreground': '#21a6ff', '--vscode-focusBorder': '#f38518',
    '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518', '--vscode-errorForeground': '#f48771',
    '--vscode-editorWarning-foreground': '#ffd370', '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#ffd370',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-red': '#f14c4c', '--vscode-charts-purple': '#b180d7',
    '--vscode-button-foreground': '#ffffff', '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px',
  },
};

/** A trace as the viewer's host holds it: the status to show and something that answers queries (in-process or over LSP). */
export interface LoadedTrace { status: TraceStatus; answerer: { answer(query: ViewerQuery): unknown } }

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Webview<From, To> {
  page: Page;
  /** Every message the webview posted, in order. */
  posted: From[];
  /** Content-Security-Policy violations reported by the page. */
  violations: string[];
  /** Sends a message to the webview as the extension would. */
  send(message: To): Promise<void>;
  /** State the webview stored with setState. */
  state(): Promise<unknown>;
}

export type Viewer = Webview<FromWebview, ToWebview>;

/**
 * Opens a webview bundle (dist/<script>) behind the extension's HTML and CSP; `onMessage` plays the
 * extension's side of every message the page posts.
 */
export async function openWebview<From, To>(browser: Browser, script: string, onMessage: (message: From, send: (m: To) => Promise<void>) => Promise<void>,
  theme: Theme = 'light', savedState?: unknown): Promise<Webview<From, To>> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const posted: From[] = [];
  const violations: string[] = [];
  const nonce = 'dGVzdC1ub25jZS0xMjM0NTY=';
  const html = viewerDocument({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/dist/${script}`, styleUri: `${ORIGIN}/media/viewer.css`, nonce });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/' || path === '/index.html') return route.fulfill({ body: html, contentType: 'text/html' });
    if (path === `/dist/${script}` || path === '/media/viewer.css') {
      return route.fulfill({ body: readFileSync(join(ROOT, path)), contentType: path.endsWith('.js') ? 'text/javascript' : 'text/css' });
    }
    return route.fulfill({ status: 404, body: '' });
  });
  const send = async (message: To): Promise<void> => {
    // A function, not a string: string evaluation is eval, which the strict CSP forbids. The message goes as
    // JSON text, as VS Code sends it: Playwright's own argument encoding is far slower for big slices.
    await page.evaluate((json) => (globalThis as unknown as PageGlobals).postMessage(JSON.parse(json), '*'), JSON.stringify(message));
  };
  await page.exposeFunction('__hostReceive', async (message: From) => {
    posted.push(message);
    await onMessage(message, send);
  });
  await page.exposeFunction('__cspViolation', (text: string) => { violations.push(text); });
  // The stand-in is injected by the browser (like VS Code's own preload), not by the page, so the CSP stays strict.
  // Page code is written as a string: it runs in the browser, with the DOM this Node program's types lack.
  await page.addInitScript(`(() => {
    let state = ${JSON.stringify(savedState ?? null)};
    let acquired = false;
    const api = {
      postMessage: (m) => window.__hostReceive(m),
      getState: () => state,
      setState: (s) => { state = JSON.parse(JSON.stringify(s)); window.__state = state; },
    };
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return api;
    };
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(e.violatedDirective + ': ' + e.blockedURI));
    document.addEventListener('DOMContentLoaded', () => {
      for (const [name, value] of Object.entries(${JSON.stringify(THEMES[theme])})) document.documentElement.style.setProperty(name, value);
      document.body.classList.add(${JSON.stringify(`vscode-${theme}`)});
    });
  })();`);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForSelector('.trace-name');
  return { page, posted, violations, send, state: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__state) };
}

/** Opens the viewer page on a loaded trace; the host answers queries like the extension + server. */
export function openViewer(browser: Browser, trace: LoadedTrace, theme: Theme = 'light', savedState?: unknown): Promise<Viewer> {
  return openWebview<FromWebview, ToWebview>(browser, 'webview.js', async (message, send) => {
    if (message.type === 'ready') {
      await send({ type: 'init', traceName: trace.status.uri.split('/').pop() ?? '', captureWindowSeconds: 5, status: trace.status });
    } else if (message.type === 'query') {
      try {
        const result = await trace.answerer.answer(message.query) as ViewerQueryResult[ViewerQuery['kind']];
        await send({ type: 'queryResult', requestId: message.requestId, result });
      } catch (error) {
        await send({ type: 'queryResult', requestId: message.requestId, error: String(error) });
      }
    }
  }, theme, savedState);
}

/** The few browser globals the tests touch (this Node program is compiled without the DOM library). */
export interface PageGlobals {
  __state?: unknown;
  __xss?: unknown;
  postMessage(message: unknown, target: string): void;
  document: {
    activeElement: { textContent: string | null; getAttribute(name: string): string | null } | null;
    querySelector(selector: string): { textContent: string | null } | null;
  };
}

/** True once the timeline has drawn a slice with spans (run in the page). */
export const timelineDrawn = (): boolean =>
  /[1-9][0-9,]* spans/.test((globalThis as unknown as PageGlobals).document.querySelector('.timeline-status')?.textContent ?? '');

export const fixture = (...parts: string[]): string => join(ROOT, 'test', 'fixtures', ...parts);
export const resultsDir = join(ROOT, 'test-results');
