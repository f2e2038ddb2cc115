// The buffers of recorded batches, shared between the thread that records (the trace worker) and the
// one that replays (the language server's main thread): a fixed set of slots in one SharedArrayBuffer, so nothing is
// allocated or copied per batch and the memory in flight is bounded. The recording side waits
// (Atomics.wait) when every slot is in use: the replaying side is behind, and must catch up.
//
// Batches are published in the ring's header too (a queue of slots, with each batch's lengths), not
// posted: a message per batch cost the recording thread ~20 µs (10,800 of them, 0.2 s, on the 100 MB
// goroutine-per-request trace), most of it waking the other thread. A message (RingMessage) only
// wakes the replaying side when it has run out of batches, once several are waiting, and carries the
// batches' new strings, which are few (46 on that trace).
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
/**
 * An idle replaying side is woken when this many batches wait (or when the recorders flush, at a pause
 * or at the end): about 4 ms of recording, with six slots still free. On the 100 MB goroutine-per-request
 * trace the worker's time in posting and in waiting for free slots was 0.35 s with a message per batch,
 * 0.22 s with a wake-up per four, 0.16-0.20 s per eight (1,836 and 810 messages instead of 10,772).
 */
const WAKE_AFTER = 8;
// Header, Int32 each: a counter bumped at every release (what a waiting producer watches), the
// failure flag, the values per slot, the batches published and replayed so far, whether the replaying
// side waits for a message; then each slot's state, the published slots in order (a ring of SLOTS),
// and each slot's batch: its channel, values and bytes used, and how many new strings it has.
const RELEASES = 0;
const FAILED = 1;
const VALUES_PER_SLOT = 2;
const PUBLISHED = 3;
const REPLAYED = 4;
const CONSUMER_IDLE = 5;
const FIRST_STATE = 6;
const FIRST_QUEUED = FIRST_STATE + SLOTS;
const FIRST_BATCH = FIRST_QUEUED + SLOTS;
const BATCH_CHANNEL = 0;
const BATCH_LENGTH = 1;
const BATCH_BYTES_LENGTH = 2;
const BATCH_STRINGS = 3;
const BATCH_FIELDS = 4;
const HEADER_INTS = FIRST_BATCH + SLOTS * BATCH_FIELDS;
const FREE = 0;
const HELD = 1;
const HEADER_BYTES = 8 * Math.ceil((HEADER_INTS * 4) / 8);
/** How long a producer waits for a free slot before it gives up on the other thread. */
const STALL_LIMIT_MS = 60_000;

/** What the recording side posts to the replaying one: a wake-up, with a channel's new strings when it has some. */
export interface RingMessage { channel?: number; strings?: string[] }

function slotBytes(slotValues: number): number {
  return Math.max(slotValues * SLOT_BYTES_PER_VALUE, MaxStringSize);
}

/** slotValues: SLOT_VALUES; tests make them tiny, so that batches end at every kind of op. */
export function newBatchRing(slotValues = SLOT_VALUES): SharedArrayBuffer {
  // After the header, every slot's values, then every slot's bytes.
  const ring = new SharedArrayBuffer(HEADER_BYTES + SLOTS * (slotValues * 8 + slotBytes(slotValues)));
  const header = new Int32Array(ring, 0, HEADER_INTS);
  header[VALUES_PER_SLOT] = slotValues;
  header[CONSUMER_IDLE] = 1;
  return ring;
}

function headerOf(ring: SharedArrayBuffer): Int32Array {
  return new Int32Array(ring, 0, HEADER_INTS);
}

function slotViews(ring: SharedArrayBuffer): BatchBuffers[] {
  const slotValues = headerOf(ring)[VALUES_PER_SLOT];
  const bytes = slotBytes(slotValues);
  const bytesAt = HEADER_BYTES + SLOTS * slotValues * 8;
  return Array.from({ length: SLOTS }, (_, slot) => ({
    values: new Float64Array(ring, HEADER_BYTES + slot * slotValues * 8, slotValues),
    bytes: Buffer.from(ring, bytesAt + slot * bytes, bytes),
  }));
}

/** The recording side of one channel (several share a ring, on one thread): hands out free slots, publishes full ones. */
export class BatchProducer implements BatchChannel {
  private readonly header: Int32Array;
  private readonly slots: BatchBuffers[];
  private next = 0;

  constructor(ring: SharedArrayBuffer, private readonly channel: number, private readonly post: (message: RingMessage) => void) {
    this.header = headerOf(ring);
    this.slots = slotViews(ring);
  }

  send(batch: RecordedBatch, urgent: boolean): void {
    const slot = this.slots.findIndex((s) => s.values === batch.values);
    if (slot < 0) throw new Error('recorded batch: not a buffer of this ring');
    const h = this.header;
    // The strings go first: the replaying side holds back a batch whose strings have not come yet.
    if (batch.strings.length > 0) this.post({ channel: this.channel, strings: batch.strings });
    const at = FIRST_BATCH + slot * BATCH_FIELDS;
    h[at + BATCH_CHANNEL] = this.channel;
    h[at + BATCH_LENGTH] = batch.length;
    h[at + BATCH_BYTES_LENGTH] = batch.bytesLength;
    h[at + BATCH_STRINGS] = batch.strings.length;
    const published = h[PUBLISHED];
    h[FIRST_QUEUED + (published % SLOTS)] = slot;
    Atomics.store(h, PUBLISHED, published + 1);
    if (urgent || published + 1 - Atomics.load(h, REPLAYED) >= WAKE_AFTER) this.wake();
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
      this.wake();
      Atomics.wait(this.header, RELEASES, releases, 1_000);
    }
  }

  /** Wakes the replaying side if it waits for a message. */
  private wake(): void {
    if (Atomics.exchange(this.header, CONSUMER_IDLE, 0) === 1) this.post({});
  }
}

/** The replaying side: replays the published batches in place, in order, and frees their slots. */
export class BatchConsumer {
  private readonly header: Int32Array;
  private readonly slots: BatchBuffers[];
  /** Per channel, the strings received and not yet handed to a batch. */
  private readonly strings: string[][] = [];

  constructor(ring: SharedArrayBuffer, private readonly replay: (channel: number, batch: RecordedBatch) => void) {
    this.header = headerOf(ring);
    this.slots = slotViews(ring);
  }

  /** A message from the recording side: takes its strings, then replays what was published. */
  receive(message: RingMessage): void {
    if (message.channel !== undefined && message.strings !== undefined) (this.strings[message.channel] ??= []).push(...message.strings);
    this.drain();
  }

  /**
   * Replays every batch published so far, unless one's strings are still on their way (their message
   * then drains the rest); says it is idle once there are none.
   */
  drain(): void {
    const h = this.header;
    for (;;) {
      let replayed = h[REPLAYED];
      while (replayed < Atomics.load(h, PUBLISHED)) {
        const slot = h[FIRST_QUEUED + (replayed % SLOTS)];
        const at = FIRST_BATCH + slot * BATCH_FIELDS;
        const channel = h[at + BATCH_CHANNEL];
        const received = (this.strings[channel] ??= []);
        const newStrings = h[at + BATCH_STRINGS];
        if (received.length < newStrings) return;
        const { values, bytes } = this.slots[slot];
        try {
          this.replay(channel, { values, length: h[at + BATCH_LENGTH], bytes, bytesLength: h[at + BATCH_BYTES_LENGTH], strings: received.splice(0, newStrings) });
        } finally {
          Atomics.store(h, FIRST_STATE + slot, FREE);
          Atomics.store(h, REPLAYED, ++replayed);
          Atomics.add(h, RELEASES, 1);
          Atomics.notify(h, RELEASES);
        }
      }
      // Idle, then a last look: a batch published in between is replayed now, or its wake-up comes.
      Atomics.store(h, CONSUMER_IDLE, 1);
      if (Atomics.load(h, PUBLISHED) === replayed) return;
      Atomics.store(h, CONSUMER_IDLE, 0);
    }
  }

  /** Replaying failed: the producer stops at its next buffer. */
  fail(): void {
    Atomics.store(this.header, FAILED, 1);
    Atomics.notify(this.header, RELEASES);
  }
}
