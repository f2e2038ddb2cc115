// How many goroutines of a group (one start function) were running, runnable and blocked over
// time: the summary lane of a group on the timeline. Kept as time integrals (goroutine·ns) in
// buckets whose width doubles whenever the trace outgrows MAX_BUCKETS, so a group costs at most
// 3 × MAX_BUCKETS floats whatever the trace's length or its number of goroutines.

/** What the summary lane counts: running (or in a syscall), runnable, blocked (waiting). */
export type ActivityState = 0 | 1 | 2;
export const RUNNING: ActivityState = 0;
export const RUNNABLE: ActivityState = 1;
export const BLOCKED: ActivityState = 2;

export const MAX_BUCKETS = 4096;
const FIRST_WIDTH_NS = 1_000;

/** A group's activity as the viewer draws it: average goroutines per state, per bucket. */
export interface ActivitySeries { startNs: number; widthNs: number; running: number[]; runnable: number[]; blocked: number[] }

export class GroupActivity {
  private widthNs = FIRST_WIDTH_NS;
  private origin = NaN;
  /** Integrals per bucket, RUNNING/RUNNABLE/BLOCKED interleaved. */
  private sums = new Float32Array(3 * 64);
  private buckets = 0;
  private readonly counts = [0, 0, 0];
  private last = NaN;
  /** The bucket reached last and its bounds: most changes fall in it, found without a division. */
  private current = -1;
  private currentStart = 0;
  private currentEnd = -Infinity;

  /** A goroutine of the group left state `from` (undefined: none counted) for `to` at `time`. */
  change(time: number, from: ActivityState | undefined, to: ActivityState | undefined): void {
    this.advance(time);
    if (from !== undefined) this.counts[from]--;
    if (to !== undefined) this.counts[to]++;
  }

  /**
   * Average goroutines per state in [startNs, endNs], one value per bucket of at least
   * `resolutionNs` (several buckets summed when they are narrower), counted up to `untilNs`.
   */
  series(startNs: number, endNs: number, resolutionNs: number, untilNs: number): ActivitySeries | undefined {
    if (Number.isNaN(this.origin)) return undefined;
    const pending = Number.isNaN(this.last) ? 0 : Math.max(0, untilNs - this.last);
    const factor = Math.max(1, Math.floor(resolutionNs / this.widthNs));
    const width = this.widthNs * factor;
    const first = Math.max(0, Math.floor((startNs - this.origin) / width));
    const last = Math.min(Math.ceil(this.buckets / factor) - 1, Math.floor((endNs - this.origin) / width));
    const out: ActivitySeries = { startNs: this.origin + first * width, widthNs: width, running: [], runnable: [], blocked: [] };
    const lists = [out.running, out.runnable, out.blocked];
    for (let b = first; b <= last; b++) {
      for (let s = 0; s < 3; s++) {
        let sum = 0;
        for (let k = b * factor; k < Math.min(this.buckets, (b + 1) * factor); k++) sum += this.sums[3 * k + s];
        lists[s].push(sum / width);
      }
    }
    // The interval since the last change is not in the buckets yet: counted with the current counts.
    if (pending > 0 && lists[0].length > 0) {
      const lastStart = out.startNs + (lists[0].length - 1) * width;
      if (this.last >= lastStart) for (let s = 0; s < 3; s++) lists[s][lists[s].length - 1] += (this.counts[s] * Math.min(pending, lastStart + width - this.last)) / width;
    }
    return out;
  }

  bytes(): number { return this.sums.byteLength; }

  /** Adds the current counts over [last, time) to the buckets. */
  private advance(time: number): void {
    if (Number.isNaN(this.origin)) {
      this.origin = Math.floor(time / this.widthNs) * this.widthNs;
      this.last = time;
      return;
    }
    let t = this.last;
    if (!(time > t)) return;
    const counts = this.counts;
    const running = counts[0], runnable = counts[1], blocked = counts[2];
    this.last = time;
    if (running === 0 && runnable === 0 && blocked === 0) {
      this.reach(time);
      return;
    }
    while (t < time) {
      const b = this.reach(t);
      const dt = Math.min(time, this.currentEnd) - t;
      this.sums[3 * b] += running * dt;
      this.sums[3 * b + 1] += runnable * dt;
      this.sums[3 * b + 2] += blocked * dt;
      t += dt;
    }
  }

  /** The bucket of time `t`, made to exist (wider buckets once there would be too many). */
  private reach(t: number): number {
    if (t < this.currentEnd && t >= this.currentStart) return this.current;
    let b = Math.floor((t - this.origin) / this.widthNs);
    while (b >= MAX_BUCKETS) {
      this.coarsen();
      b = Math.floor((t - this.origin) / this.widthNs);
    }
    if (b >= this.buckets) {
      if (3 * (b + 1) > this.sums.length) {
        const grown = new Float32Array(3 * Math.min(MAX_BUCKETS, Math.max(b + 1, Math.ceil(this.buckets * 1.5))));
        grown.set(this.sums);
        this.sums = grown;
      }
      this.buckets = b + 1;
    }
    this.current = b;
    this.currentStart = this.origin + b * this.widthNs;
    this.currentEnd = this.currentStart + this.widthNs;
    return b;
  }

  /** Doubles the bucket width, summing pairs (the origin moves down to a multiple of the new width). */
  private coarsen(): void {
    const width = this.widthNs * 2;
    const origin = Math.floor(this.origin / width) * width;
    const shift = (this.origin - origin) / this.widthNs; // 0 or 1 old bucket
    const sums = new Float32Array(this.sums.length);
    let buckets = 0;
    for (let k = 0; k < this.buckets; k++) {
      const j = (k + shift) >> 1;
      for (let s = 0; s < 3; s++) sums[3 * j + s] += this.sums[3 * k + s];
      buckets = j + 1;
    }
    this.sums = sums;
    this.buckets = buckets;
    this.widthNs = width;
    this.origin = origin;
    this.currentEnd = -Infinity;
  }
}
