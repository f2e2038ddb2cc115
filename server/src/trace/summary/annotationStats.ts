// Statistics of one kind of annotation (tasks or regions) by type and by source site: exact
// durations for percentiles (durations.ts) plus, for regions, a bounded set of kept instances (instances.ts).
import type { InstanceList, LatencyStats, SiteStats, SourceLocation } from '../../../../common/traceModel';
import { DurationSeries, combinedStats } from './durations';
import { InstanceKeeper, bySlowest, type Timed } from './instances';

interface SiteEntry<T extends Timed> { site: SourceLocation | undefined; series: DurationSeries; keeper: InstanceKeeper<T> }
/** Sites are keyed by identity: SiteResolver interns them, one object per source line. */
interface TypeEntry<T extends Timed> { sites: Map<SourceLocation | undefined, SiteEntry<T>> }

export class AnnotationStats<T extends Timed = Timed> {
  private readonly types = new Map<string, TypeEntry<T>>();

  /**
   * Records one instance (its duration only when it had both a begin and an end). Returns the
   * keeper when the instance is to be kept: the caller makes it and passes it to keeper.keep().
   */
  add(type: string, site: SourceLocation | undefined, durationNs: number | undefined): InstanceKeeper<T> | undefined {
    const entry = this.siteEntry(type, site);
    entry.series.record(durationNs); // type statistics combine the sites' series
    return entry.keeper.admits(durationNs) ? entry.keeper : undefined;
  }

  /** Records only the duration of an instance (undefined without both a begin and an end); keeps nothing. */
  count(type: string, site: SourceLocation | undefined, durationNs: number | undefined): void {
    this.siteEntry(type, site).series.record(durationNs);
  }

  /** The duration series of a type's site, made if new: for adding many durations at once (rangeMerge.ts). */
  durations(type: string, site: SourceLocation | undefined): DurationSeries {
    return this.siteEntry(type, site).series;
  }

  private siteEntry(type: string, site: SourceLocation | undefined): SiteEntry<T> {
    let entry = this.types.get(type);
    if (entry === undefined) this.types.set(type, (entry = { sites: new Map() }));
    let siteEntry = entry.sites.get(site);
    if (siteEntry === undefined) {
      siteEntry = { site, series: new DurationSeries(), keeper: new InstanceKeeper<T>() };
      entry.sites.set(site, siteEntry);
    }
    return siteEntry;
  }

  /** Types sorted by name, each with its sites by count (instances without a site are left out of sites). */
  stats(): (LatencyStats & { type: string; sites: SiteStats[] })[] {
    return [...this.types.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([type, entry]) => {
        const siteEntries = [...entry.sites.values()];
        // Most types have one site: its statistics are the type's, computed once.
        const single = siteEntries.length === 1 ? siteEntries[0].series.stats() : undefined;
        return {
          type,
          ...(single ?? combinedStats(siteEntries.map((s) => s.series))),
          sites: siteEntries
            .filter((s): s is SiteEntry<T> & { site: SourceLocation } => s.site !== undefined)
            .map((s) => ({ site: s.site, ...(single ?? s.series.stats()) }))
            .sort((a, b) => b.count - a.count || compareSites(a.site, b.site)),
        };
      });
  }

  /** Each type's duration series by site (comparisons need the durations themselves, not only statistics). */
  series(): Map<string, { site: SourceLocation | undefined; series: DurationSeries }[]> {
    return new Map([...this.types].map(([type, entry]) => [type, [...entry.sites.values()].map((s) => ({ site: s.site, series: s.series }))]));
  }

  /** Kept instances of a type, optionally of one site (matched by file and line). */
  instances(type: string, site: { file: string; line: number } | undefined, limit: number): InstanceList<T> {
    const entry = this.types.get(type);
    if (entry === undefined) return { total: 0, kept: 0, instances: [] };
    const sites = [...entry.sites.values()].filter((s) =>
      site === undefined || (s.site !== undefined && s.site.file === site.file && s.site.line === site.line));
    const kept = sites.flatMap((s) => s.keeper.instances()).sort(bySlowest);
    return {
      total: sites.reduce((n, s) => n + s.series.count, 0),
      kept: kept.length,
      instances: kept.slice(0, Math.max(0, limit)),
    };
  }
}

function compareSites(a: SourceLocation, b: SourceLocation): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}
