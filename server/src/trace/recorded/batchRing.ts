// The buffers of recorded batches, shared between the thread that records (the trace worker) and the
// one that replays (the language server's main thread): a fixed set of slots in one SharedArrayBuffer, so nothing is
// allocated or copied per batch and the memory in flight is bounded. The recording side waits
// (Atomics.wait) when every slot is in use: the replaying side is behind, and must catch up.
import { MaxStringSize } from '../spec';
import type { BatchBuffers, BatchChannel, RecordedBatch } from './opStream';

/**
 * Slots in the ring: the recorders hold one each, the rest are in flight. The worker fills a slot in
 * about half a millisecond: with 8 slots it waited for the main thread 105-144 times per load of the
 * 100 MB goroutine-per-request trace (0.28-0.39 s), with 16, 16-26 times (0.07-0.09 s).
 */
const SLOTS = 16;
/** Values per slot: 64 KiB, a few hundred microseconds of replay (larger slots only held more memory). */
const SLOT_VALUES = 8_192;
/**
 * Bytes per slot per value: a log takes 5 values and its message a few bytes (7.2 on average on the 100 MB
 * goroutine-per-request trace), so a slot full of logs has room for their messages unless they are long,
 * when the bytes end the batch first. A slot holds at least one message of the longest (MaxStringSize).
 */
const SLOT_BYTES_PER_VALUE = 2;
// Header, Int32 each: a counter bumped at every release (what a waiting producer watches), the
// failure flag, the values per slot, then each slot's state.
const RELEASES = 0;
const FAILED = 1;
const VALUES_PER_SLOT = 2;
const FIRST_STATE = 3;
const FREE = 0;
const HELD = 1;
const HEADER_BYTES = 8 * Math.ceil(((FIRST_STATE + SLOTS) * 4) / 8);
/** How long a producer waits for a free slot before it gives up on the other thread. */
const STALL_LIMIT_MS = 60_000;

/** A batch as posted to the replaying thread: its slot, how much of its values and bytes are used, its strings. */
export interface PostedBatch { slot: number; length: number; bytesLength: number; strings: string[] }

function slotBytes(slotValues: number): number {
  return Math.max(slotValues * SLOT_BYTES_PER_VALUE, MaxStringSize);
}

/** slotValues: SLOT_VALUES; tests make them tiny, so that batches end at every kind of op. */
export function newBatchRing(slotValues = SLOT_VALUES): SharedArrayBuffer {
  // After the header, every slot's values, then every slot's bytes.
  const ring = new SharedArrayBuffer(HEADER_BYTES + SLOTS * (slotValues * 8 + slotBytes(slotValues)));
  new Int32Array(ring, 0, FIRST_STATE)[VALUES_PER_SLOT] = slotValues;
  return ring;
}

function slotViews(ring: SharedArrayBuffer): BatchBuffers[] {
  const slotValues = new Int32Array(ring, 0, FIRST_STATE)[VALUES_PER_SLOT];
  const bytes = slotBytes(slotValues);
  const bytesAt = HEADER_BYTES + SLOTS * slotValues * 8;
  return Array.from({ length: SLOTS }, (_, slot) => ({
    values: new Float64Array(ring, HEADER_BYTES + slot * slotValues * 8, slotValues),
    bytes: Buffer.from(ring, bytesAt + slot * bytes, bytes),
  }));
}

/** The recording side: hands out free slots, posts full ones. */
export class BatchProducer implements BatchChannel {
  private readonly header: Int32Array;
  private readonly slots: BatchBuffers[];
  private next = 0;

  constructor(ring: SharedArrayBuffer, private readonly post: (batch: PostedBatch) => void) {
    this.header = new Int32Array(ring, 0, FIRST_STATE + SLOTS);
    this.slots = slotViews(ring);
  }

  send(batch: RecordedBatch): void {
    const slot = this.slots.findIndex((s) => s.values === batch.values);
    if (slot < 0) throw new Error('recorded batch: not a buffer of this ring');
    this.post({ slot, length: batch.length, bytesLength: batch.bytesLength, strings: batch.strings });
  }

  nextBuffers(): BatchBuffers {
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
  private readonly slots: BatchBuffers[];

  constructor(ring: SharedArrayBuffer) {
    this.header = new Int32Array(ring, 0, FIRST_STATE + SLOTS);
    this.slots = slotViews(ring);
  }

  batch(posted: PostedBatch): RecordedBatch {
    const { values, bytes } = this.slots[posted.slot];
    return { values, length: posted.length, bytes, bytesLength: posted.bytesLength, strings: posted.strings };
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
