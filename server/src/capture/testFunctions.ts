// The functions `go test` runs in a _test.go file: TestX(t *testing.T), BenchmarkX(b *testing.B),
// FuzzX(f *testing.F), found in the syntax tree (methods and other signatures are not tests).
import type { Node, Tree } from 'web-tree-sitter';
import { namedChildren } from '../analysis/syntax';
import { testKindOf } from './goTest';
import type { TestKind } from '../../../common/captureProtocol';

export interface TestFunction {
  name: string;
  kind: TestKind;
  /** The declaration's lines, zero-based, so a cursor anywhere inside finds it. */
  startLine: number;
  endLine: number;
  startColumn: number;
}

const PARAMETER_TYPE: Record<TestKind, string> = { test: 'T', benchmark: 'B', fuzz: 'F' };

export function isTestFile(path: string): boolean {
  return path.endsWith('_test.go');
}

/** `testing` as the file imports it (its alias when renamed), or undefined when not imported. */
function testingName(root: Node): string | undefined {
  for (const spec of root.descendantsOfType('import_spec')) {
    if (!spec || spec.childForFieldName('path')?.text.slice(1, -1) !== 'testing') continue;
    const alias = spec.childForFieldName('name')?.text;
    return alias ?? 'testing';
  }
  return undefined;
}

export function testFunctions(tree: Tree): TestFunction[] {
  const root = tree.rootNode;
  const testing = testingName(root);
  if (testing === undefined) return [];
  const found: TestFunction[] = [];
  for (const declaration of namedChildren(root)) {
    if (declaration.type !== 'function_declaration' || declaration.childForFieldName('type_parameters')) continue;
    const name = declaration.childForFieldName('name')?.text ?? '';
    const kind = testKindOf(name);
    if (!kind || declaration.childForFieldName('result')) continue;
    const parameterList = declaration.childForFieldName('parameters');
    if (!parameterList) continue;
    const parameters = namedChildren(parameterList).filter((p) => p.type === 'parameter_declaration');
    const type = parameters.length === 1 ? parameters[0].childForFieldName('type')?.text.replace(/\s+/g, '') : undefined;
    if (type !== `*${testing}.${PARAMETER_TYPE[kind]}`) continue;
    found.push({ name, kind, startLine: declaration.startPosition.row, endLine: declaration.endPosition.row, startColumn: declaration.startPosition.column });
  }
  return found;
}
