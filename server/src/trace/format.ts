// Event text exactly as Go's (internal/trace.Event).String() writes it, which
// is what `go tool trace -d=parsed` prints, one event per Println.
import { NO_STACK, type ResourceID, type Stack, type TraceEvent, type Value } from './event';
import { goQuote } from './gofmt';
import { uint64Text } from './exact';

/** Formatted frames of each stack, shared by the many events that carry the same stack. */
const stackText = new WeakMap<Stack, string>();

function formatStack(stack: Stack): string {
  let text = stackText.get(stack);
  if (text === undefined) {
    text = '';
    for (const f of stack) text += `\t${f.func} @ 0x${f.pc.toString(16)}\n\t\t${f.file}:${f.exactLine ?? f.line}\n`;
    stackText.set(stack, text);
  }
  return text;
}

function formatValue(v: Value): string {
  return v.kind === 'Uint64' ? `Value{Uint64(${v.value})}` : v.value;
}

function formatResource(r: ResourceID): string {
  return r.kind === 'None' ? 'None' : `${r.kind}(${r.exactId ?? r.id})`;
}

/** Go's %d of a TaskID (uint64): NO_TASK (-1) is 18446744073709551615. */
function taskText(x: number, exact: bigint | undefined): string {
  return uint64Text(exact ?? x);
}

/** Go's %d of an int64: the exact value when the number is rounded. */
function intText(x: number, exact: bigint | undefined): string {
  return exact === undefined ? '' + x : exact.toString();
}

function timeText(t: number, exact: bigint | undefined, timeBase: bigint): string {
  return timeBase === 0n ? intText(t, exact) : ((exact ?? BigInt(t)) + timeBase).toString();
}

/** Go's Event.String(); timeBase is the trace's OpenedTrace.timeBase. */
export function formatEvent(e: TraceEvent, timeBase = 0n): string {
  const x = e.exact;
  let s = x === undefined
    ? `M=${e.thread} P=${e.proc} G=${e.goroutine} ${e.kind} Time=${timeText(e.time, undefined, timeBase)}`
    : `M=${intText(e.thread, x.thread)} P=${intText(e.proc, x.proc)} G=${intText(e.goroutine, x.goroutine)} ${e.kind} Time=${timeText(e.time, x.time, timeBase)}`;
  switch (e.kind) {
    case 'Metric':
      s += ` Name=${goQuote(e.name)} Value=${formatValue(e.value)}`;
      break;
    case 'Label':
      s += ` Label=${goQuote(e.label)} Resource=${formatResource(e.resource)}`;
      break;
    case 'RangeBegin': case 'RangeActive': case 'RangeEnd':
      s += ` Name=${goQuote(e.name)} Scope=${formatResource(e.scope)}`;
      if (e.kind === 'RangeEnd') {
        s += ' Attributes=[' + e.attributes.map((a) => `${goQuote(a.name)}=${formatValue(a.value)}`).join(' ') + ']';
      }
      break;
    case 'TaskBegin': case 'TaskEnd':
      s += ` ID=${taskText(e.id, x?.id)} Parent=${taskText(e.parent, x?.parent)} Type=${goQuote(e.type)}`;
      break;
    case 'RegionBegin': case 'RegionEnd':
      s += ` Task=${taskText(e.task, x?.task)} Type=${goQuote(e.type)}`;
      break;
    case 'Log':
      s += ` Task=${taskText(e.task, x?.task)} Category=${goQuote(e.category)} Message=${goQuote(e.message)}`;
      break;
    case 'StateTransition':
      s += e.resource.kind === 'Goroutine' ? ` GoID=${e.resource.exactId ?? e.resource.id} ` : ` ProcID=${e.resource.exactId ?? e.resource.id} `;
      s += `${e.from}->${e.to}`;
      s += ` Reason=${goQuote(e.reason)}`;
      if (e.transitionStack !== NO_STACK) s += '\nTransitionStack=\n' + formatStack(e.transitionStack);
      break;
    case 'Experimental':
      s += ` Name=${e.name} Args=[` + e.argNames.map((name, i) => `${name}=${formatValue(e.args[i])}`).join(', ') + ']';
      break;
    case 'Sync':
      s += ` N=${e.n}`;
      if (e.clockSnapshot !== undefined) {
        s += ` Trace=${timeText(e.clockSnapshot.trace, e.clockSnapshot.exactTrace, timeBase)} Mono=${e.clockSnapshot.mono} Wall=${e.clockSnapshot.wall}`;
      }
      break;
  }
  if (e.stack !== NO_STACK) s += '\nStack=\n' + formatStack(e.stack);
  return s;
}
