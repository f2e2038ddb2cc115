import { notEndedCheck } from './notEnded';
import type { Rule } from './rule';

export const regionNotEnded: Rule = {
  meta: {
    id: 'region-not-ended',
    title: 'Region never ended',
    defaultSeverity: 'warning',
    fixable: true,
    docs: `A region started with \`trace.StartRegion\` must be ended with \`region.End()\` on the same
goroutine. Without it the region stays open until the goroutine exits and swallows everything after it.

**Bad**

\`\`\`go
region := trace.StartRegion(ctx, "decode")
decode(r)
\`\`\`

**Good**

\`\`\`go
region := trace.StartRegion(ctx, "decode")
decode(r)
region.End()
\`\`\`

The quick fix adds \`defer region.End()\` after the call (not inside loops). A region that is returned,
passed to another function or stored is assumed to be ended elsewhere.`,
  },
  declarationLocal: true,
  check: notEndedCheck('region'),
};
