// In-process checks of incremental re-parsing: after any sequence of edits, the reused tree must be
// exactly the tree a fresh parse of the same text gives, positions included.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Parser, Tree } from 'web-tree-sitter';
import { createGoParser } from '../../server/src/analysis/parser';
import { SyntaxTrees } from '../../server/src/lintService/syntaxTrees';
import { textChange } from '../../server/src/lintService/textChange';
import { applyRandomEdit, randomEdit, seededRandom } from './randomEdits';
import { largeSource, MISUSE } from './sources';

let parser: Parser;
before(async () => { parser = await createGoParser(); });
after(() => parser.delete());

/** Every node with its type, offsets and points, in document order. */
function describe(tree: Tree): string {
  const out: string[] = [];
  const cursor = tree.walk();
  for (let more = true; more;) {
    const n = cursor.currentNode;
    out.push(`${n.type}@${n.startIndex}-${n.endIndex}:${n.startPosition.row}.${n.startPosition.column}-${n.endPosition.row}.${n.endPosition.column}${n.isMissing ? '!' : ''}`);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        more = false;
        break;
      }
    }
  }
  cursor.delete();
  return out.join('\n');
}

function freshDescription(text: string): string {
  const tree = parser.parse(text)!;
  try {
    return describe(tree);
  } finally {
    tree.delete();
  }
}

test('textChange finds the smallest edit, in UTF-16 units, with rows counted at "\\n"', () => {
  assert.equal(textChange('abc', 'abc'), undefined);
  assert.deepEqual(textChange('a\nbc\nd', 'a\nbXc\nd'), {
    startIndex: 3, oldEndIndex: 3, newEndIndex: 4,
    startPosition: { row: 1, column: 1 }, oldEndPosition: { row: 1, column: 1 }, newEndPosition: { row: 1, column: 2 },
  });
  assert.deepEqual(textChange('x\r\ny', 'x\r\n\r\ny'), {
    startIndex: 3, oldEndIndex: 3, newEndIndex: 5,
    startPosition: { row: 1, column: 0 }, oldEndPosition: { row: 1, column: 0 }, newEndPosition: { row: 2, column: 0 },
  });
  // Replacing one astral character by another never splits the surrogate pair.
  const change = textChange('a😀b', 'a😁b')!;
  assert.deepEqual([change.startIndex, change.oldEndIndex, change.newEndIndex], [1, 3, 3]);
});

test('textChange on large texts (compared in chunks) finds the same edit as a character-wise scan', () => {
  const random = seededRandom(13);
  let text = largeSource(2_000);
  for (let i = 0; i < 200; i++) {
    const edited = applyRandomEdit(text, randomEdit(text, random));
    const change = textChange(text, edited);
    if (!change) continue;
    let prefix = 0;
    while (text[prefix] === edited[prefix] && prefix < Math.min(text.length, edited.length)) prefix++;
    assert.ok(change.startIndex === prefix || change.startIndex === prefix - 1, `edit ${i}: start ${change.startIndex}, first difference at ${prefix}`);
    assert.equal(edited.length - change.newEndIndex, text.length - change.oldEndIndex);
    assert.equal(text.slice(0, change.startIndex) + edited.slice(change.startIndex, change.newEndIndex) + text.slice(change.oldEndIndex), edited);
    const before = text.slice(0, change.startIndex).split('\n');
    assert.deepEqual(change.startPosition, { row: before.length - 1, column: before.at(-1)!.length });
    const inserted = edited.slice(change.startIndex, change.newEndIndex).split('\n');
    assert.deepEqual(change.newEndPosition, inserted.length === 1
      ? { row: before.length - 1, column: before.at(-1)!.length + inserted[0].length }
      : { row: before.length - 2 + inserted.length, column: inserted.at(-1)!.length });
    text = edited;
  }
});

test('after 400 random edits the incrementally updated tree equals a fresh parse at every step', () => {
  const trees = new SyntaxTrees(parser);
  const random = seededRandom(7);
  let text = MISUSE.repeat(3);
  for (let i = 0; i < 400; i++) {
    text = applyRandomEdit(text, randomEdit(text, random));
    assert.equal(describe(trees.update('doc', text)), freshDescription(text), `edit ${i}`);
  }
  trees.closeAll();
});

test('several edits between two parses are folded into one tree edit', () => {
  const trees = new SyntaxTrees(parser);
  const random = seededRandom(11);
  let text = MISUSE;
  trees.update('doc', text);
  for (let i = 0; i < 50; i++) {
    for (let j = 0; j < 5; j++) text = applyRandomEdit(text, randomEdit(text, random));
    assert.equal(describe(trees.update('doc', text)), freshDescription(text));
  }
  assert.equal(trees.size, 1);
  trees.close('doc');
  assert.equal(trees.size, 0);
});
