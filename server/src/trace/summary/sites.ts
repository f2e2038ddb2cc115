// Source sites of annotations: the frame of the user's trace.NewTask / StartRegion / WithRegion /
// Log call, found in the event's stack.
import type { Stack, StackFrame } from '../event';
import type { SourceLocation } from '../../../../common/traceModel';

/** runtime and runtime/trace functions (and their internal helpers) are never the user's call site. */
function isTracerFrame(frame: StackFrame): boolean {
  return frame.func.startsWith('runtime.') || frame.func.startsWith('runtime/trace.');
}

export function locationOf(frame: StackFrame): SourceLocation {
  return { function: frame.func, file: frame.file, line: frame.line };
}

function siteKey(site: SourceLocation | undefined): string {
  return site === undefined ? '' : `${site.file}:${site.line}:${site.function}`;
}

/**
 * Resolves stacks to sites, caching by stack identity (the reader shares one array per stack ID)
 * so that one site object is shared by all instances of a site.
 */
export class SiteResolver {
  private readonly cache = new WeakMap<Stack, SourceLocation | null>();
  private readonly interned = new Map<string, SourceLocation>();

  /** The first frame, leaf first, outside runtime and runtime/trace; undefined without one. */
  siteOf(stack: Stack): SourceLocation | undefined {
    if (stack.length === 0) return undefined;
    const cached = this.cache.get(stack);
    if (cached !== undefined) return cached ?? undefined;
    const frame = stack.find((f) => !isTracerFrame(f));
    const site = frame === undefined ? undefined : this.intern(locationOf(frame));
    this.cache.set(stack, site ?? null);
    return site;
  }

  private intern(site: SourceLocation): SourceLocation {
    const key = siteKey(site);
    const existing = this.interned.get(key);
    if (existing !== undefined) return existing;
    this.interned.set(key, site);
    return site;
  }
}
