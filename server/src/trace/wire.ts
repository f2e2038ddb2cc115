// Byte-level reading of a v2 trace: the header, uvarints with Go's exact
// semantics, and batch framing (src/internal/trace/batch.go, version.go).
// Files are read in chunks; a batch's data is a view into the chunk that
// holds it. Event batches of a file are read again when their events are
// ordered (EventBatch), so a generation's events need not stay in memory.
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { TraceError } from './event';
import { i64, uint64Text, type I64 } from './exact';
import {
  Ev, MaxBatchSize, NoExperiment,
} from './spec';

/** Go's NoThread (ThreadID(-1), written as 2^64−1). Every wire integer is kept as Go's int64 view of it. */
export const NoThread = -1;

/**
 * Decodes the uvarint of 8 or more bytes at buf[start..] exactly and returns Go's int64 view of it, so that
 * 2^64−1 becomes −1. Only called after the fast path saw a well-formed varint longer than 7 bytes.
 */
function slowUvarint(buf: Uint8Array, start: number): I64 {
  let x = 0n;
  let shift = 0n;
  for (let i = start; ; i++) {
    const b = buf[i];
    x |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  return i64(BigInt.asIntN(64, x));
}

/** Position for uvarintAt: where the next read starts, advanced past each value read. */
export const varintPos = { at: 0 };

/**
 * The hot-path decoder: reads the uvarint at buf[varintPos.at] (Go's binary.Uvarint rules, int64 view) and
 * advances varintPos.at. Returns NaN, leaving the position alone, if the varint is truncated or overflows.
 */
export function uvarintAt(buf: Uint8Array, end: number): I64 {
  let pos = varintPos.at;
  if (pos >= end) return NaN;
  let b = buf[pos++];
  if (b < 0x80) { varintPos.at = pos; return b; }
  let x = b & 0x7f;
  let scale = 128;
  for (let i = 1; i < 10; i++) {
    if (pos >= end) return NaN;
    b = buf[pos++];
    if (b < 0x80) {
      if (i === 9 && b > 1) return NaN;
      const start = varintPos.at;
      varintPos.at = pos;
      return i < 7 ? x + b * scale : slowUvarint(buf, start);
    }
    x += (b & 0x7f) * scale;
    scale *= 128;
  }
  return NaN;
}

/** Outcome of a failed uvarint read, in Go's terms. */
export const enum VarintError { Truncated = -1, Overflow = -2 }

/**
 * A position in a byte array plus Go-compatible varint decoding. `uvarint` mirrors binary.Uvarint: at most
 * 10 bytes, the 10th at most 1; values use Go's int64 view (an I64: exact at any size).
 */
export class ByteCursor {
  constructor(public buf: Uint8Array, public pos: number, public end: number) {}

  /** Returns the value, or sets `failed` (Truncated or Overflow) and returns 0. */
  failed: VarintError | 0 = 0;

  uvarint(): I64 {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    if (pos >= end) { this.failed = VarintError.Truncated; return 0; }
    let b = buf[pos++];
    if (b < 0x80) { this.pos = pos; return b; }
    let x = b & 0x7f;
    let scale = 128;
    for (let i = 1; i < 10; i++) {
      if (pos >= end) { this.failed = VarintError.Truncated; return 0; }
      b = buf[pos++];
      if (b < 0x80) {
        if (i === 9 && b > 1) { this.failed = VarintError.Overflow; return 0; }
        const start = this.pos;
        this.pos = pos;
        return i < 7 ? x + b * scale : slowUvarint(buf, start);
      }
      x += (b & 0x7f) * scale;
      scale *= 128;
    }
    this.failed = VarintError.Overflow;
    return 0;
  }

  /** The exact uint64 value of a uvarint (for values such as the monotonic clock). */
  uvarintBig(): bigint {
    const start = this.pos;
    this.uvarint();
    if (this.failed) return 0n;
    let x = 0n;
    let shift = 0n;
    for (let i = start; i < this.pos; i++) {
      x |= BigInt(this.buf[i] & 0x7f) << shift;
      shift += 7n;
    }
    return x;
  }
}

/** Go's error text for binary.ReadUvarint failures on a byte reader. */
export function readUvarintErrorText(kind: VarintError, consumedAny: boolean): string {
  if (kind === VarintError.Overflow) return 'binary: varint overflows a 64-bit integer';
  return consumedAny ? 'unexpected EOF' : 'EOF';
}

export interface RawBatch {
  /** Go's ThreadID view of the batch's M. */
  readonly m: I64;
  /** Base timestamp in ticks (Go's uint64, in the int64 view). */
  readonly time: I64;
  readonly data: Uint8Array;
  readonly exp: number;
  /** File offset of data[0], for error messages. */
  readonly offset: number;
}

/**
 * A batch of events as a generation keeps it: its bytes stay in `data` when the trace is in memory;
 * for a file, `data` is undefined and BatchStream.reread fetches the `size` bytes at `offset` again.
 */
export interface EventBatch {
  readonly time: I64;
  readonly offset: number;
  readonly size: number;
  readonly data: Uint8Array | undefined;
}

/**
 * What readBatch produces: a batch with its generation, or the end of the stream. The batch's data views
 * the stream's read buffer: BatchStream.retain copies what must outlive the next readBatch.
 */
export interface BatchRead { batch: RawBatch; gen: I64 }

/** Go's io.EOF from readBatch: a clean end of the stream where a batch could start. */
export const END_OF_STREAM = null;

export const HEADER_BYTES = 16;
const MAX_BATCH_HEADER = 2 + 4 * 10;

/** Something that yields the bytes of a trace in chunks. */
interface ChunkSource {
  /** Reads up to `length` bytes into target at `offset`; returns the count, 0 at the end. */
  read(target: Uint8Array, offset: number, length: number): Promise<number>;
  /** Reads target.length bytes at a file position, synchronously; returns the count read. */
  readAt(target: Uint8Array, position: number): number;
  readonly size: number;
}

/**
 * A file's bytes; with `skipTo` (a generation's first byte), the header followed by the file from
 * there, as if the trace began with that generation (positions count in that shorter stream).
 */
export function fileChunkSource(handle: FileHandle, size: number, skipTo = HEADER_BYTES): ChunkSource {
  const skipped = skipTo - HEADER_BYTES;
  const filePosition = (at: number) => (at < HEADER_BYTES ? at : at + skipped);
  let position = 0;
  return {
    size: size - skipped,
    async read(target, offset, length) {
      // The header ends a read, so that no read spans the skipped bytes.
      const upTo = position < HEADER_BYTES ? Math.min(length, HEADER_BYTES - position) : length;
      const { bytesRead } = await handle.read(target, offset, upTo, filePosition(position));
      position += bytesRead;
      return bytesRead;
    },
    // Batches lie after the header, so a batch's bytes are contiguous in the file.
    readAt: (target, at) => readFullyAt(handle.fd, target, filePosition(at)),
  };
}

/** Reads target.length bytes of a file at `position`, synchronously; returns the count read (less at its end). */
export function readFullyAt(fd: number, target: Uint8Array, position: number): number {
  let filled = 0;
  while (filled < target.length) {
    const n = readSync(fd, target, filled, target.length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/** The trace's version from its header (parseHeader), read from the start of the file. */
export function readVersion(fd: number): number {
  const header = new Uint8Array(HEADER_BYTES);
  return parseHeader(header.subarray(0, readSync(fd, header, 0, HEADER_BYTES, 0)));
}

/** How much is read from a file at a time (by default). */
const CHUNK_BYTES = 1 << 20;

/**
 * The stream of batches after the header. Parsing is synchronous over the bytes at hand; only when a batch
 * straddles the end of the current chunk does it wait for the next one.
 */
export class BatchStream {
  private buf: Uint8Array;
  private pos = 0;
  private end: number;
  /** File offset of buf[0]. */
  private base = 0;
  private eof: boolean;
  private leaveStrings = false;

  private constructor(private readonly source: ChunkSource | undefined, bytes: Uint8Array, private readonly chunkBytes = CHUNK_BYTES) {
    this.buf = bytes;
    this.end = bytes.length;
    this.eof = source === undefined;
  }

  static fromBytes(bytes: Uint8Array): BatchStream {
    return new BatchStream(undefined, bytes);
  }

  /** `chunkBytes`: read at a time (the buffer holds that and the longest batch). */
  static fromSource(source: ChunkSource, chunkBytes?: number): BatchStream {
    return new BatchStream(source, new Uint8Array(0), chunkBytes);
  }

  /** Bytes consumed so far (the file offset of the next batch). */
  get offset(): number {
    return this.base + this.pos;
  }

  get totalBytes(): number {
    return this.source === undefined ? this.buf.length : this.source.size;
  }

  /**
   * Reads more bytes, keeping the unconsumed tail. Returns false at the end of the input. The buffer is
   * reused, so a batch read from a file is valid until the next readBatch (see `retain`).
   */
  private async fill(): Promise<boolean> {
    if (this.eof || this.source === undefined) return false;
    const keep = this.end - this.pos;
    let next = this.buf;
    if (next.length >= keep + this.chunkBytes) next.copyWithin(0, this.pos, this.end);
    else {
      // Room for a chunk behind the longest tail a fill keeps (a batch that straddled the chunk's end).
      next = new Uint8Array(Math.max(keep, MAX_BATCH_HEADER + 1 + MaxBatchSize) + this.chunkBytes);
      next.set(this.buf.subarray(this.pos, this.end), 0);
    }
    let filled = keep;
    while (filled < next.length) {
      const n = await this.source.read(next, filled, next.length - filled);
      if (n === 0) { this.eof = true; break; }
      filled += n;
    }
    this.base += this.pos;
    this.buf = next;
    this.pos = 0;
    this.end = filled;
    return filled > keep;
  }

  /** Whether event batches can be dropped after framing and read again from the source (a file). */
  get rereadable(): boolean {
    return this.source !== undefined;
  }

  /** Bytes of a batch that must outlive the next readBatch: a copy when the read buffer is reused. */
  retain(data: Uint8Array): Uint8Array {
    return this.rereadable ? data.slice() : data;
  }

  /** An event batch as a generation keeps it: without its bytes when they can be read again. */
  eventBatch(batch: RawBatch): EventBatch {
    const size = batch.data.length;
    return { time: batch.time, offset: batch.offset, size, data: this.rereadable ? undefined : batch.data };
  }

  /**
   * The bytes of an event batch, read into `target` (at least batch.size long) when they were dropped.
   * The file is read twice: one that got shorter in between is an error here; other changes surface as
   * whatever parse error the new bytes cause.
   */
  reread(batch: EventBatch, target: Uint8Array): Uint8Array {
    return batch.data ?? this.bytesAt(batch.offset, target.subarray(0, batch.size));
  }

  /** Reads target.length bytes at a stream position again (see reread). */
  bytesAt(position: number, target: Uint8Array): Uint8Array {
    if (this.source!.readAt(target, position) !== target.length) {
      throw new TraceError('the trace file got shorter while it was being read', position);
    }
    return target;
  }

  /**
   * Whether the generations' strings stay in the file (StringTable.leaveInFile), read again when one is
   * decoded: set by a reader that hands over no log messages, which decodes few of them, or hands them
   * over undecoded (ReadOptions.logMessages 'bytes').
   */
  get stringsInFile(): boolean {
    return this.leaveStrings && this.rereadable;
  }

  leaveStringsInFile(): void {
    this.leaveStrings = true;
  }

  /** Parses the 16-byte header and returns the version (the NN in "go 1.NN trace"). */
  async readHeader(): Promise<number> {
    while (this.end - this.pos < HEADER_BYTES && await this.fill()) { /* keep reading */ }
    return parseHeader(this.buf.subarray(this.pos, Math.min(this.end, this.pos + HEADER_BYTES)), () => { this.pos += HEADER_BYTES; });
  }

  /** Go's readBatch: the next batch and its generation, or END_OF_STREAM (io.EOF); throws TraceError. */
  async readBatch(): Promise<BatchRead | typeof END_OF_STREAM> {
    for (;;) {
      const result = this.tryReadBatch();
      if (result !== NEED_MORE) return result;
      await this.fill();
    }
  }

  private tryReadBatch(): BatchRead | typeof END_OF_STREAM | typeof NEED_MORE {
    const buf = this.buf;
    const start = this.pos;
    const avail = this.end - start;
    if (avail < MAX_BATCH_HEADER && !this.eof) return NEED_MORE;
    const at = this.base + start;
    if (avail === 0) return END_OF_STREAM;
    const typ = buf[start];
    if (typ === Ev.EndOfGeneration) {
      this.pos = start + 1;
      return { batch: { m: NoThread, time: 0, data: buf.subarray(start, start + 1), exp: NoExperiment, offset: at }, gen: 0 };
    }
    if (typ !== Ev.EventBatch && typ !== Ev.ExperimentalBatch) {
      throw new TraceError(`expected batch event, got event ${typ}`, at);
    }
    const cur = new ByteCursor(buf, start + 1, this.end);
    let exp = NoExperiment;
    if (typ === Ev.ExperimentalBatch) {
      // Go returns a bare io.EOF here, which its callers treat as a clean end of the stream.
      if (cur.pos >= cur.end) return END_OF_STREAM;
      exp = buf[cur.pos++];
    }
    const field = (what: string): I64 => {
      const before = cur.pos;
      const v = cur.uvarint();
      if (cur.failed) {
        throw new TraceError(`error reading batch ${what}: ${readUvarintErrorText(cur.failed, cur.end > before)}`, this.base + before);
      }
      return v;
    };
    const gen = field('gen');
    const m = field('M ID');
    const time = field('timestamp');
    const sizeAt = this.base + cur.pos;
    const size = field('size');
    if (typeof size !== 'number' || size < 0 || size > MaxBatchSize) {
      throw new TraceError(`invalid batch size ${uint64Text(size)}, maximum is ${MaxBatchSize}`, sizeAt);
    }
    const dataStart = cur.pos;
    if (this.end - dataStart < size) {
      if (!this.eof) return NEED_MORE;
      throw new TraceError(`failed to read full batch: read ${this.end - dataStart} but wanted ${size}`, at);
    }
    this.pos = dataStart + size;
    return { batch: { m, time, data: buf.subarray(dataStart, dataStart + size), exp, offset: this.base + dataStart }, gen };
  }
}

const NEED_MORE = Symbol('need more bytes');

/** Trace format versions Go's reader knows: 11, 19, 21 are v1 (Go ≤ 1.21), the rest v2. */
const V1_VERSIONS = new Set([11, 19, 21]);
const V2_VERSIONS = new Set([22, 23, 25, 26]);

/** Go's version.ReadHeader plus the v1 refusal; `consume` is called when the header is accepted. */
export function parseHeader(header: Uint8Array, consume: () => void = () => undefined): number {
  const text = String.fromCharCode(...header);
  const match = /^go 1\.(\d+) trace\0\0\0/.exec(text);
  if (match === null || header.length < HEADER_BYTES) {
    throw new TraceError('bad file format: not a Go execution trace?', 0);
  }
  const version = Number(match[1]);
  if (V1_VERSIONS.has(version)) {
    throw new TraceError(
      `this trace was written by Go 1.${version} or another release up to Go 1.21 (format "go 1.${version} trace"), ` +
      'which this reader does not support; record the trace again with Go 1.22 or newer', 0);
  }
  if (!V2_VERSIONS.has(version)) {
    throw new TraceError(`unknown or unsupported trace version go 1.${version}`, 0);
  }
  consume();
  return version;
}
