import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspSession } from './session';
import { MISUSE, uriOf } from './sources';

let session: LspSession;
before(async () => { session = await LspSession.start(); });
after(async () => { await session.stop(); });

const uri = uriOf('settings.go');
const severities = (params: PublishDiagnosticsParams): Record<string, DiagnosticSeverity | undefined> =>
  Object.fromEntries(params.diagnostics.map((d) => [String(d.code), d.severity]));

/** Waits for the diagnostics published after a settings change until `accept` holds for them. */
async function afterSettings(settings: Record<string, unknown>, accept: (params: PublishDiagnosticsParams) => boolean) {
  session.published.delete(uri);
  await session.setLintSettings(settings);
  return session.diagnostics(uri, accept);
}

test('rule severities and "off" from goTraceLens.lint.rules re-publish diagnostics without a restart', async () => {
  await session.open(uri, MISUSE);
  assert.deepEqual(severities({ uri, diagnostics: await session.diagnosticsFor(uri, 1) }),
    { 'start-error-ignored': DiagnosticSeverity.Warning, 'region-result-discarded': DiagnosticSeverity.Error });

  const changed = await afterSettings({ rules: { 'start-error-ignored': 'hint', 'region-result-discarded': 'info' } },
    (p) => severities(p)['start-error-ignored'] === DiagnosticSeverity.Hint);
  assert.deepEqual(severities({ uri, diagnostics: changed }),
    { 'start-error-ignored': DiagnosticSeverity.Hint, 'region-result-discarded': DiagnosticSeverity.Information });

  const off = await afterSettings({ rules: { 'start-error-ignored': 'off' } }, (p) => p.diagnostics.length === 1);
  assert.deepEqual(off.map((d) => [d.code, d.severity]), [['region-result-discarded', DiagnosticSeverity.Error]]);
});

test('goTraceLens.lint.enable false clears every diagnostic, and true brings them back', async () => {
  assert.deepEqual(await afterSettings({ enable: false }, (p) => p.diagnostics.length === 0), []);
  assert.equal((await afterSettings({ enable: true }, (p) => p.diagnostics.length === 2)).length, 2);
});

test('malformed settings fall back to the defaults instead of breaking linting', async () => {
  const diagnostics = await afterSettings({ enable: 'yes', rules: ['nonsense'], captureWindowSeconds: -3, debounceMs: 'soon' },
    (p) => p.diagnostics.length === 2);
  assert.deepEqual(severities({ uri, diagnostics }),
    { 'start-error-ignored': DiagnosticSeverity.Warning, 'region-result-discarded': DiagnosticSeverity.Error });
});

test('a folder of a multi-root workspace may set its own rules: each document is linted with its folder\'s settings', async () => {
  const other = 'file:///workspace/other-folder/settings.go';
  session.folderLintSettings.set('file:///workspace/other-folder/', { rules: { 'start-error-ignored': 'off' } });
  try {
    await session.setLintSettings({});
    await session.open(other, MISUSE);
    const inOther = await session.diagnosticsFor(other, 1);
    assert.deepEqual(inOther.map((d) => d.code), ['region-result-discarded']);
    assert.deepEqual(Object.keys(severities({ uri, diagnostics: await session.diagnostics(uri, (p) => p.diagnostics.length === 2) })).sort(),
      ['region-result-discarded', 'start-error-ignored']);
  } finally {
    session.folderLintSettings.clear();
    await session.close(other);
  }
});

test('goTraceLens.lint.wrappers: a wrapper that starts regions is checked at its call sites; malformed entries are dropped', async () => {
  const wrapped = uriOf('wrapped.go');
  const source = 'package main\n\nimport (\n\t"context"\n\n\t"example.com/app/tracing"\n)\n\nfunc work(ctx context.Context) {\n\ttracing.Region(ctx, "work")\n}\n';
  await session.open(wrapped, source);
  assert.deepEqual(await session.diagnosticsFor(wrapped, 1), []);
  session.published.delete(wrapped);
  await session.setLintSettings({ wrappers: [{ function: 'example.com/app/tracing.Region', kind: 'region' }, { function: 42, kind: 'task' }, 'nonsense'] });
  const diagnostics = await session.diagnostics(wrapped, (p) => p.diagnostics.length > 0);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.message, d.range.start.line]),
    [['region-result-discarded', 'The region returned by tracing.Region is discarded, so it is never ended', 9]]);
  await session.setLintSettings({});
});
