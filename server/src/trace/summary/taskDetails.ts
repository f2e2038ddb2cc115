// The regions and logs of open tasks, for the task detail view, in shared columns instead of an
// object each: a request task lives for thousands of events, so objects made for its children
// outlive the young generation and are promoted, and collecting them was the largest viewer-only
// cost on a goroutine-per-request trace. A task gets a slot (a number on its record, no object);
// its regions and its logs are two chains of entries (linked by `next`) in one store. Chains become
// objects only for a task that is kept or asked for; a task's slot and entries are reused once it closes.
import type { LogInstance, RegionInstance, SourceLocation } from '../../../../common/traceModel';
import { grownTo } from './goroutineSlots';

const END = -1;
/** Per slot: head, tail and length of its regions' chain, then of its logs'. */
const HEADER = 6;
const REGIONS = 0;
const LOGS = 3;

/** A slot number, or NO_DETAILS for a task whose children are not kept. */
export const NO_DETAILS = -1;

export class TaskDetailStore {
  // Entries. A region uses (goroutine, time = start, end, depth, name = type, site), a log
  // (goroutine, time, name = category, site) and its message. A time not known is NaN.
  private goroutines = new Float64Array(1024);
  private times = new Float64Array(1024);
  private ends = new Float64Array(1024);
  private depths = new Int32Array(1024);
  private next = new Int32Array(1024);
  private readonly names: string[] = [];
  private readonly messages: string[] = [];
  private readonly sites: (SourceLocation | undefined)[] = [];
  private entries = 0;
  private freeEntry = END;
  // Slots: HEADER numbers each; a free slot's first number links to the next free one.
  private headers = new Int32Array(HEADER * 256);
  private slots = 0;
  private freeSlot = END;

  /** A new empty slot. */
  open(): number {
    let s = this.freeSlot;
    if (s !== END) this.freeSlot = this.headers[HEADER * s];
    else {
      this.headers = grownTo(this.headers, HEADER * (this.slots + 1), (n) => new Int32Array(n));
      s = this.slots++;
    }
    const h = HEADER * s;
    this.headers[h + REGIONS] = this.headers[h + REGIONS + 1] = this.headers[h + LOGS] = this.headers[h + LOGS + 1] = END;
    this.headers[h + REGIONS + 2] = this.headers[h + LOGS + 2] = 0;
    return s;
  }

  regionCount(slot: number): number { return this.headers[HEADER * slot + REGIONS + 2]; }
  logCount(slot: number): number { return this.headers[HEADER * slot + LOGS + 2]; }

  addRegion(slot: number, goroutine: number, startNs: number | undefined, endNs: number | undefined, depth: number, type: string, site: SourceLocation | undefined): void {
    const i = this.append(HEADER * slot + REGIONS, goroutine, startNs ?? NaN, type, '', site);
    this.ends[i] = endNs ?? NaN;
    this.depths[i] = depth;
  }

  addLog(slot: number, goroutine: number, timeNs: number, category: string, message: string, site: SourceLocation | undefined): void {
    this.append(HEADER * slot + LOGS, goroutine, timeNs, category, message, site);
  }

  /** The slot's regions as objects, in the order they were added. */
  regions(slot: number, task: number): RegionInstance[] {
    const out: RegionInstance[] = [];
    for (let i = this.headers[HEADER * slot + REGIONS]; i !== END; i = this.next[i]) {
      const startNs = known(this.times[i]);
      const endNs = known(this.ends[i]);
      out.push({
        type: this.names[i], goroutine: this.goroutines[i], task, startNs, endNs,
        durationNs: startNs !== undefined && endNs !== undefined ? endNs - startNs : undefined, depth: this.depths[i], site: this.sites[i],
      });
    }
    return out;
  }

  /** The slot's logs as objects, in the order they were added. */
  logs(slot: number, task: number): LogInstance[] {
    const out: LogInstance[] = [];
    for (let i = this.headers[HEADER * slot + LOGS]; i !== END; i = this.next[i]) {
      out.push({ timeNs: this.times[i], goroutine: this.goroutines[i], task, category: this.names[i], message: this.messages[i], site: this.sites[i] });
    }
    return out;
  }

  /** Gives the slot and its entries back for reuse. */
  release(slot: number): void {
    const h = HEADER * slot;
    this.releaseChain(h + REGIONS);
    this.releaseChain(h + LOGS);
    this.headers[h] = this.freeSlot;
    this.freeSlot = slot;
  }

  private releaseChain(at: number): void {
    const head = this.headers[at];
    if (head === END) return;
    // Messages are the only strings not shared by many entries: not kept alive by a free entry.
    for (let i = head; i !== END; i = this.next[i]) this.messages[i] = '';
    this.next[this.headers[at + 1]] = this.freeEntry;
    this.freeEntry = head;
  }

  /** Appends an entry to the chain whose header starts at `at`; returns the entry. */
  private append(at: number, goroutine: number, time: number, name: string, message: string, site: SourceLocation | undefined): number {
    let i = this.freeEntry;
    if (i !== END) this.freeEntry = this.next[i];
    else {
      if (this.entries === this.next.length) this.grow();
      i = this.entries++;
    }
    this.goroutines[i] = goroutine;
    this.times[i] = time;
    this.names[i] = name;
    this.messages[i] = message;
    this.sites[i] = site;
    this.next[i] = END;
    const tail = this.headers[at + 1];
    if (tail === END) this.headers[at] = i;
    else this.next[tail] = i;
    this.headers[at + 1] = i;
    this.headers[at + 2]++;
    return i;
  }

  private grow(): void {
    const length = this.entries + 1;
    this.goroutines = grownTo(this.goroutines, length, (n) => new Float64Array(n));
    this.times = grownTo(this.times, length, (n) => new Float64Array(n));
    this.ends = grownTo(this.ends, length, (n) => new Float64Array(n));
    this.depths = grownTo(this.depths, length, (n) => new Int32Array(n));
    this.next = grownTo(this.next, length, (n) => new Int32Array(n));
  }
}

function known(time: number): number | undefined {
  return Number.isNaN(time) ? undefined : time;
}
