// Dense numbers for the goroutines alive now, reused once a goroutine is released: the viewer's
// per-goroutine state (its timeline lane, the state span in progress, blocking intervals) is kept
// in typed-array columns indexed by slot, so a trace with 300,000 short goroutines costs one map
// entry per goroutine in flight and no object per goroutine, and each transition costs one lookup
// shared by every consumer. The analyzer's open tasks are numbered the same way (analyzer.ts OpenTasks).

export class GoroutineSlots {
  private readonly slots = new Map<number, number>();
  private readonly free: number[] = [];
  private used = 0;

  /** The slot of goroutine `id`, given on first use; a reused slot was reset by its consumers on release. */
  slotOf(id: number): number {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.used++;
      this.slots.set(id, slot);
    }
    return slot;
  }

  /** The slot of goroutine `id`, or undefined when it has none. */
  find(id: number): number | undefined {
    return this.slots.get(id);
  }

  /** Frees the goroutine's slot (its consumers reset their columns first); returns it, or undefined when it had none. */
  release(id: number): number | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    this.slots.delete(id);
    this.free.push(slot);
    return slot;
  }

  /** Frees every slot. */
  clear(): void {
    this.slots.clear();
    this.free.length = 0;
    this.used = 0;
  }

  /** Goroutines holding a slot, with their slots. */
  entries(): IterableIterator<[number, number]> {
    return this.slots.entries();
  }
}
