// Bounded instance keeping: statistics use every duration (durations.ts), but only a few
// instances per series are kept as objects for the viewer to list:
//   - the KEPT_SLOWEST slowest complete instances, and
//   - an even sample (reservoir) of KEPT_SAMPLE instances, complete or not,
// so memory per series is constant whatever the trace's size.

/** Slowest instances kept per series (region type × source site). */
export const KEPT_SLOWEST = 50;
/** Randomly sampled instances kept per series. */
export const KEPT_SAMPLE = 50;

export interface Timed { durationNs?: number }

/** Slowest first; instances without a duration last. */
export function bySlowest(a: Timed, b: Timed): number {
  return (b.durationNs ?? -1) - (a.durationNs ?? -1);
}

export class InstanceKeeper<T extends Timed> {
  /** Min-heap on duration: the root is the fastest of the slowest kept. */
  private readonly slowest: T[] = [];
  private readonly sample: T[] = [];
  private seen = 0;
  /** xorshift state: deterministic so the same trace keeps the same instances. */
  private random = 0x9e3779b9;

  /** Where the instance admitted last goes: among the slowest, and at which sample slot (≥ KEPT_SAMPLE: none). */
  private pendingSlowest = false;
  private pendingSlot = KEPT_SAMPLE;

  /** Offers an instance; returns whether it was kept. */
  offer(instance: T): boolean {
    if (!this.admits(instance.durationNs)) return false;
    this.keep(instance);
    return true;
  }

  /**
   * Counts an instance with this duration and decides whether it is kept; if so, the caller makes
   * it and passes it to keep() next. Most are not kept, and an object made for each would be garbage.
   */
  admits(durationNs: number | undefined): boolean {
    this.seen++;
    this.pendingSlowest = durationNs !== undefined && (this.slowest.length < KEPT_SLOWEST || durationNs > (this.slowest[0].durationNs ?? 0));
    this.pendingSlot = this.sample.length < KEPT_SAMPLE ? this.sample.length : this.nextRandom() % this.seen;
    return this.pendingSlowest || this.pendingSlot < KEPT_SAMPLE;
  }

  /** Keeps the instance admits() just admitted. */
  keep(instance: T): void {
    if (this.pendingSlowest) {
      if (this.slowest.length < KEPT_SLOWEST) this.heapPush(instance);
      else {
        this.slowest[0] = instance;
        this.siftDown(0);
      }
    }
    const slot = this.pendingSlot;
    if (slot < KEPT_SAMPLE) {
      if (slot === this.sample.length) this.sample.push(instance);
      else this.sample[slot] = instance;
    }
    this.pendingSlowest = false;
    this.pendingSlot = KEPT_SAMPLE;
  }

  /** Kept instances, slowest first, each once. */
  instances(): T[] {
    return [...new Set([...this.slowest, ...this.sample])].sort(bySlowest);
  }

  private nextRandom(): number {
    let x = this.random;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.random = x;
    return x;
  }

  private heapPush(instance: T): void {
    const heap = this.slowest;
    heap.push(instance);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent].durationNs ?? 0) <= (heap[i].durationNs ?? 0)) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.slowest;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && (heap[left].durationNs ?? 0) < (heap[smallest].durationNs ?? 0)) smallest = left;
      if (right < heap.length && (heap[right].durationNs ?? 0) < (heap[smallest].durationNs ?? 0)) smallest = right;
      if (smallest === i) return;
      [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
      i = smallest;
    }
  }
}
