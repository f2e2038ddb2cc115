// Writes recorded as a stream of numbers, so that another thread (the language server's main
// thread, traceService/replayedIndex.ts) replays them while the trace worker goes on with the next
// events. The numbers go in float64 buffers that the other side frees once replayed (batchRing.ts),
// the strings beside them.

/**
 * A batch of recorded writes: values[0, length), the bytes its ops refer to (bytes[0, bytesLength): log
 * messages, which as strings cost the posting thread a structured clone each) and the strings they refer
 * to, in order of use.
 */
export interface RecordedBatch { values: Float64Array; length: number; bytes: Buffer; bytesLength: number; strings: string[] }

/** A batch's buffers: values, and bytes (room for at least one string of MaxStringSize). */
export interface BatchBuffers { values: Float64Array; bytes: Buffer }

/** Where full batches go, and where empty buffers to go on with come from. */
export interface BatchChannel {
  /** urgent: flushed by the recorder's owner (a pause, the end), for the replaying side to see now. */
  send(batch: RecordedBatch, urgent: boolean): void;
  /** Empty buffers (sent earlier, once replayed): may wait for the consumer to catch up. */
  nextBuffers(): BatchBuffers;
}

/**
 * The buffer handling of a recorder. Subclasses call room() before writing an op (and the strings
 * it refers to, so that they go in the same batch), then write values[length++].
 */
export abstract class OpRecorder {
  protected values: Float64Array;
  protected length = 0;
  protected bytes: Buffer;
  protected bytesLength = 0;
  protected strings: string[] = [];

  /** maxOp: the most values one op writes. */
  constructor(private readonly channel: BatchChannel, private readonly maxOp: number) {
    ({ values: this.values, bytes: this.bytes } = channel.nextBuffers());
  }

  /** Sends what was recorded so far, if anything, for the replaying side to see now. */
  flush(): void {
    this.send(true);
  }

  private send(urgent: boolean): void {
    if (this.length === 0) return;
    this.channel.send({ values: this.values, length: this.length, bytes: this.bytes, bytesLength: this.bytesLength, strings: this.strings }, urgent);
    ({ values: this.values, bytes: this.bytes } = this.channel.nextBuffers());
    this.length = 0;
    this.bytesLength = 0;
    this.strings = [];
  }

  /** Room for the longest op (and `bytes` bytes beside it, at most MaxStringSize), sending the batch when full. */
  protected room(bytes = 0): void {
    if (this.length + this.maxOp > this.values.length || this.bytesLength + bytes > this.bytes.length) this.send(false);
  }

  protected op1(op: number, operand: number): void {
    this.room();
    this.values[this.length++] = op;
    this.values[this.length++] = operand;
  }

  /**
   * The id of `s` in `ids`; a string not seen before is recorded as `op` with its new id, the string
   * beside it (the replayer numbers it the same, in order of first use).
   */
  protected stringId(ids: StringIds, s: string, op: number): number {
    const id = ids.idOrNew(s);
    if (id >= 0) return id;
    this.room(); // before the string, so that both go in the same batch
    this.strings.push(s);
    this.values[this.length++] = op;
    this.values[this.length++] = -1 - id;
    return -1 - id;
  }
}

/** Strings numbered in order of first use on both sides: the recorder's ids are the replayer's. */
export class StringIds {
  private readonly ids = new Map<string, number>();

  /** The id of `s`, or -1 - the new id when it is new (the caller records it). */
  idOrNew(s: string): number {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    const fresh = this.ids.size;
    this.ids.set(s, fresh);
    return -1 - fresh;
  }
}
