// The Tasks view's store fed from another thread: the analyzer hands tasks, region begins and logs
// to a TaskRecorder (AnnotationListener), whose batches the language server's main thread replays
// into its TaskStore (traceService/replayedIndex.ts), as the timeline's (timelineRecorder.ts).
import type { SourceLocation } from '../../../../common/traceModel';
import type { LogEvent, RawString, RegionEvent, TaskEvent } from '../event';
import type { LogFields, TaskFields, TaskStore } from '../requests/taskStore';
import { copyShortBytes } from '../strings';
import type { AnnotationListener } from '../summary/analyzer';
import { OpRecorder, StringIds, type BatchChannel, type RecordedBatch } from './opStream';

// Each op is its code followed by its operands; strings (new types and categories, sites, messages) go beside.
const OP_STRING = 0; // id (the next string: a task type or log category)
const OP_SITE = 1; // id, line (the next two strings: function, file)
const OP_TASK_BEGIN = 2; // id, parent, type, goroutine, time, site (-1: none)
const OP_TASK_END = 3; // id, parent, type, goroutine, time
const OP_REGION_BEGIN = 4; // task, goroutine
const OP_LOG = 5; // task, goroutine, category, message bytes (the batch's next bytes; NO_BYTES: the message is the next string)
const OP_FINISH = 6;
/** The longest op (OP_TASK_BEGIN). */
const MAX_OP = 7;
const NO_SITE = -1;
const NO_BYTES = -1;

export class TaskRecorder extends OpRecorder implements AnnotationListener {
  private readonly stringIds = new StringIds();
  /** Sites are interned objects (SiteResolver): numbered by identity. */
  private readonly siteIds = new Map<SourceLocation, number>();

  constructor(channel: BatchChannel) {
    super(channel, MAX_OP);
  }

  taskBegin(ev: TaskEvent, site: SourceLocation | undefined): void {
    const type = this.stringId(this.stringIds, ev.type, OP_STRING);
    const siteId = site === undefined ? NO_SITE : this.siteId(site);
    this.room();
    const v = this.values;
    let i = this.length;
    v[i++] = OP_TASK_BEGIN; v[i++] = ev.id; v[i++] = ev.parent; v[i++] = type; v[i++] = ev.goroutine; v[i++] = ev.time; v[i++] = siteId;
    this.length = i;
  }

  taskEnd(ev: TaskEvent): void {
    const type = this.stringId(this.stringIds, ev.type, OP_STRING);
    this.room();
    const v = this.values;
    let i = this.length;
    v[i++] = OP_TASK_END; v[i++] = ev.id; v[i++] = ev.parent; v[i++] = type; v[i++] = ev.goroutine; v[i++] = ev.time;
    this.length = i;
  }

  regionBegin(ev: RegionEvent): void {
    this.room();
    const v = this.values;
    let i = this.length;
    v[i++] = OP_REGION_BEGIN; v[i++] = ev.task; v[i++] = ev.goroutine;
    this.length = i;
  }

  log(ev: LogEvent): void {
    const category = this.stringId(this.stringIds, ev.category, OP_STRING);
    const raw = ev.messageBytes;
    let length = NO_BYTES;
    if (raw === undefined) {
      this.room();
      this.strings.push(ev.message);
    } else {
      length = raw.end - raw.start;
      this.room(length);
      this.bytesLength = copyShortBytes(raw.bytes, raw.start, raw.end, this.bytes, this.bytesLength);
    }
    const v = this.values;
    let i = this.length;
    v[i++] = OP_LOG; v[i++] = ev.task; v[i++] = ev.goroutine; v[i++] = category; v[i++] = length;
    this.length = i;
  }

  /** The load is over: the store is complete (TaskStore.finish) once this is replayed. */
  finish(): void {
    this.room();
    this.values[this.length++] = OP_FINISH;
    this.flush();
  }

  private siteId(site: SourceLocation): number {
    let id = this.siteIds.get(site);
    if (id === undefined) {
      id = this.siteIds.size;
      this.siteIds.set(site, id);
      this.room();
      this.strings.push(site.function, site.file);
      this.values[this.length++] = OP_SITE;
      this.values[this.length++] = id;
      this.values[this.length++] = site.line;
    }
    return id;
  }
}

/** The replaying side's state across batches: strings and sites by id. */
export class TaskReplay {
  private readonly strings: string[] = [];
  private readonly sites: SourceLocation[] = [];
  // Reused for every event: the store reads the fields and keeps none of these objects.
  private readonly task: TaskFields = { id: 0, parent: 0, type: '', goroutine: 0, time: 0 };
  private readonly region = { task: 0, goroutine: 0 };
  private readonly messageBytes: RawString = { bytes: Buffer.alloc(0), start: 0, end: 0 };
  private readonly logEvent: LogFields = { task: 0, goroutine: 0, category: '', message: '', messageBytes: undefined };

  constructor(private readonly store: TaskStore) {}

  replay(batch: RecordedBatch): void {
    const v = batch.values;
    const { task, region, logEvent, store } = this;
    let nextString = 0;
    let nextByte = 0;
    let i = 0;
    while (i < batch.length) {
      switch (v[i]) {
        case OP_STRING:
          this.strings[v[i + 1]] = batch.strings[nextString++];
          i += 2;
          break;
        case OP_SITE:
          this.sites[v[i + 1]] = { function: batch.strings[nextString], file: batch.strings[nextString + 1], line: v[i + 2] };
          nextString += 2;
          i += 3;
          break;
        case OP_TASK_BEGIN:
        case OP_TASK_END:
          task.id = v[i + 1]; task.parent = v[i + 2]; task.type = this.strings[v[i + 3]]; task.goroutine = v[i + 4]; task.time = v[i + 5];
          if (v[i] === OP_TASK_END) {
            store.taskEnd(task);
            i += 6;
          } else {
            store.taskBegin(task, v[i + 6] === NO_SITE ? undefined : this.sites[v[i + 6]]);
            i += 7;
          }
          break;
        case OP_REGION_BEGIN:
          region.task = v[i + 1]; region.goroutine = v[i + 2];
          store.regionBegin(region);
          i += 3;
          break;
        case OP_LOG: {
          logEvent.task = v[i + 1]; logEvent.goroutine = v[i + 2]; logEvent.category = this.strings[v[i + 3]];
          const length = v[i + 4];
          if (length === NO_BYTES) {
            logEvent.message = batch.strings[nextString++];
            logEvent.messageBytes = undefined;
          } else {
            const raw = this.messageBytes;
            raw.bytes = batch.bytes; raw.start = nextByte; raw.end = nextByte += length;
            logEvent.message = '';
            logEvent.messageBytes = raw;
          }
          store.log(logEvent);
          i += 5;
          break;
        }
        case OP_FINISH:
          store.finish();
          i += 1;
          break;
        default:
          throw new Error(`task batch: unknown op ${v[i]} at ${i}`);
      }
    }
  }
}
