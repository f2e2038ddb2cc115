// The editor's incremental lint (findings of unchanged declarations reused through a DeclarationCache)
// gives exactly the findings of a fresh lint, through random edits of every fixture, destructive
// ones included, and edits that move, duplicate or reorder declarations.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { DeclarationCache } from '../../server/src/analysis/declarationCache';
import { lintTree } from '../../server/src/analysis/runRules';
import { createGoParser, type Parser } from '../../server/src/analysis/parser';
import type { Finding, LintOptions } from '../../server/src/analysis/types';
import { applyRandomEdit, randomEdit, seededRandom } from '../lsp/randomEdits';
import { largeSource } from '../lsp/sources';
import { fixtureOptions, FIXTURES, goFiles } from './harness';

let parser: Parser;
before(async () => { parser = await createGoParser(); });

function lintWith(text: string, options: LintOptions, cache?: DeclarationCache): Finding[] {
  const tree = parser.parse(text)!;
  try {
    return lintTree(tree, text, options, cache);
  } finally {
    tree.delete();
  }
}

/** Lints every step both ways; returns how many steps had findings (so the comparison saw some). */
function compareThroughEdits(name: string, texts: Iterable<string>, options: (text: string) => LintOptions): number {
  const cache = new DeclarationCache();
  let withFindings = 0;
  let step = 0;
  for (const text of texts) {
    const fresh = lintWith(text, options(text));
    assert.deepEqual(lintWith(text, options(text), cache), fresh, `${name}, step ${step}`);
    if (fresh.length > 0) withFindings++;
    step++;
  }
  return withFindings;
}

function* randomlyEdited(text: string, seed: number, count: number): Generator<string> {
  const random = seededRandom(seed);
  yield text;
  for (let i = 0; i < count; i++) yield (text = applyRandomEdit(text, randomEdit(text, random)));
}

const fixtures = readdirSync(FIXTURES).flatMap((dir) => goFiles(join(FIXTURES, dir)));

test('random edits of every fixture: incremental findings equal a fresh lint at every step', () => {
  let withFindings = 0;
  fixtures.forEach((file, i) => {
    withFindings += compareThroughEdits(file, randomlyEdited(readFileSync(file, 'utf8'), i + 1, 40), (text) => fixtureOptions(text, undefined));
  });
  assert.ok(withFindings > fixtures.length, `only ${withFindings} steps had findings`);
});

test('declarations moved, duplicated and reordered, options changed: still equal to a fresh lint', () => {
  const source = largeSource(300);
  const [header, ...functions] = source.split(/\n(?=func )/);
  const variants = [
    source,
    [header, ...functions.slice().reverse()].join('\n'), // reordered: every declaration on new lines
    [header, functions[0], ...functions].join('\n'), // a declaration twice
    [header, ...functions.slice(1)].join('\n'), // one removed
    source.replace('package main', '// leading comment\npackage main'), // everything one line down
    source.replace('func work1(', 'var _ = 1; func work1('), // a declaration not at the start of its line
    source.replace('"runtime/trace"', 'rt "runtime/trace"'), // the imports changed: nothing is reused
    source,
  ];
  assert.ok(compareThroughEdits('variants', variants, (text) => fixtureOptions(text, undefined)) >= 6);
  // A loop's kind depends on a declaration elsewhere (a channel field): rules that look beyond their
  // declaration are not declaration-local, so the change reaches them.
  const consumer = (itemsType: string) => `package main

import (
	"context"
	"runtime/trace"
)

type queue struct {
	items ${itemsType}
}

func (q *queue) drain(ctx context.Context) {
	for item := range q.items {
		trace.Log(ctx, "item", item)
	}
}
`;
  const loops = [consumer('[]string'), consumer('chan string'), consumer('[]string')];
  assert.deepEqual(loops.map((text) => lintWith(text, fixtureOptions(text, undefined)).length), [1, 0, 1]);
  compareThroughEdits('channel field', loops, (text) => fixtureOptions(text, undefined));

  // The same text with other options (a rule's severity): nothing is reused from before.
  const cache = new DeclarationCache();
  const options = fixtureOptions(source, undefined);
  const errors = { ...options, rules: { ...options.rules, 'region-result-discarded': { enabled: true, severity: 'error' as const } } };
  lintWith(source, options, cache);
  const fresh = lintWith(source, errors);
  assert.ok(fresh.some((f) => f.ruleId === 'region-result-discarded' && f.severity === 'error'));
  assert.deepEqual(lintWith(source, errors, cache), fresh);
});
