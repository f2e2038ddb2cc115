// Blocking profiles by stack, computed as `go tool trace -pprof=sync|net|syscall|sched` does
// (makeComputePprofFunc in src/cmd/trace/pprof.go): time from a goroutine entering the state to
// leaving it, charged to the stack of the entering event, and clipped to the goroutine's life as
// go tool trace sees it — from its first run (or the trace start if it never runs) to its end.
// So the wait of a new goroutine for its first run is not in the sched profile.
import type { GoState, Stack, StateTransitionEvent } from '../event';
import type { BlockReason, BlockingProfile, BlockingProfileEntry } from '../../../../common/traceModel';
import { UNSET, classifyWaitReason } from './goroutines';
import { grownTo } from '../heap';
import { locationOf } from './sites';

interface ProfileKind {
  reason: BlockReason;
  state: GoState;
  /** Which wait reasons the kind counts; every reason when absent. */
  tracks?: (waitReason: string) => boolean;
}

const PROFILE_KINDS: readonly ProfileKind[] = [
  { reason: 'sync', state: 'Waiting', tracks: (r) => classifyWaitReason(r) === 'sync' },
  { reason: 'net', state: 'Waiting', tracks: (r) => r === 'network' },
  { reason: 'syscall', state: 'Syscall' },
  { reason: 'sched', state: 'Runnable' },
];
const KINDS = PROFILE_KINDS.length;
/** The bits of the kinds whose state is `state`. */
const kindsIn = (state: GoState) => PROFILE_KINDS.reduce((bits, kind, i) => (kind.state === state ? bits | (1 << i) : bits), 0);
const WAITING_KINDS = kindsIn('Waiting');
const SYSCALL_KINDS = kindsIn('Syscall');
const RUNNABLE_KINDS = kindsIn('Runnable');
/** The kinds that count some wait reasons only: a state without any needs no lookup by reason. */
const BY_REASON_KINDS = PROFILE_KINDS.reduce((bits, kind, i) => (kind.tracks !== undefined ? bits | (1 << i) : bits), 0);

/** Stacks listed per profile, those with the most blocked time (BlockingProfile.stacks counts them all). */
export const MAX_PROFILE_ENTRIES = 200;

/** Go deduplicates stacks by their first 128 PCs. */
const MAX_STACK = 128;

interface Accumulator { stack: Stack; totalNs: number; count: number }

/** When a goroutine first ran (UNSET if it has not run yet). */
export type FirstRunOf = (goroutine: number) => number;


class ProfileBuilder {
  /** Intervals of goroutines that had not run yet: they count only if the goroutine never runs. */
  private readonly beforeFirstRun = new Map<number, { stack: Stack; duration: number }[]>();
  readonly byStack = new Map<string, Accumulator>();
  /** The accumulator of each stack object seen: one lookup per wait instead of the key's and then the key's entry. */
  private readonly ofStack = new WeakMap<Stack, Accumulator>();

  constructor(readonly kind: ProfileKind, private readonly keyOf: (stack: Stack) => string, private readonly firstRunOf: FirstRunOf) {}

  /** Goroutine `id`, in the state since `start` (entered with `stack`), left it at `time`. */
  left(id: number, start: number, stack: Stack, time: number): void {
    const firstRun = this.firstRunOf(id);
    if (firstRun === UNSET) {
      let held = this.beforeFirstRun.get(id);
      if (held === undefined) this.beforeFirstRun.set(id, (held = []));
      held.push({ stack, duration: time - start });
      return;
    }
    this.record(stack, time - Math.max(start, firstRun));
  }

  /** A goroutine's record is released: its held intervals are settled now, as finish would. */
  released(id: number, firstRunNs: number): void {
    if (this.beforeFirstRun.size === 0) return; // the usual case: few goroutines leave a profiled state before they first run
    const held = this.beforeFirstRun.get(id);
    if (held === undefined) return;
    this.beforeFirstRun.delete(id);
    if (firstRunNs === UNSET) for (const h of held) this.record(h.stack, h.duration);
  }

  /** Goroutines that never ran are seen from the trace start: their held intervals count whole. */
  finish(): void {
    for (const [id, held] of this.beforeFirstRun) {
      if (this.firstRunOf(id) === UNSET) for (const h of held) this.record(h.stack, h.duration);
    }
    this.beforeFirstRun.clear();
  }

  private record(stack: Stack, duration: number): void {
    if (duration <= 0) return; // Go records only positive overlaps
    let acc = this.ofStack.get(stack);
    if (acc === undefined) {
      const key = this.keyOf(stack);
      acc = this.byStack.get(key);
      if (acc === undefined) this.byStack.set(key, (acc = { stack, totalNs: 0, count: 0 }));
      this.ofStack.set(stack, acc);
    }
    acc.stack = stack; // Go shows the latest stack with these PCs
    acc.totalNs += duration;
    acc.count++;
  }

  profile(): BlockingProfile {
    let totalNs = 0;
    const all = [...this.byStack.values()];
    for (const acc of all) totalNs += acc.totalNs;
    // Frames are made only for the stacks listed.
    const entries = all.sort((a, b) => b.totalNs - a.totalNs).slice(0, MAX_PROFILE_ENTRIES)
      .map((acc): BlockingProfileEntry => ({ frames: acc.stack.slice(0, MAX_STACK).map(locationOf), totalNs: acc.totalNs, count: acc.count }));
    return { reason: this.kind.reason, totalNs, stacks: all.length, entries };
  }
}

/**
 * Per goroutine (by GoroutineSlots slot) and profile kind, when and with which stack it entered the
 * kind's state: columns, not an object per wait, since a goroutine-per-request trace has millions.
 */
export class BlockingProfiles {
  private readonly keys = new WeakMap<Stack, string>();
  private readonly builders: ProfileBuilder[];
  /** Per slot, a bit per profile kind whose state the goroutine is in. */
  private entered = new Uint8Array(64);
  private enteredAt = new Float64Array(64 * KINDS);
  private readonly enteredWith: (Stack | undefined)[] = [];
  /** Per goroutine state (Runnable, Syscall, Waiting) and reason, the bits of the kinds that track it. */
  private readonly runnableBits = new Map<string, number>();
  private readonly syscallBits = new Map<string, number>();
  private readonly waitingBits = new Map<string, number>();

  constructor(firstRunOf: FirstRunOf) {
    this.builders = PROFILE_KINDS.map((kind) => new ProfileBuilder(kind, (stack) => this.stackKey(stack), firstRunOf));
  }

  /** Feed goroutine transitions after the GoroutineTracker has seen them; `slot` is the goroutine's GoroutineSlots slot. */
  transition(ev: StateTransitionEvent, slot: number): void {
    if (slot >= this.entered.length) {
      this.entered = grownTo(this.entered, slot + 1, (n) => new Uint8Array(n));
      this.enteredAt = grownTo(this.enteredAt, KINDS * this.entered.length, (n) => new Float64Array(n));
    }
    const was = this.entered[slot];
    // The kinds of the new state, and of those the ones that track its reason (one string switch per transition).
    let inState: number, byReason: Map<string, number>;
    switch (ev.to) {
      case 'Waiting': inState = WAITING_KINDS; byReason = this.waitingBits; break;
      case 'Runnable': inState = RUNNABLE_KINDS; byReason = this.runnableBits; break;
      case 'Syscall': inState = SYSCALL_KINDS; byReason = this.syscallBits; break;
      default:
        if (was === 0) return;
        inState = 0; byReason = this.runnableBits;
    }
    const now = (inState & BY_REASON_KINDS) === 0 ? inState : this.bitsFor(byReason, inState, ev.reason);
    if (was === 0 && now === 0) return;
    for (let i = 0; i < KINDS; i++) {
      const bit = 1 << i;
      const at = KINDS * slot + i;
      if ((was & bit) === 0) {
        if ((now & bit) !== 0) {
          this.enteredAt[at] = ev.time;
          this.enteredWith[at] = ev.stack;
        }
      } else if ((inState & bit) === 0) {
        this.builders[i].left(ev.resource.id, this.enteredAt[at], this.enteredWith[at]!, ev.time);
        this.enteredWith[at] = undefined;
      }
    }
    // A kind stays entered while the goroutine stays in its state (whatever the new reason).
    this.entered[slot] = (was | now) & inState;
  }

  /** The goroutine exited and its record is released (GoroutineListener.goroutineReleased); its slot is reset. */
  released(id: number, slot: number | undefined, firstRunNs: number): void {
    if (slot !== undefined && slot < this.entered.length) {
      this.entered[slot] = 0;
      for (let i = 0; i < KINDS; i++) this.enteredWith[KINDS * slot + i] = undefined;
    }
    for (const builder of this.builders) builder.released(id, firstRunNs);
  }

  /** Of the kinds `inState` (a state's), those that track `reason`; `byReason` is that state's map, keyed by the reason alone. */
  private bitsFor(byReason: Map<string, number>, inState: number, reason: string): number {
    let bits = byReason.get(reason);
    if (bits === undefined) {
      bits = 0;
      for (let i = 0; i < KINDS; i++) if ((inState & (1 << i)) !== 0 && (PROFILE_KINDS[i].tracks?.(reason) ?? true)) bits |= 1 << i;
      byReason.set(reason, bits);
    }
    return bits;
  }

  finish(): void {
    for (const builder of this.builders) builder.finish();
  }

  profiles(): BlockingProfile[] {
    return this.builders.map((b) => b.profile());
  }

  private stackKey(stack: Stack): string {
    let key = this.keys.get(stack);
    if (key === undefined) {
      // Go compares zero-padded PC arrays: trailing zero PCs don't tell stacks apart.
      const pcs = stack.slice(0, MAX_STACK).map((f) => f.pc);
      while (pcs.length > 0 && pcs[pcs.length - 1] === 0n) pcs.pop();
      key = pcs.map((pc) => pc.toString(16)).join(',');
      this.keys.set(stack, key);
    }
    return key;
  }
}
