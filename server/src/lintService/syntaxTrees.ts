// One syntax tree per open document, brought up to date incrementally: the change since the last
// parse is applied with tree.edit() and the parser reuses the old tree. Trees live on the wasm heap,
// so every tree that is replaced or closed is deleted explicitly.
import type { Parser, Tree } from 'web-tree-sitter';
import { textChange } from './textChange';

interface ParsedDocument {
  text: string;
  tree: Tree;
}

export class SyntaxTrees {
  private readonly parsed = new Map<string, ParsedDocument>();

  constructor(private readonly parser: Parser) {}

  /** The tree for `text`, reusing the previous tree of `uri`. Throws if the parser gives up. */
  update(uri: string, text: string): Tree {
    const previous = this.parsed.get(uri);
    if (previous?.text === text) return previous.tree;
    const edit = previous && textChange(previous.text, text);
    if (edit) previous.tree.edit(edit);
    let tree: Tree | null;
    try {
      tree = this.parser.parse(text, previous?.tree);
    } finally {
      // The edited old tree no longer matches any text we keep; it is either replaced or dropped.
      previous?.tree.delete();
      this.parsed.delete(uri);
    }
    if (!tree) throw new Error(`tree-sitter could not parse ${uri}`);
    this.parsed.set(uri, { text, tree });
    return tree;
  }

  close(uri: string): void {
    this.parsed.get(uri)?.tree.delete();
    this.parsed.delete(uri);
  }

  closeAll(): void {
    for (const uri of [...this.parsed.keys()]) this.close(uri);
  }

  get size(): number {
    return this.parsed.size;
  }
}
