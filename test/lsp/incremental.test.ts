// A document edited many times through the protocol ends with the diagnostics a fresh open of the
// same text gets, and the server's memory stays flat while it is edited.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspSession } from './session';
import { applyRandomEdit, GENTLE_INSERTIONS, randomEdit, seededRandom } from './randomEdits';
import { largeSource, uriOf } from './sources';

let session: LspSession;
before(async () => { session = await LspSession.start(); });
after(async () => { await session.stop(); });

const comparable = (diagnostics: Diagnostic[]) => diagnostics.map((d) => ({ code: d.code, range: d.range, message: d.message, severity: d.severity }));

/** Sends `edit` as an incremental change (LSP positions of the text before it) and returns the new text. */
async function sendEdit(uri: string, version: number, text: string, edit: { start: number; end: number; text: string }): Promise<string> {
  const before = TextDocument.create(uri, 'go', version - 1, text);
  await session.change(uri, version, [{ range: { start: before.positionAt(edit.start), end: before.positionAt(edit.end) }, text: edit.text }]);
  return applyRandomEdit(text, edit);
}

test('500 incremental edits, sent in bursts, give the diagnostics a fresh open of the same text gets', async () => {
  const uri = uriOf('edited-many-times.go');
  const random = seededRandom(3);
  let text = largeSource(120);
  // Edits stay below the import block and mostly add blanks, comments and identifier characters,
  // so the file keeps misuse to report. (syntaxTrees.test.ts covers destructive edits.)
  const bodies = text.indexOf('\nfunc ');
  await session.open(uri, text);
  let version = 1;
  let nonEmptyComparisons = 0;
  for (let i = 1; i <= 500; i++) {
    text = await sendEdit(uri, ++version, text, randomEdit(text, random, { from: bodies, insertions: GENTLE_INSERTIONS, maxDelete: 0 }));
    // Mostly bursts that the debounce folds together; every 50 edits, compare with a fresh document.
    if (i % 50 !== 0) continue;
    const edited = await session.diagnosticsFor(uri, version);
    const fresh = uriOf(`fresh-copy-${i}.go`);
    await session.open(fresh, text);
    assert.deepEqual(comparable(edited), comparable(await session.diagnosticsFor(fresh, 1)), `after ${i} edits`);
    await session.close(fresh);
    if (edited.length > 0) nonEmptyComparisons++;
  }
  assert.ok(nonEmptyComparisons >= 3, 'the comparisons saw misuse to report');
});

test('memory stays flat over 1,000 edits, each linted and published', async () => {
  const uri = uriOf('memory.go');
  let text = largeSource(100);
  await session.open(uri, text);
  await session.diagnosticsFor(uri, 1);
  const random = seededRandom(5);
  // Typing: insert a character, then delete it, so the file neither grows nor degrades.
  const edit = async (version: number) => {
    const at = Math.floor(random() * text.length);
    text = await sendEdit(uri, version, text, version % 2 === 0 ? { start: at, end: at, text: 'x' } : { start: at, end: at + 1, text: '' });
    await session.diagnosticsFor(uri, version);
  };
  let version = 2;
  for (; version <= 101; version++) await edit(version); // warm-up: the wasm heap grows to its working size
  const warm = await session.stats();
  for (; version <= 1001; version++) await edit(version);
  const end = await session.stats();
  const mb = (bytes: number) => bytes / 2 ** 20;
  const growth = { rss: mb(end.rssBytes - warm.rssBytes), external: mb(end.worker.externalBytes - warm.worker.externalBytes) };
  // One leaked tree of this file is ~60 kB, so a leak per edit would add ~50 MB.
  assert.ok(growth.external < 16, `wasm/external memory grew by ${growth.external.toFixed(1)} MB`);
  assert.ok(growth.rss < 64, `RSS grew by ${growth.rss.toFixed(1)} MB`);
  assert.equal(end.worker.openTrees, warm.worker.openTrees);
  console.log(`# memory over 900 edits after warm-up: RSS ${mb(warm.rssBytes).toFixed(1)} → ${mb(end.rssBytes).toFixed(1)} MB, external (wasm) ${mb(warm.worker.externalBytes).toFixed(1)} → ${mb(end.worker.externalBytes).toFixed(1)} MB`);
});
