// Blocking profiles by stack (like go tool trace -pprof=sync|net|syscall|sched).
import type { BlockingProfile, BlockingProfileEntry, SourceLocation } from '../../../../common/traceModel';
import { h, linkButton } from '../dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { dataTable } from './table';

const ENTRIES_SHOWN = 100;

/** The innermost frame of the program itself: main or a module path (which has a dot in its first element), not the standard library. */
function userFrame(entry: BlockingProfileEntry): SourceLocation | undefined {
  return entry.frames.find((f) => f.function.startsWith('main.') || (f.function.includes('/') && f.function.split('/')[0].includes('.'))) ?? entry.frames[0];
}

export function blockingView(ctx: ViewContext): HTMLElement {
  const profiles = ctx.summary.blocking.filter((p) => p.entries.length > 0);
  return h('div', { className: 'view blocking' },
    h('h1', {}, 'Blocking profiles'),
    profiles.length === 0 ? h('p', { className: 'muted' }, 'No blocking recorded.') : null,
    ...profiles.map((profile) => profileSection(ctx, profile)));
}

function profileSection(ctx: ViewContext, profile: BlockingProfile): HTMLElement {
  const stack = h('div', { className: 'stack' });
  const entries = [...profile.entries].sort((a, b) => b.totalNs - a.totalNs).slice(0, ENTRIES_SHOWN);
  const showStack = (entry: BlockingProfileEntry): void => {
    stack.replaceChildren(h('ol', { className: 'frames', attrs: { 'aria-label': 'Stack, innermost frame first' } },
      ...entry.frames.map((frame) => h('li', {}, linkButton(`${frame.function}  ${siteLabel(frame)}`, siteTitle(frame), () => ctx.reveal(frame, 'frame'))))));
  };
  return h('section', { attrs: { 'aria-label': `${profile.reason} blocking` } },
    h('h2', {}, `${profile.reason}: ${formatDuration(profile.totalNs)}`),
    dataTable<BlockingProfileEntry>({
      caption: `Stacks blocked on ${profile.reason}`, rows: entries, key: (e) => e.frames.map(siteLabel).join('|'), sortColumn: 2,
      columns: [
        { header: 'Blocked in', value: (e) => e.frames[0]?.function ?? '', cell: (e) => e.frames[0]?.function ?? '(no stack)' },
        {
          header: 'From (program frame)', value: (e) => userFrame(e)?.function ?? '',
          cell: (e) => {
            const frame = userFrame(e);
            return frame ? linkButton(`${frame.function} ${siteLabel(frame)}`, siteTitle(frame), () => ctx.reveal(frame, 'frame')) : '–';
          },
        },
        { header: 'Total', value: (e) => e.totalNs, cell: (e) => formatDuration(e.totalNs), numeric: true },
        { header: 'Count', value: (e) => e.count, cell: (e) => formatCount(e.count), numeric: true },
      ],
      onActivate: showStack,
    }),
    stack);
}
