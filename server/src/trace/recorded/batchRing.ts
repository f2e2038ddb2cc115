// The buffers of recorded batches, shared between the thread that records (the trace worker) and the
// one that replays (the language server's main thread): a fixed set of slots in one SharedArrayBuffer, so nothing is
// allocated or copied per batch and the memory in flight is bounded. The recording side waits
// (Atomics.wait) when every slot is in use: the replaying side is behind, and must catch up.
import type { BatchChannel, RecordedBatch } from './opStream';

/**
 * Slots in the ring: the recorders hold one each, the rest are in flight. The worker fills a slot in
 * about half a millisecond: with 8 slots it waited for the main thread 105-144 times per load of the
 * 100 MB goroutine-per-request trace (0.28-0.39 s), with 16, 16-26 times (0.07-0.09 s).
 */
const SLOTS = 16;
/** Values per slot: 64 KiB, a few hundred microseconds of replay (larger slots only held more memory). */
const SLOT_VALUES = 8_192;
// Header, Int32 each: a counter bumped at every release (what a waiting producer watches), the
// failure flag, then each slot's state.
const RELEASES = 0;
const FAILED = 1;
const FIRST_STATE = 2;
const FREE = 0;
const HELD = 1;
const HEADER_BYTES = 8 * Math.ceil(((FIRST_STATE + SLOTS) * 4) / 8);
/** How long a producer waits for a free slot before it gives up on the other thread. */
const STALL_LIMIT_MS = 60_000;

/** A batch as posted to the replaying thread: its slot, how much of it is used, its strings. */
export interface PostedBatch { slot: number; length: number; strings: string[] }

/** slotValues: SLOT_VALUES; tests make them tiny, so that batches end at every kind of op. */
export function newBatchRing(slotValues = SLOT_VALUES): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + SLOTS * slotValues * 8);
}

function slotViews(ring: SharedArrayBuffer): Float64Array[] {
  const slotValues = (ring.byteLength - HEADER_BYTES) / 8 / SLOTS;
  return Array.from({ length: SLOTS }, (_, slot) => new Float64Array(ring, HEADER_BYTES + slot * slotValues * 8, slotValues));
}

/** The recording side: hands out free slots, posts full ones. */
export class BatchProducer implements BatchChannel {
  private readonly header: Int32Array;
  private readonly slots: Float64Array[];
  private next = 0;

  constructor(ring: SharedArrayBuffer, private readonly post: (batch: PostedBatch) => void) {
    this.header = new Int32Array(ring, 0, FIRST_STATE + SLOTS);
    this.slots = slotViews(ring);
  }

  send(batch: RecordedBatch): void {
    const slot = this.slots.indexOf(batch.values);
    if (slot < 0) throw new Error('recorded batch: not a buffer of this ring');
    this.post({ slot, length: batch.length, strings: batch.strings });
  }

  nextBuffer(): Float64Array {
    const waitedSince = Date.now();
    for (;;) {
      if (Atomics.load(this.header, FAILED) !== 0) throw new Error('the viewer\'s index thread failed');
      const releases = Atomics.load(this.header, RELEASES);
      for (let k = 0; k < SLOTS; k++) {
        const slot = (this.next + k) % SLOTS;
        if (Atomics.compareExchange(this.header, FIRST_STATE + slot, FREE, HELD) === FREE) {
          this.next = (slot + 1) % SLOTS;
          return this.slots[slot];
        }
      }
      if (Date.now() - waitedSince > STALL_LIMIT_MS) throw new Error('the viewer\'s index thread stopped replaying');
      Atomics.wait(this.header, RELEASES, releases, 1_000);
    }
  }
}

/** The replaying side: reads a posted batch in place, then frees its slot. */
export class BatchConsumer {
  private readonly header: Int32Array;
  private readonly slots: Float64Array[];

  constructor(ring: SharedArrayBuffer) {
    this.header = new Int32Array(ring, 0, FIRST_STATE + SLOTS);
    this.slots = slotViews(ring);
  }

  batch(posted: PostedBatch): RecordedBatch {
    return { values: this.slots[posted.slot], length: posted.length, strings: posted.strings };
  }

  release(slot: number): void {
    Atomics.store(this.header, FIRST_STATE + slot, FREE);
    Atomics.add(this.header, RELEASES, 1);
    Atomics.notify(this.header, RELEASES);
  }

  /** Replaying failed: the producer stops at its next buffer. */
  fail(): void {
    Atomics.store(this.header, FAILED, 1);
    Atomics.notify(this.header, RELEASES);
  }
}
