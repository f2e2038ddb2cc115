// Functions that start or end tasks and regions on their caller's behalf: the user's wrappers (setting
// goTraceLens.lint.wrappers) and the OpenTelemetry Go SDK, which creates a runtime/trace task for each
// sampled span while the execution tracer runs and ends it with the span. Their call sites are
// checked as the runtime/trace calls they stand for.
import type { Node } from 'web-tree-sitter';
import { callArguments, calleeParts } from './syntax';
import { RUNTIME_TRACE, trailingName, type GoFile, type TraceCall } from './goFile';
import type { Wrapper } from './types';

const OTEL_IMPORTS = ['go.opentelemetry.io/otel', 'go.opentelemetry.io/otel/trace'];
/** How findings name a span's task. */
export const OTEL_SPAN = 'OpenTelemetry tracer.Start';

type Kind = Wrapper['kind'];

interface Signature { path: string | undefined; method: boolean; name: string; kind: Kind; label: string }

const METHOD = /^\(\*?([^()\s]+)\.(\w+)\)\.(\w+)$/;
const PACKAGE_FUNCTION = /^([^()\s]+)\.(\w+)$/;
const LOCAL_FUNCTION = /^(\w+)$/;

const WRAPPER_KINDS: readonly string[] = ['task', 'region', 'end'] satisfies Wrapper['kind'][];

/** `[{ "function": "…", "kind": "task" | "region" | "end" }]`, dropping malformed entries. */
export function parseWrappers(raw: unknown): Wrapper[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((w): w is Wrapper => typeof w === 'object' && w !== null && !Array.isArray(w) && typeof (w as Wrapper).function === 'string' && w.function.trim() !== '' && typeof w.kind === 'string' && WRAPPER_KINDS.includes(w.kind))
    .map((w) => ({ function: w.function.trim(), kind: w.kind }));
}

/** A wrapper's function spelled as the setting documents it, or undefined when it is not. */
export function parseSignature(wrapper: Wrapper): Signature | undefined {
  // Options may come from anywhere (a fixture's options line, an API caller): check what the type promises.
  if (typeof wrapper?.function !== 'string' || !WRAPPER_KINDS.includes(wrapper.kind)) return undefined;
  const spec = wrapper.function.trim();
  const label = spec.replace(/^.*\//, '');
  let match = METHOD.exec(spec);
  if (match) return { path: match[1], method: true, name: match[3], kind: wrapper.kind, label };
  match = PACKAGE_FUNCTION.exec(spec);
  if (match) return { path: match[1], method: false, name: match[2], kind: wrapper.kind, label };
  match = LOCAL_FUNCTION.exec(spec);
  return match ? { path: undefined, method: false, name: match[1], kind: wrapper.kind, label } : undefined;
}

class WrapperCall implements TraceCall {
  readonly pkg = RUNTIME_TRACE;
  readonly name: string;
  private argumentNodes: Node[] | undefined;

  constructor(readonly node: Node, kind: Kind, readonly wrapper: string) {
    this.name = kind === 'task' ? 'NewTask' : kind === 'region' ? 'StartRegion' : 'End';
  }

  get args(): Node[] {
    this.argumentNodes ??= callArguments(this.node);
    return this.argumentNodes;
  }
}

/** Whether any wrapper (or the OpenTelemetry SDK) may be called in this file: lint it even without a trace import. */
export function mayCallWrappers(file: GoFile, wrappers: readonly Wrapper[] = []): boolean {
  if (OTEL_IMPORTS.some((path) => file.importsPath(path))) return true;
  return wrappers.map(parseSignature).some((s) => !!s && (s.path === undefined ? file.text.includes(s.name) : file.importsPath(s.path)));
}

/** Calls to wrappers of this kind in the file (the OpenTelemetry SDK's spans count as tasks), in source order. */
export function wrapperCalls(file: GoFile, wrappers: readonly Wrapper[] = [], kind: Kind): TraceCall[] {
  return file.memo(`wrapperCalls.${kind}`, () => {
    const calls: TraceCall[] = [];
    for (const signature of wrappers.map(parseSignature)) {
      if (signature?.kind === kind) calls.push(...callsOf(file, signature));
    }
    if (kind === 'task' && OTEL_IMPORTS.some((path) => file.importsPath(path))) calls.push(...otelSpanStarts(file));
    return calls.sort((a, b) => a.node.startIndex - b.node.startIndex);
  });
}

function callsOf(file: GoFile, signature: Signature): TraceCall[] {
  const local = signature.path === undefined ? undefined : file.localName(signature.path);
  if (signature.path !== undefined && (signature.method ? !file.importsPath(signature.path) : !local)) return [];
  const packageNames = new Set(file.imports.map((i) => i.name ?? i.path.split('/').pop()));
  return file.nodesNamed(signature.name).flatMap((name) => {
    const call = calledAs(name);
    if (!call) return [];
    const operand = call.childForFieldName('function')?.childForFieldName('operand');
    const matches = signature.path === undefined ? name.type === 'identifier'
      : signature.method ? !!operand && !(operand.type === 'identifier' && packageNames.has(operand.text))
        : operand?.type === 'identifier' && operand.text === local;
    return matches ? [new WrapperCall(call, signature.kind, signature.label)] : [];
  });
}

/** `tracer.Start(ctx, "name", …)` and `otel.Tracer("x").Start(ctx, "name")`. */
function otelSpanStarts(file: GoFile): TraceCall[] {
  return file.nodesNamed('Start').flatMap((name) => {
    const call = calledAs(name);
    const operand = call?.childForFieldName('function')?.childForFieldName('operand');
    if (!call || !operand || callArguments(call).length < 2) return [];
    const isTracer = /tracer$/i.test(trailingName(operand) ?? '') || (operand.type === 'call_expression' && calleeParts(operand)?.name === 'Tracer');
    return isTracer ? [new WrapperCall(call, 'task', OTEL_SPAN)] : [];
  });
}

/** The call whose function is this name (`name(…)` or `x.name(…)`). */
function calledAs(name: Node): Node | undefined {
  const fn = name.type === 'field_identifier' ? name.parent : name;
  const call = fn?.parent;
  return fn && call?.type === 'call_expression' && call.childForFieldName('function')?.id === fn.id ? call : undefined;
}
