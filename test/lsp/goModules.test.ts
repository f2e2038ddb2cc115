// The Go version in the enclosing go.mod chooses the flight-recorder fix; the server notices changes
// through watched-file events and when a document is opened.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType, type CodeAction } from 'vscode-languageserver-protocol';
import { LspSession } from './session';
import { SERVER } from './sources';

let session: LspSession;
const module = mkdtempSync(join(tmpdir(), 'gtl-gomod-'));
const goMod = join(module, 'go.mod');
const uri = pathToFileURL(join(module, 'cmd', 'srv', 'main.go')).href;
before(async () => {
  mkdirSync(join(module, 'cmd', 'srv'), { recursive: true });
  session = await LspSession.start();
});
after(async () => {
  await session.stop();
  rmSync(module, { recursive: true, force: true });
});

async function flightRecorderFixTitles(version: number): Promise<string[]> {
  const diagnostics = await session.diagnosticsFor(uri, version);
  const continuous = diagnostics.filter((d) => d.code === 'continuous-tracing');
  assert.equal(continuous.length, 1);
  const actions = (await session.codeActions(uri, continuous[0].range, continuous)) as CodeAction[];
  return actions.filter((a) => a.title.includes('flight recorder')).map((a) => a.title);
}

test('go.mod changes reach open documents through didChangeWatchedFiles and on open', async () => {
  writeFileSync(goMod, 'module example.com/srv\n\ngo 1.23\n');
  await session.open(uri, SERVER);
  assert.deepEqual(await flightRecorderFixTitles(1), ['Replace continuous tracing with a flight recorder (golang.org/x/exp/trace): the trace file is no longer written']);

  writeFileSync(goMod, 'module example.com/srv\n\ngo 1.25.0\n');
  await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(goMod).href, type: FileChangeType.Changed }] });
  assert.deepEqual(await flightRecorderFixTitles(1), ['Replace continuous tracing with a flight recorder (runtime/trace, Go 1.25+): the trace file is no longer written']);

  // No event this time: reopening the document reads go.mod again.
  await session.close(uri);
  writeFileSync(goMod, 'module example.com/srv\n\ngo 1.22\n');
  await session.open(uri, SERVER);
  assert.deepEqual(await flightRecorderFixTitles(1), []);
});
