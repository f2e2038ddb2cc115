// Hostile documents: the server keeps answering, keeps publishing and stays up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CodeActionRequest } from 'vscode-languageserver-protocol';
import { LspSession } from './session';
import { seededRandom } from './randomEdits';
import { largeSource, MISUSE, uriOf } from './sources';

let session: LspSession;
// A short time limit keeps the huge-file case quick; it is what a user would get, sooner.
before(async () => { session = await LspSession.start({ timeLimitMs: 5_000 }); });
after(async () => {
  // Inputs the analysis could not finish in time are left unlinted; say which, so it shows in the log.
  for (const message of session.logs.filter((m) => m.includes('timeLimitMs'))) console.log(`# ${message}`);
  assert.ok(session.alive, `the server exited; stderr: ${session.stderr.join('')}`);
  assert.deepEqual(session.logs.filter((m) => m.includes('could not lint')), [], 'no analysis failed');
  await session.stop();
});

/** A request the main thread answers without the lint worker. */
function ping(): Promise<unknown> {
  return session.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: uriOf('not-open.go') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
}

async function stillLints(name: string): Promise<void> {
  const uri = uriOf(name);
  await session.open(uri, MISUSE);
  assert.equal((await session.diagnosticsFor(uri, 1)).length, 2);
}

test('binary garbage is analysed (no findings) and the server stays up', async () => {
  const random = seededRandom(1);
  const bytes = Buffer.from(Array.from({ length: 256 * 1024 }, () => Math.floor(random() * 256)));
  const uri = uriOf('garbage.go');
  await session.open(uri, bytes.toString('latin1'));
  assert.deepEqual(await session.diagnosticsFor(uri, 1), []);
  await stillLints('after-garbage.go');
});

test('deeply nested code (20,000 levels of blocks, calls and parentheses) is analysed', async () => {
  const depth = 20_000;
  const blocks = `package main\n\nimport "runtime/trace"\n\nfunc f() {\n${'{\n'.repeat(depth)}trace.StartRegion(nil, "x")\n${'}\n'.repeat(depth)}}\n`;
  const calls = `package main\n\nimport "runtime/trace"\n\nvar x = ${'f('.repeat(depth)}trace.IsEnabled()${')'.repeat(depth)}\n`;
  const parens = `package main\n\nimport "runtime/trace"\n\nvar y = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`;
  for (const [name, text] of Object.entries({ blocks, calls, parens })) {
    const uri = uriOf(`deep-${name}.go`);
    await session.open(uri, text);
    await session.diagnosticsFor(uri, 1);
  }
  await stillLints('after-deep.go');
});

test('code mid-edit, typed one character at a time, never breaks analysis and ends like a fresh open', async () => {
  const uri = uriOf('typing.go');
  await session.open(uri, '');
  let line = 0, character = 0;
  for (let i = 0; i < MISUSE.length; i++) {
    const ch = MISUSE[i];
    await session.change(uri, i + 2, [{ range: { start: { line, character }, end: { line, character } }, text: ch }]);
    if (ch === '\n') {
      line++;
      character = 0;
    } else {
      character++;
    }
    if (i % 40 === 0) await session.diagnosticsFor(uri, i + 2); // every state in between is some syntax error
  }
  const typed = await session.diagnosticsFor(uri, MISUSE.length + 1);
  assert.deepEqual(typed.map((d) => d.code).sort(), ['region-result-discarded', 'start-error-ignored']);
});

test('invalid UTF-8 on the wire and lone surrogates in the text are taken as they decode', async () => {
  const uri = uriOf('invalid-utf8.go');
  const params = JSON.stringify({ textDocument: { uri, languageId: 'go', version: 1, text: 'INVALID' } });
  const [head, tail] = params.split('INVALID');
  const misuse = Buffer.from(JSON.stringify(MISUSE).slice(1, -1));
  // Overlong "/", a lone continuation byte, a truncated 3-byte sequence and 0xff, inside a string literal and a comment.
  const body = Buffer.concat([
    Buffer.from(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":${head}`),
    misuse,
    Buffer.from('var s = \\"'), Buffer.from([0xc0, 0xaf, 0x80, 0xe2, 0x82]), Buffer.from('\\"\\n// '), Buffer.from([0xff, 0xfe]), Buffer.from('\\n'),
    Buffer.from(`${tail}}`),
  ]);
  session.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  assert.equal((await session.diagnosticsFor(uri, 1)).length, 2);

  const surrogates = uriOf('lone-surrogates.go');
  await session.open(surrogates, `${MISUSE}var t = "\ud800x\udc00"\n// \udfff\n`);
  assert.equal((await session.diagnosticsFor(surrogates, 1)).length, 2);
});

test('a 20 MB Go file: the server answers meanwhile, other files are linted, nothing crashes', async () => {
  const big = uriOf('huge.go');
  const text = largeSource(1_150_000);
  assert.ok(text.length >= 20 * 2 ** 20, `${text.length} characters`);
  await session.open(big, text);
  let bigPublished = false;
  const bigDiagnostics = session.diagnosticsFor(big, 1).then((d) => { bigPublished = true; return d; });
  await ping();
  assert.equal(bigPublished, false, 'the main thread answered while the huge file was still being analysed');
  await stillLints('beside-huge.go');
  await bigDiagnostics; // its findings, or none if it exceeded the time limit
  await session.close(big);
  await stillLints('after-huge.go');
});
