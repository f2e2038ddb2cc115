// Blocking profiles by stack, computed as `go tool trace -pprof=sync|net|syscall|sched` does
// (makeComputePprofFunc in src/cmd/trace/pprof.go): time from a goroutine entering the state to
// leaving it, charged to the stack of the entering event, and clipped to the goroutine's life as
// go tool trace sees it — from its first run (or the trace start if it never runs) to its end.
// So the wait of a new goroutine for its first run is not in the sched profile.
import type { GoState, Stack, StateTransitionEvent } from '../event';
import type { BlockReason, BlockingProfile, BlockingProfileEntry } from '../../../../common/traceModel';
import { UNSET, classifyWaitReason } from './goroutines';
import { locationOf } from './sites';

interface ProfileKind {
  reason: BlockReason;
  state: GoState;
  tracks(waitReason: string): boolean;
}

const PROFILE_KINDS: readonly ProfileKind[] = [
  { reason: 'sync', state: 'Waiting', tracks: (r) => classifyWaitReason(r) === 'sync' },
  { reason: 'net', state: 'Waiting', tracks: (r) => r === 'network' },
  { reason: 'syscall', state: 'Syscall', tracks: () => true },
  { reason: 'sched', state: 'Runnable', tracks: () => true },
];

/** Stacks listed per profile, those with the most blocked time (BlockingProfile.stacks counts them all). */
export const MAX_PROFILE_ENTRIES = 200;

/** Go deduplicates stacks by their first 128 PCs. */
const MAX_STACK = 128;

interface Accumulator { stack: Stack; totalNs: number; count: number }

/** When a goroutine first ran (UNSET if it has not run yet). */
export type FirstRunOf = (goroutine: number) => number;

interface Entered { time: number; stack: Stack }

class ProfileBuilder {
  /** Intervals of goroutines that had not run yet: they count only if the goroutine never runs. */
  private readonly beforeFirstRun = new Map<number, { stack: Stack; duration: number }[]>();
  readonly byStack = new Map<string, Accumulator>();

  constructor(readonly kind: ProfileKind, private readonly keyOf: (stack: Stack) => string, private readonly firstRunOf: FirstRunOf) {}

  /** Goroutine `id`, in the state since `start`, left it at `time`. */
  left(id: number, start: Entered, time: number): void {
    const firstRun = this.firstRunOf(id);
    if (firstRun === UNSET) {
      let held = this.beforeFirstRun.get(id);
      if (held === undefined) this.beforeFirstRun.set(id, (held = []));
      held.push({ stack: start.stack, duration: time - start.time });
      return;
    }
    this.record(start.stack, time - Math.max(start.time, firstRun));
  }

  /** A goroutine's record is released: its held intervals are settled now, as finish would. */
  released(id: number, firstRunNs: number): void {
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
    const key = this.keyOf(stack);
    let acc = this.byStack.get(key);
    if (acc === undefined) this.byStack.set(key, (acc = { stack, totalNs: 0, count: 0 }));
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

export class BlockingProfiles {
  private readonly keys = new WeakMap<Stack, string>();
  private readonly builders: ProfileBuilder[];
  /** Goroutine → per profile kind, when and where it entered the tracked state. */
  private readonly tracking = new Map<number, (Entered | undefined)[]>();

  constructor(firstRunOf: FirstRunOf) {
    this.builders = PROFILE_KINDS.map((kind) => new ProfileBuilder(kind, (stack) => this.stackKey(stack), firstRunOf));
  }

  /** Feed goroutine transitions after the GoroutineTracker has seen them. */
  transition(ev: StateTransitionEvent): void {
    const id = ev.resource.id;
    let slots = this.tracking.get(id);
    for (let i = 0; i < this.builders.length; i++) {
      const { kind } = this.builders[i];
      const start = slots?.[i];
      if (start === undefined) {
        if (ev.to === kind.state && kind.tracks(ev.reason)) {
          if (slots === undefined) this.tracking.set(id, (slots = new Array<Entered | undefined>(this.builders.length)));
          slots[i] = { time: ev.time, stack: ev.stack };
        }
      } else if (ev.to !== kind.state) {
        slots![i] = undefined;
        this.builders[i].left(id, start, ev.time);
      }
    }
  }

  /** The goroutine exited and its record is released (GoroutineListener.goroutineReleased). */
  released(id: number, firstRunNs: number): void {
    this.tracking.delete(id);
    for (const builder of this.builders) builder.released(id, firstRunNs);
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
