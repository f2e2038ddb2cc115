// The language server's "trace" CodeLens above tests, benchmarks and fuzz targets of _test.go files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import { TRACE_TEST_COMMAND, type TraceTestTarget } from '../../common/captureProtocol';
import { TraceSession } from '../trace-lsp/session';
import { fixtureModule } from './fixtureServer';

describe('trace CodeLens on tests', () => {
  let session: TraceSession;
  const workspace = mkdtempSync(join(tmpdir(), 'capture-lens-'));
  before(async () => { session = await TraceSession.start(workspace); });
  after(async () => { await session?.stop(); });

  async function lenses(name: string, text: string): Promise<CodeLens[]> {
    const uri = pathToFileURL(join(workspace, name)).toString();
    await session.open(uri, text);
    return await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as CodeLens[];
  }

  it('puts one lens on each test, benchmark and fuzz target, spanning the function', async () => {
    const text = readFileSync(join(fixtureModule, 'checkout_test.go'), 'utf8');
    const found = await lenses('checkout_test.go', text);
    const targets = found.map((l) => l.command?.arguments?.[0] as TraceTestTarget);
    assert.deepEqual(targets.map((t) => [t.name, t.kind]),
      [['TestCheckout', 'test'], ['TestFailsOnRequest', 'test'], ['BenchmarkEncode', 'benchmark'], ['FuzzCheckout', 'fuzz']]);
    assert.ok(found.every((l) => l.command?.title === 'trace' && l.command.command === TRACE_TEST_COMMAND));
    const lines = text.split('\n');
    const first = found[0].range;
    assert.match(lines[first.start.line], /^func TestCheckout\(/);
    assert.equal(lines[first.end.line], '}');
  });

  it('skips what go test would not run, and follows an aliased testing import', async () => {
    const text = ['package p', '', 'import tt "testing"', '',
      'func TestA(t *tt.T) {}', 'func Testing(t *tt.T) {}', 'func TestB(b *tt.B) {}', 'func TestC() {}',
      'type S struct{}', 'func (S) TestD(t *tt.T) {}', 'func BenchmarkE(b *tt.B) {}', ''].join('\n');
    const found = await lenses('alias_test.go', text);
    assert.deepEqual(found.map((l) => (l.command?.arguments?.[0] as TraceTestTarget).name), ['TestA', 'BenchmarkE']);
  });

  it('puts none in files that are not _test.go', async () => {
    assert.deepEqual(await lenses('main.go', 'package p\n\nimport "testing"\n\nfunc TestA(t *testing.T) {}\n'), []);
  });
});
