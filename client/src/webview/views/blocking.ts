// Blocking profiles by stack (like go tool trace -pprof=sync|net|syscall|sched).
import type { BlockingProfile, BlockingProfileEntry, SourceLocation } from '../../../../common/traceModel';
import { h, linkButton } from '../dom';
import { formatCount, formatDuration, siteLabel, siteTitle } from '../format';
import type { ViewContext } from './context';
import { dataTable } from './table';

const ENTRIES_SHOWN = 100;

/**
 * The innermost frame of the program itself: main or a module path (which has a dot in its first
 * element), not the runtime or the standard library; undefined for a stack with none (runtime or
 * standard-library goroutines), which is said in words instead of repeating a runtime frame.
 */
function programFrame(entry: BlockingProfileEntry): SourceLocation | undefined {
  return entry.frames.find((f) => f.function.startsWith('main.') || (f.function.includes('/') && f.function.split('/')[0].includes('.')));
}

/** What the From column says for a stack without a program frame: the function its goroutine started in. */
function noProgramFrame(entry: BlockingProfileEntry): string {
  const outermost = entry.frames[entry.frames.length - 1];
  return outermost ? `none (goroutine of ${outermost.function})` : 'none (no stack)';
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
  const shown = entries.length < profile.stacks ? ` (the ${formatCount(entries.length)} largest of ${formatCount(profile.stacks)})` : '';
  const showStack = (entry: BlockingProfileEntry): void => {
    stack.replaceChildren(h('ol', { className: 'frames', attrs: { 'aria-label': 'Stack, innermost frame first' } },
      ...entry.frames.map((frame) => h('li', {}, linkButton(`${frame.function}  ${siteLabel(frame)}`, siteTitle(frame), () => ctx.reveal(frame, 'frame'))))));
  };
  return h('section', { attrs: { 'aria-label': `${profile.reason} blocking` } },
    h('h2', {}, `${profile.reason}: ${formatDuration(profile.totalNs)}`),
    dataTable<BlockingProfileEntry>({
      caption: `Stacks blocked on ${profile.reason}${shown}`, rows: entries, key: (e) => e.frames.map(siteLabel).join('|'), sortColumn: 2,
      columns: [
        { header: 'Blocked in', value: (e) => e.frames[0]?.function ?? '', cell: (e) => e.frames[0]?.function ?? '(no stack)' },
        {
          header: 'From (program frame)', value: (e) => programFrame(e)?.function ?? noProgramFrame(e),
          cell: (e) => {
            const frame = programFrame(e);
            return frame ? linkButton(`${frame.function} ${siteLabel(frame)}`, siteTitle(frame), () => ctx.reveal(frame, 'frame'))
              : h('span', { className: 'muted' }, noProgramFrame(e));
          },
        },
        { header: 'Total', value: (e) => e.totalNs, cell: (e) => formatDuration(e.totalNs), numeric: true },
        { header: 'Count', value: (e) => e.count, cell: (e) => formatCount(e.count), numeric: true },
      ],
      onActivate: showStack,
    }),
    stack);
}
