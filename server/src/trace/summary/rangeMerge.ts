// Merging the statistics of generation ranges read in parallel (parallel/). The range after a
// boundary was analysed without the state before it and logged every question about that state
// (rangeLog.ts); here the analysis of everything before the boundary answers them in event order,
// then takes over the range's sums and its state at its end, so that it stands exactly where a
// single analysis of both would stand. Exact for the statistics (`trace stats`: overview, tasks,
// regions, logs); per-goroutine time accounting (goroutine groups) is not merged.
//
// This module reaches into TraceAnalyzer's and GoroutineTracker's private state on purpose (by
// element access, which TypeScript checks): the merge is their continuation, not an API of theirs.
import type { SourceLocation, TraceOverview } from '../../../../common/traceModel';
import type { BoundaryJoin } from '../parallel/orderingState';
import type { TraceAnalyzer } from './analyzer';
import type { AnnotationStats } from './annotationStats';
import type { Chunk as DurationChunk } from './durations';
import { isSystemGoroutine, type OpenRegion } from './goroutines';
import type { FirstStw, LoggedRegion, RangeLog, RangeOp } from './rangeLog';

/** Per type, per site: the durations (in no order) and the count of instances without one. */
type SeriesDump = [string, [SourceLocation | undefined, DurationChunk[], number][]][];

interface LiveGoroutine { id: number; name: string; regions: LoggedRegion[]; inherited: boolean; uncertain: boolean }

/** What a range's analysis hands over: plain data, for a worker thread's message. */
export interface RangePartial {
  overview: TraceOverview;
  generationStarting: boolean;
  seenProcs: Uint8Array;
  logs: [string, number, [SourceLocation, number][]][];
  tasks: SeriesDump;
  regions: SeriesDump;
  openTasks: [number, { parent: number; type: string; startNs: number | undefined; site: SourceLocation | undefined }][];
  openStw: [string, { start: number; label: string }][];
  gcOpenSince: number | undefined;
  gcFirst: FirstStw['kind'] | undefined;
  stwFirst: [string, FirstStw][];
  goroutines: { seen: number; lastTs: number; syncTs: number; live: LiveGoroutine[] };
  ops: RangeOp[];
  minTaskBegun: number;
}

function dumpSeries(stats: TraceAnalyzer['tasks'] | TraceAnalyzer['regions']): SeriesDump {
  return [...stats.series()].map(([type, sites]) => [type, sites.map((s) => [s.site, s.series.chunks(), s.series.incomplete])]);
}

function loggedRegion(r: OpenRegion): LoggedRegion {
  return { type: r.type, task: r.task, startNs: r.startNs, site: r.site, synthetic: r.synthetic };
}

/** The range's analysis, after its last event (not finished: what is open stays open). */
export function exportRange(analyzer: TraceAnalyzer, log: RangeLog): RangePartial {
  const tracker = analyzer['goroutines'];
  const exited = new Set(tracker['exited'].map((g) => g.id));
  const live: LiveGoroutine[] = [];
  for (const g of tracker['goroutines'].values()) {
    if (exited.has(g.id)) continue; // gone at the next event: its regions are closed and counted already
    live.push({ id: g.id, name: g.name, regions: g.activeRegions.map(loggedRegion), inherited: log.isInherited(g.id), uncertain: log.isUncertain(g.id) });
  }
  const ops = log.finish(live.map((g) => g.id));
  return {
    overview: { ...analyzer['overview'] },
    generationStarting: analyzer['generationStarting'],
    seenProcs: analyzer['seenProcs'],
    logs: [...analyzer['logs']].map(([category, l]) => [category, l.count, [...l.sites.values()].map((s) => [s.site, s.count])]),
    tasks: dumpSeries(analyzer['tasks']),
    regions: dumpSeries(analyzer['regions']),
    openTasks: [...analyzer['openTasks']].map(([id, r]) => [id, { parent: r.parent, type: r.type, startNs: r.startNs, site: r.site }]),
    openStw: [...analyzer['openStw']],
    gcOpenSince: analyzer['gcOpenSince'],
    gcFirst: log.gcFirst,
    stwFirst: [...log.stwFirst],
    goroutines: { seen: tracker['seen'], lastTs: tracker['lastTs'], syncTs: tracker['syncTs'], live },
    ops,
    minTaskBegun: log.minTaskBegun,
  };
}

/** Regions and tasks begun before a range and still open at its end (by goroutine, bottom first). */
export interface OlderLeft {
  regions: Map<number, [task: number, name: string][]>;
  tasks: Map<number, { name: string; parent: number }>;
}

/**
 * Whether the range read as the reader before it would have, given what its own reader did not know
 * (`join`): every region it ended below the ones it knew must be the next older one (else Go reports
 * misuse there), and no task it began may have the ID of an older one still active (a conflict).
 * Returns why not, or the older regions and tasks still open at its end (the next range is joined to
 * this one's end with them: orderingState.ts withOlder).
 */
export function checkJoin(part: RangePartial, join: BoundaryJoin): string | OlderLeft {
  const left = new Map([...join.older].map(([g, o]) => [g, o.regions.length]));
  const ended = new Map<number, number>();
  const tasksLeft = new Set(join.olderTasks.keys());
  for (const op of part.ops) {
    if (op.op === 'taskEnd') {
      tasksLeft.delete(op.id);
      continue;
    }
    const older = join.older.get(op.g);
    if (older === undefined) continue;
    if (op.op === 'exit' || op.op === 'create') {
      left.set(op.g, 0); // its stack goes with it
      continue;
    }
    if (op.op !== 'pop' || left.get(op.g) === 0) continue;
    const n = (ended.get(op.g) ?? 0) + 1;
    ended.set(op.g, n);
    const j = n - 1 - older.known; // which older region, from the top
    if (j < 0) continue;
    const [task, name] = older.regions[older.regions.length - 1 - j];
    if (task !== op.task || name !== op.type) return `goroutine ${op.g} ends a region begun before the range out of order`;
    left.set(op.g, older.regions.length - 1 - j);
  }
  for (const id of join.olderTasks.keys()) if (id >= part.minTaskBegun) return `a task begun in the range may reuse task ID ${id}`;
  const rest: OlderLeft = { regions: new Map(), tasks: new Map() };
  for (const [g, n] of left) if (n > 0) rest.regions.set(g, join.older.get(g)!.regions.slice(0, n));
  for (const id of tasksLeft) rest.tasks.set(id, join.olderTasks.get(id)!);
  return rest;
}

/** Thrown when the range's state cannot be joined to the one before it (the caller reads it again in order). */
export class RangeConflict extends Error {}

/**
 * Continues `analyzer` (which has read every event before the range, and no more) with the range's
 * analysis, as if it had read the range's events itself.
 */
export function mergeRange(analyzer: TraceAnalyzer, part: RangePartial, olderTasks: BoundaryJoin['olderTasks'] = new Map()): void {
  const sites = analyzer['sites'];
  const site = (s: SourceLocation | undefined): SourceLocation | undefined => (s === undefined ? undefined : sites['intern'](s));
  const region = (r: LoggedRegion): OpenRegion => ({ ...r, site: site(r.site), depth: 0 });
  const tracker = analyzer['goroutines'];
  // What a single analysis does at the range's first event: goroutines that exited at the last one go.
  tracker['releaseExited']();
  const records = tracker['goroutines'];
  let seen = tracker['seen'] + part.goroutines.seen;
  /** The regions from before the range under each goroutine created in it by one with none of its own. */
  const inheritedBase = new Map<number, OpenRegion[]>();
  const stackOf = (g: number): OpenRegion[] | undefined => inheritedBase.get(g) ?? records.get(g)?.activeRegions;
  const close = (r: OpenRegion, g: number, end: number): void => analyzer['regionClosed'](r, g, end, 'end');

  for (const op of part.ops) {
    switch (op.op) {
      case 'inherit':
        inheritedBase.delete(op.g);
        if (records.has(op.g)) seen--; // the same goroutine, counted before the range
        break;
      case 'pop': {
        const top = stackOf(op.g)?.pop();
        close(top ?? { type: op.type, task: 0, startNs: undefined, site: undefined, depth: 0, synthetic: false }, op.g, op.time);
        break;
      }
      case 'create': {
        const stack = stackOf(op.creator);
        const top = stack?.[stack.length - 1];
        inheritedBase.set(op.g, top === undefined ? [] : [{ type: '', task: top.task, startNs: op.time, site: undefined, depth: 0, synthetic: true }]);
        break;
      }
      case 'exit': {
        const record = records.get(op.g);
        const name = record !== undefined && record.name !== '' ? record.name : op.name;
        if (!isSystemGoroutine(name)) {
          for (const r of [...record?.activeRegions ?? [], ...op.regions.map(region)]) analyzer['regionClosed'](r, op.g, op.time, 'goroutine-exit');
        }
        records.delete(op.g);
        break;
      }
      case 'taskEnd': {
        // The range's reader did not know an older task: its end event named it from the reader before.
        const older = olderTasks.get(op.id);
        analyzer['taskEnd'](op.id, older?.parent ?? op.parent, older?.name ?? op.type, op.time, op.g);
        break;
      }
    }
  }

  for (const g of part.goroutines.live) {
    const own = g.regions.map(region);
    const before = g.inherited ? records.get(g.id) : undefined;
    if (before !== undefined) {
      for (const r of own) before.pushRegion(r);
      if (before.name === '') before.name = g.name;
      continue;
    }
    if (records.has(g.id)) throw new RangeConflict(`goroutine ${g.id} is alive on both sides of a generation boundary without being inherited`);
    const record = tracker['newGoroutine'](g.id, 0);
    record.name = g.name;
    record.activeRegions = [...(g.uncertain ? inheritedBase.get(g.id) ?? [] : []), ...own];
  }
  tracker['seen'] = seen;
  tracker['lastLookedUp'] = undefined; // its one-entry cache may hold a record the replay released
  tracker['lastTs'] = part.goroutines.lastTs;
  tracker['syncTs'] = part.goroutines.syncTs;

  mergeOverview(analyzer, part);
  for (const [category, count, logSites] of part.logs) {
    const logs = analyzer['logs'];
    let stats = logs.get(category);
    if (stats === undefined) logs.set(category, (stats = { count: 0, sites: new Map() }));
    stats.count += count;
    for (const [s, n] of logSites) {
      const interned = site(s)!;
      const entry = stats.sites.get(interned);
      if (entry === undefined) stats.sites.set(interned, { site: interned, count: n });
      else entry.count += n;
    }
  }
  mergeSeries(analyzer['tasks'], part.tasks, site);
  mergeSeries(analyzer['regions'], part.regions, site);
  const openTasks = analyzer['openTasks'];
  for (const [id, t] of part.openTasks) openTasks.open(id, t.parent, t.type, t.startNs, site(t.site));
}

function mergeSeries(stats: Pick<AnnotationStats, 'durations'>, dump: SeriesDump, site: (s: SourceLocation | undefined) => SourceLocation | undefined): void {
  for (const [type, sites] of dump) {
    for (const [s, chunks, incomplete] of sites) {
      // As many count() calls would: no entry for a site without an instance.
      if (incomplete === 0 && chunks.every((c) => c.length === 0)) continue;
      const series = stats.durations(type, site(s));
      for (const chunk of chunks) series.addChunk(chunk);
      series.incomplete += incomplete;
    }
  }
}

/** Counts, pauses and GC cycles, with the pauses and cycles that began before the range. */
function mergeOverview(analyzer: TraceAnalyzer, part: RangePartial): void {
  const o = analyzer['overview'];
  const p = part.overview;
  if (p.events > 0) o.endNs = p.endNs;
  o.events += p.events;
  o.generations += p.generations;
  analyzer['generationStarting'] = part.generationStarting;
  o.peakHeapBytes = Math.max(o.peakHeapBytes, p.peakHeapBytes);
  for (let proc = 0; proc < part.seenProcs.length; proc++) if (part.seenProcs[proc] !== 0) analyzer['sawProc'](proc);

  // A GC cycle in progress at the boundary: the range counted it again when it saw it active.
  o.gcCount += p.gcCount - (part.gcFirst !== undefined && part.gcFirst !== 'RangeEnd' && analyzer['gcOpenSince'] !== undefined ? 1 : 0);
  if (part.gcFirst !== undefined) analyzer['gcOpenSince'] = part.gcOpenSince;

  o.stwCount += p.stwCount;
  o.stwPauseNs += p.stwPauseNs;
  o.gcPauseNs += p.gcPauseNs;
  const open = analyzer['openStw'];
  const keptOpen = new Set<string>();
  for (const [key, first] of part.stwFirst) {
    const before = open.get(key);
    if (before === undefined) continue;
    if (first.kind === 'RangeEnd') {
      // The range saw only the end of a pause begun before it.
      addPause(o, first.name, first.time - before.start);
      o.stwCount++;
      open.delete(key);
    } else if (first.closedAt !== undefined) {
      // It began before the range, not when the range first saw it.
      addPause(o, first.name, first.time - before.start);
      open.delete(key);
    } else {
      keptOpen.add(key);
    }
  }
  for (const [key, span] of part.openStw) if (!keptOpen.has(key)) open.set(key, span);
}

function addPause(o: TraceOverview, name: string, ns: number): void {
  o.stwPauseNs += ns;
  if (name.includes('GC')) o.gcPauseNs += ns;
}
