// Events handed from the load's reading thread to its analysing thread (traceReaderWorker.ts to
// traceWorker.ts) as batches of typed-array columns, transferred rather than cloned. The kinds that
// make up nearly every event (state transitions, tasks, regions, logs, stack samples) travel as
// numbers: strings and stacks as ids into tables that each batch extends with what it brings first,
// so the receiver shares one object per stack and frame, as the reader does (consumers key caches
// on their identity). Rare kinds, and events whose numbers need their exact 64-bit values, travel
// as cloned objects with their stacks as ids.
import {
  NO_STACK, type EventKind, type GoState, type LogEvent, type ProcState, type RegionEvent, type ResourceKind, type Stack, type StackFrame,
  type MetricEvent, type RangeEvent, type StackSampleEvent, type StateTransitionEvent, type TaskEvent, type TraceEvent, type Value,
} from '../trace/event';

/** Kinds that travel as columns; any other (and any event with exact fields) is cloned. */
const enum Code { StateTransition, TaskBegin, TaskEnd, RegionBegin, RegionEnd, Log, StackSample, Metric, RangeBegin, RangeActive, RangeEnd }
const CLONED = 255;
const KIND_CODE = new Map<EventKind, Code>([
  ['StateTransition', Code.StateTransition], ['TaskBegin', Code.TaskBegin], ['TaskEnd', Code.TaskEnd], ['RegionBegin', Code.RegionBegin],
  ['RegionEnd', Code.RegionEnd], ['Log', Code.Log], ['StackSample', Code.StackSample], ['Metric', Code.Metric],
  ['RangeBegin', Code.RangeBegin], ['RangeActive', Code.RangeActive], ['RangeEnd', Code.RangeEnd],
]);
const RANGE_KINDS = ['RangeBegin', 'RangeActive', 'RangeEnd'] as const;
const NO_ATTRIBUTES: RangeEvent['attributes'] = Object.freeze([]);

/** Whether an event travels as columns: a common kind whose numbers are all exact (a metric's too, and no range attributes). */
function inColumns(ev: TraceEvent): boolean {
  if (ev.exact !== undefined) return false;
  switch (ev.kind) {
    case 'StateTransition': return ev.resource.exactId === undefined;
    case 'Metric': return ev.value.kind === 'Uint64' && ev.value.value <= MAX_EXACT;
    case 'RangeBegin': case 'RangeActive': case 'RangeEnd':
      return ev.scope.exactId === undefined && ev.attributes.every((a) => a.value.kind === 'Uint64' && a.value.value <= MAX_EXACT);
    default: return true;
  }
}
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const STATES: readonly (GoState | ProcState)[] = ['Undetermined', 'NotExist', 'Runnable', 'Running', 'Waiting', 'Syscall', 'Idle'];
const STATE_CODE = new Map(STATES.map((s, i) => [s, i]));
const RESOURCES: readonly ResourceKind[] = ['None', 'Goroutine', 'Proc', 'Thread'];
const RESOURCE_CODE = new Map(RESOURCES.map((r, i) => [r, i]));

/** One batch of events in the order read, with the table entries first used in it. */
export interface EventBatch {
  count: number;
  /** The shared columns this batch is in (announced by the batch that first uses them). */
  slot: number;
  newSlot?: BatchColumns;
  /** Log messages in order (unique enough not to intern). */
  messages: string[];
  /** Range attributes in order, each as its name's string id and its value (an event's count is in its ids). */
  attributes: number[];
  /** Cloned events (index in the batch, the event with stack ids for its stacks). */
  cloned: { at: number; event: Record<string, unknown> }[];
  newStrings: string[];
  /** New frames, and new stacks as frame ids. */
  newFrames: StackFrame[];
  newStacks: number[][];
}

/**
 * A batch's columns, in memory both threads share (transferring buffers instead made every batch
 * new external memory for the analysing thread's heap, and it ran full collections for it).
 */
export interface BatchColumns {
  kind: Uint8Array;
  /** time, thread, proc, goroutine, a, b per event (a: resource id, task id or a region's/log's task; b: a task's parent). */
  numbers: Float64Array;
  /** stack, string (reason, type or category), transition stack, state codes per event. */
  ids: Int32Array;
}

function sharedColumns(capacity: number): BatchColumns {
  return {
    kind: new Uint8Array(new SharedArrayBuffer(capacity)),
    numbers: new Float64Array(new SharedArrayBuffer(capacity * NUMBERS * 8)),
    ids: new Int32Array(new SharedArrayBuffer(capacity * IDS * 4)),
  };
}

const NUMBERS = 6;
const IDS = 4;

/** The reading side: collects events into a batch, interning strings, frames and stacks. */
export class BatchWriter {
  private readonly strings = new Map<string, number>();
  private readonly frames = new Map<StackFrame, number>();
  private readonly stacks = new Map<Stack, number>([[NO_STACK, 0]]);
  private readonly slots: BatchColumns[] = [];
  /** Slots the analysing side is done with. */
  private readonly free: number[] = [];
  private slot = 0;
  private announced = false;
  private kind: Uint8Array;
  private numbers: Float64Array;
  private ids: Int32Array;
  private count = 0;
  private messages: string[] = [];
  private attributes: number[] = [];
  private cloned: EventBatch['cloned'] = [];
  private newStrings: string[] = [];
  private newFrames: StackFrame[] = [];
  private newStacks: number[][] = [];

  constructor(private readonly capacity: number) {
    this.slots.push(sharedColumns(capacity));
    ({ kind: this.kind, numbers: this.numbers, ids: this.ids } = this.slots[0]);
  }

  get size(): number { return this.count; }
  get full(): boolean { return this.count === this.capacity; }

  add(ev: TraceEvent): void {
    const i = this.count++;
    const code = inColumns(ev) ? KIND_CODE.get(ev.kind) : undefined;
    if (code === undefined) {
      this.kind[i] = CLONED;
      this.cloned.push({ at: i, event: this.clonable(ev) });
      return;
    }
    this.kind[i] = code;
    const n = i * NUMBERS;
    const numbers = this.numbers;
    numbers[n] = ev.time;
    numbers[n + 1] = ev.thread;
    numbers[n + 2] = ev.proc;
    numbers[n + 3] = ev.goroutine;
    const d = i * IDS;
    const ids = this.ids;
    ids[d] = this.stackId(ev.stack);
    switch (ev.kind) {
      case 'StateTransition':
        numbers[n + 4] = ev.resource.id;
        ids[d + 1] = this.stringId(ev.reason);
        ids[d + 2] = this.stackId(ev.transitionStack);
        ids[d + 3] = RESOURCE_CODE.get(ev.resource.kind)! | STATE_CODE.get(ev.from)! << 2 | STATE_CODE.get(ev.to)! << 5;
        break;
      case 'TaskBegin': case 'TaskEnd':
        numbers[n + 4] = ev.id;
        numbers[n + 5] = ev.parent;
        ids[d + 1] = this.stringId(ev.type);
        break;
      case 'RegionBegin': case 'RegionEnd':
        numbers[n + 4] = ev.task;
        ids[d + 1] = this.stringId(ev.type);
        break;
      case 'Log':
        numbers[n + 4] = ev.task;
        ids[d + 1] = this.stringId(ev.category);
        this.messages.push(ev.message);
        break;
      case 'Metric':
        numbers[n + 4] = Number(ev.value.value);
        ids[d + 1] = this.stringId(ev.name);
        break;
      case 'RangeBegin': case 'RangeActive': case 'RangeEnd':
        numbers[n + 4] = ev.scope.id;
        ids[d + 1] = this.stringId(ev.name);
        ids[d + 2] = ev.attributes.length;
        ids[d + 3] = RESOURCE_CODE.get(ev.scope.kind)!;
        for (const a of ev.attributes) this.attributes.push(this.stringId(a.name), Number(a.value.value));
        break;
    }
  }

  /** The batch so far; the writer goes on in a free slot (a new one when the analysing side holds them all). */
  take(): EventBatch {
    const batch: EventBatch = {
      slot: this.slot, newSlot: this.announced ? undefined : this.slots[this.slot], count: this.count,
      messages: this.messages, attributes: this.attributes, cloned: this.cloned,
      newStrings: this.newStrings, newFrames: this.newFrames, newStacks: this.newStacks,
    };
    const next = this.free.pop();
    this.announced = next !== undefined;
    this.slot = next ?? this.slots.push(sharedColumns(this.capacity)) - 1;
    ({ kind: this.kind, numbers: this.numbers, ids: this.ids } = this.slots[this.slot]);
    this.count = 0;
    this.messages = [];
    this.attributes = [];
    this.cloned = [];
    this.newStrings = [];
    this.newFrames = [];
    this.newStacks = [];
    return batch;
  }

  /** A slot the analysing side is done with, to fill again. */
  giveBack(slot: number): void {
    this.free.push(slot);
  }

  private stringId(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      this.strings.set(s, (id = this.strings.size));
      this.newStrings.push(s);
    }
    return id;
  }

  private stackId(stack: Stack): number {
    let id = this.stacks.get(stack);
    if (id === undefined) {
      this.stacks.set(stack, (id = this.stacks.size));
      this.newStacks.push(stack.map((f) => this.frameId(f)));
    }
    return id;
  }

  private frameId(frame: StackFrame): number {
    let id = this.frames.get(frame);
    if (id === undefined) {
      this.frames.set(frame, (id = this.frames.size));
      this.newFrames.push(frame);
    }
    return id;
  }

  /** A rare event as a plain object whose stacks are ids (every other field clones as it is). */
  private clonable(ev: TraceEvent): Record<string, unknown> {
    const copy: Record<string, unknown> = { ...ev, stack: this.stackId(ev.stack) };
    if (ev.kind === 'StateTransition') copy.transitionStack = this.stackId(ev.transitionStack);
    return copy;
  }
}

/**
 * The analysing side: makes the events of each batch again, with one object per string, frame and
 * stack. An event object lives only for its onEvent call (the load's consumers keep values from it,
 * never the event): one object per kind is filled again for each, so the analysing thread allocates
 * nothing per event.
 */
export class BatchReader {
  private readonly strings: string[] = [];
  private readonly frames: StackFrame[] = [];
  private readonly stacks: Stack[] = [NO_STACK];
  private readonly slots: BatchColumns[] = [];
  private readonly transition: StateTransitionEvent = {
    kind: 'StateTransition', time: 0, thread: 0, proc: 0, goroutine: 0, stack: NO_STACK,
    resource: { kind: 'None', id: 0 }, from: 'Undetermined', to: 'Undetermined', reason: '', transitionStack: NO_STACK,
  };
  private readonly task: TaskEvent = { kind: 'TaskBegin', time: 0, thread: 0, proc: 0, goroutine: 0, stack: NO_STACK, id: 0, parent: 0, type: '' };
  private readonly region: RegionEvent = { kind: 'RegionBegin', time: 0, thread: 0, proc: 0, goroutine: 0, stack: NO_STACK, task: 0, type: '' };
  private readonly log: LogEvent = { kind: 'Log', time: 0, thread: 0, proc: 0, goroutine: 0, stack: NO_STACK, task: 0, category: '', message: '' };
  private readonly sample: StackSampleEvent = { kind: 'StackSample', time: 0, thread: 0, proc: 0, goroutine: 0, stack: NO_STACK };
  private readonly metric: MetricEvent = { kind: 'Metric', time: 0, thread: 0, proc: 0, goroutine: 0, stack: NO_STACK, name: '', value: { kind: 'Uint64', value: 0n } };
  private readonly range: RangeEvent = {
    kind: 'RangeBegin', time: 0, thread: 0, proc: 0, goroutine: 0, stack: NO_STACK, name: '', scope: { kind: 'None', id: 0 }, attributes: NO_ATTRIBUTES,
  };

  /** Calls onEvent with each event of the batch, in order. */
  read(batch: EventBatch, onEvent: (ev: TraceEvent) => void): void {
    for (const s of batch.newStrings) this.strings.push(s);
    for (const f of batch.newFrames) this.frames.push(f);
    for (const ids of batch.newStacks) this.stacks.push(ids.map((id) => this.frames[id]));
    if (batch.newSlot) this.slots[batch.slot] = batch.newSlot;
    const { kind, numbers, ids } = this.slots[batch.slot];
    const { messages, attributes, cloned, count } = batch;
    let nextAttribute = 0;
    const strings = this.strings;
    const stacks = this.stacks;
    let nextMessage = 0;
    let nextCloned = 0;
    for (let i = 0; i < count; i++) {
      const code = kind[i];
      if (code === CLONED) {
        onEvent(this.restored(cloned[nextCloned++].event));
        continue;
      }
      const n = i * NUMBERS;
      const d = i * IDS;
      let ev: TraceEvent;
      switch (code) {
        case Code.StateTransition: {
          const t = this.transition;
          const codes = ids[d + 3];
          t.resource.kind = RESOURCES[codes & 3];
          t.resource.id = numbers[n + 4];
          t.from = STATES[codes >> 2 & 7];
          t.to = STATES[codes >> 5 & 7];
          t.reason = strings[ids[d + 1]];
          t.transitionStack = stacks[ids[d + 2]];
          // Each kind's object written in its own case: one shape per store, not seven.
          t.time = numbers[n];
          t.thread = numbers[n + 1];
          t.proc = numbers[n + 2];
          t.goroutine = numbers[n + 3];
          t.stack = stacks[ids[d]];
          ev = t;
          break;
        }
        case Code.TaskBegin: case Code.TaskEnd: {
          const t = this.task;
          t.kind = code === Code.TaskBegin ? 'TaskBegin' : 'TaskEnd';
          t.id = numbers[n + 4];
          t.parent = numbers[n + 5];
          t.type = strings[ids[d + 1]];
          t.time = numbers[n];
          t.thread = numbers[n + 1];
          t.proc = numbers[n + 2];
          t.goroutine = numbers[n + 3];
          t.stack = stacks[ids[d]];
          ev = t;
          break;
        }
        case Code.RegionBegin: case Code.RegionEnd: {
          const r = this.region;
          r.kind = code === Code.RegionBegin ? 'RegionBegin' : 'RegionEnd';
          r.task = numbers[n + 4];
          r.type = strings[ids[d + 1]];
          r.time = numbers[n];
          r.thread = numbers[n + 1];
          r.proc = numbers[n + 2];
          r.goroutine = numbers[n + 3];
          r.stack = stacks[ids[d]];
          ev = r;
          break;
        }
        case Code.Log: {
          const l = this.log;
          l.task = numbers[n + 4];
          l.category = strings[ids[d + 1]];
          l.message = messages[nextMessage++];
          l.time = numbers[n];
          l.thread = numbers[n + 1];
          l.proc = numbers[n + 2];
          l.goroutine = numbers[n + 3];
          l.stack = stacks[ids[d]];
          ev = l;
          break;
        }
        case Code.Metric: {
          const m = this.metric;
          m.name = strings[ids[d + 1]];
          m.value = { kind: 'Uint64', value: BigInt(numbers[n + 4]) };
          m.time = numbers[n];
          m.thread = numbers[n + 1];
          m.proc = numbers[n + 2];
          m.goroutine = numbers[n + 3];
          m.stack = stacks[ids[d]];
          ev = m;
          break;
        }
        case Code.RangeBegin: case Code.RangeActive: case Code.RangeEnd: {
          const r = this.range;
          r.kind = RANGE_KINDS[code - Code.RangeBegin];
          r.name = strings[ids[d + 1]];
          r.scope.kind = RESOURCES[ids[d + 3]];
          r.scope.id = numbers[n + 4];
          const attributeCount = ids[d + 2];
          if (attributeCount === 0) r.attributes = NO_ATTRIBUTES;
          else {
            const list: { name: string; value: Value }[] = [];
            for (let a = 0; a < attributeCount; a++, nextAttribute += 2) {
              list.push({ name: strings[attributes[nextAttribute]], value: { kind: 'Uint64', value: BigInt(attributes[nextAttribute + 1]) } });
            }
            r.attributes = list;
          }
          r.time = numbers[n];
          r.thread = numbers[n + 1];
          r.proc = numbers[n + 2];
          r.goroutine = numbers[n + 3];
          r.stack = stacks[ids[d]];
          ev = r;
          break;
        }
        default: {
          const e = this.sample;
          e.time = numbers[n];
          e.thread = numbers[n + 1];
          e.proc = numbers[n + 2];
          e.goroutine = numbers[n + 3];
          e.stack = stacks[ids[d]];
          ev = e;
        }
      }
      onEvent(ev);
    }
  }

  private restored(event: Record<string, unknown>): TraceEvent {
    event.stack = this.stacks[event.stack as number];
    if (event.kind === 'StateTransition') event.transitionStack = this.stacks[event.transitionStack as number];
    return event as unknown as TraceEvent;
  }
}
