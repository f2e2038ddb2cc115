// Where each generation of a loaded trace begins, in bytes and in time, noted while it loads, so
// that explaining a task reads the trace again only from the generation its window starts in
// (a generation announces the goroutine and P states it starts from) instead of from the start.
import { HEADER_BYTES } from '../trace/wire';
import { openTraceFile, type OpenedTrace, type ReadOptions } from '../trace/reader';

/** Longest a read runs before it lets the worker answer queries (reads otherwise pause only between generations). */
const TURN_MS = 30;

/** An onPause for a read in the worker: every TURN_MS, a turn of the event loop, so queries are answered meanwhile. */
export function queryTurns(): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    if (Date.now() - last < TURN_MS) return undefined;
    return new Promise((resolve) => setImmediate(() => { last = Date.now(); resolve(); }));
  };
}

/**
 * Bytes read at a time by these reads, beside the views' data (and each other): a quarter of the
 * default, 0.75 MiB less for each while it runs, for 400 reads per 100 MB instead of 100.
 */
const READ_CHUNK_BYTES = 256 << 10;

/** Go ≥ 1.26 ends each generation with its own batch, so the bytes read after one are exactly where the next begins. */
const FIRST_SEEKABLE_MINOR = 26;

export class GenerationIndex {
  /** First byte and first event time of each generation read so far. */
  private readonly offsets: number[] = [];
  private readonly firstNs: number[] = [];
  private nextOffset = HEADER_BYTES;
  /** Reads someone waits on (explanations) running now; background reads pause until there are none. */
  private foreground = 0;
  private readonly resumeBackground: (() => void)[] = [];
  /** The trace as opened for loading (its version and time base): set once opened, before its events are read. */
  loaded: Pick<OpenedTrace, 'goVersion' | 'timeBase'> = { goVersion: '1.0', timeBase: 0n };

  constructor(private readonly path: string) {}

  /** The reader's progress: a generation was read up to `bytesRead`; its events come next. */
  generationRead(bytesRead: number): void {
    if (bytesRead <= this.nextOffset) return; // the closing report repeats the last one
    this.offsets.push(this.nextOffset);
    this.firstNs.push(NaN);
    this.nextOffset = bytesRead;
    this.wantsTime = true;
  }

  /** Whether the next event's time is wanted (the first of a generation): the load need not read every event's time. */
  wantsTime = false;

  /** The load's next event, in order (its time is read only when wantsTime). */
  event(time: number): void {
    const last = this.firstNs.length - 1;
    if (last >= 0 && Number.isNaN(this.firstNs[last])) this.firstNs[last] = time;
    this.wantsTime = false;
  }

  /** Generations indexed so far (the last one may still be loading). */
  get generations(): number { return this.offsets.length; }

  /**
   * Opens the trace again from the last generation that begins at or before `fromNs` (from the start
   * when unknown or the trace predates Go 1.26), with times as the load had them; its read lets
   * queries in (queryTurns). A `background` read (the breakdown pass) waits while another read runs.
   * Logs come without their messages but those of `messagesOfTask` (an explanation's): none is made for
   * the others, and the generations' strings stay in the file (StringTable).
   */
  async open(signal: AbortSignal, fromNs?: number, { background = false, messagesOfTask }: { background?: boolean; messagesOfTask?: number } = {}): Promise<OpenedTrace> {
    const options: ReadOptions = { signal, logMessages: false, messagesOfTask, chunkBytes: READ_CHUNK_BYTES };
    if (Number(this.loaded.goVersion.split('.')[1]) >= FIRST_SEEKABLE_MINOR && fromNs !== undefined) {
      let i = this.firstNs.length - 1;
      while (i > 0 && !(this.firstNs[i] <= fromNs)) i--;
      if (i > 0) options.fromOffset = this.offsets[i];
    }
    // A foreground read counts from now (its caller reads it at once), so a background read pausing meanwhile waits for it.
    if (!background) this.foreground++;
    let opened: OpenedTrace;
    try {
      opened = await openTraceFile(this.path, options);
    } catch (error) {
      if (!background) this.foregroundDone();
      throw error;
    }
    // Times count from the first generation read when the machine had been up for ~52 days: shift them back.
    const shift = Number(opened.timeBase - this.loaded.timeBase);
    const turns = queryTurns();
    // A background read waits for foreground ones, and otherwise lets queries in at every pause (every 4,096 events).
    const pause = (): Promise<void> | undefined => {
      if (!background) return turns();
      return new Promise((resolve) => (this.foreground > 0 ? this.resumeBackground.push(resolve) : setImmediate(resolve)));
    };
    return {
      ...opened,
      timeBase: this.loaded.timeBase,
      forEach: async (onEvent, onPause) => {
        try {
          await opened.forEach(shift === 0 ? onEvent : (ev) => { ev.time += shift; onEvent(ev); }, (generationEnd) => onPause?.(generationEnd) ?? pause());
        } finally {
          if (!background) this.foregroundDone();
        }
      },
    };
  }

  private foregroundDone(): void {
    if (--this.foreground === 0) this.resumeBackground.splice(0).forEach((resume) => resume());
  }
}
