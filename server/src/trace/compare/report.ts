// `trace diff` reports: text aligned as benchstat aligns it, Markdown for a pull-request comment,
// JSON for scripts and CSV for spreadsheets. Changes are shown benchstat's way: the percent change
// when the U test finds one (p < α), "~" when it does not, with the p-value and both sample sizes.
import { csv, type CsvValue } from '../csv';
import type { LatencyStats } from '../../../../common/traceModel';
import { formatDuration } from '../../../../common/format';
import { quoted, table } from '../summary/report';
import {
  formatChange, LATENCY_METRICS, metricValue, type LatencyComparison, type LogComparison, type TraceComparison, type TypeComparison,
} from '../../../../common/traceComparison';
import type { ConditionResult } from './conditions';

type LatencyJson = Omit<LatencyStats, 'histogram'>;

function latencyJson(s: LatencyStats | undefined): LatencyJson | undefined {
  if (s === undefined) return undefined;
  const { histogram: _histogram, ...rest } = s;
  return rest;
}

/** The comparison without histograms (the viewer draws them; scripts want numbers). */
export function diffJson(c: TraceComparison, conditions: ConditionResult[] = []): unknown {
  const latency = (l: LatencyComparison) => ({
    status: l.status, old: latencyJson(l.old), new: latencyJson(l.new), changePct: l.changePct,
    ...(l.test === undefined ? {} : { test: { p: l.test.p, u: l.test.u, n1: l.test.n1, n2: l.test.n2, method: l.test.method, significant: l.test.significant } }),
  });
  const types = (list: TypeComparison[]) => list.map((t) => ({ type: t.type, ...latency(t), sites: t.sites.map((s) => ({ site: s.site, ...latency(s) })) }));
  return { old: c.old, new: c.new, alpha: c.alpha, tasks: types(c.tasks), regions: types(c.regions), logs: c.logs, conditions };
}

/** benchstat's "vs base" cell: the change when significant, else "~"; then (p=… n=…+…). */
function vsBase(l: LatencyComparison, pct: number | null | undefined): string {
  if (l.status === 'added' || l.status === 'removed') return l.status;
  return l.status === 'unchanged' ? '~' : formatChange(pct);
}

function testNote(l: LatencyComparison): string {
  return l.test === undefined ? '' : `(p=${l.test.p.toFixed(3)} n=${l.test.n1}+${l.test.n2})`;
}

function durationCells(s: LatencyStats | undefined): string[] {
  if (s === undefined) return ['', '', ''];
  return [String(s.count), s.completeCount === 0 ? '–' : formatDuration(s.p50Ns), s.completeCount === 0 ? '–' : formatDuration(s.p99Ns)];
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

/** A type's rows, then its sites' rows when it has more than one (one site would repeat the type's numbers). */
function rowsOf(list: TypeComparison[], row: (label: string, l: LatencyComparison) => string[]): string[][] {
  return list.flatMap((t) => [
    row(quoted(t.type), t),
    ...(t.sites.length > 1 ? t.sites.map((s) => row(`  ${baseName(s.site.file)}:${s.site.line}`, s)) : []),
  ]);
}

export function diffText(c: TraceComparison, conditions: ConditionResult[] = []): string {
  const out = [`old: ${c.old.name}  (${describeSide(c.old)})`, `new: ${c.new.name}  (${describeSide(c.new)})`];
  const header = (what: string) => [what, 'old n', 'old p50', 'old p99', 'new n', 'new p50', 'new p99', 'p50 vs base', 'p99 vs base', ''];
  const row = (label: string, l: LatencyComparison) => [
    label, ...durationCells(l.old), ...durationCells(l.new), vsBase(l, l.changePct?.p50), vsBase(l, l.changePct?.p99), testNote(l),
  ];
  for (const [title, list] of [['Tasks', c.tasks], ['Regions', c.regions]] as const) {
    out.push('', title, list.length === 0 ? '(none)' : table(header('type'), rowsOf(list, row)));
  }
  out.push('', 'Logs', c.logs.length === 0 ? '(none)' : table(['category', 'old', 'new', 'vs base'], c.logs.map((l) => [quoted(l.category), String(l.old), String(l.new), logChange(l)])));
  out.push('', `p: two-sided Mann–Whitney U test on the durations; ~ when p ≥ ${c.alpha} (no significant change)`);
  for (const r of conditions) out.push(conditionLine(r));
  return out.join('\n') + '\n';
}

function describeSide(s: TraceComparison['old']): string {
  const parts = [`Go ${s.goVersion}`, formatDuration(s.durationNs), `${s.events} events`];
  if (s.truncatedError !== undefined) parts.push(`truncated: ${s.truncatedError}`);
  return parts.join(', ');
}

function logChange(l: LogComparison): string {
  return l.status === 'added' || l.status === 'removed' ? l.status : formatChange(l.changePct);
}

export function conditionLine(r: ConditionResult): string {
  const detail = r.matches.length === 0 ? 'matched nothing' : r.matches.map((m) => `${m.failed ? 'FAIL ' : ''}${m.type}: ${m.detail}`).join('; ');
  return `${r.failed ? 'FAIL' : 'ok  '} ${r.condition}: ${detail}`;
}

/**
 * Markdown text from a trace: every character that Markdown or HTML would interpret is escaped,
 * so a hostile name stays text in a pull-request comment.
 */
export function markdownText(s: string): string {
  return s
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (ch) => `\\${ch}`)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;')
    .replace(/[\r\n]+/g, ' ');
}

const STATUS_WORD: Record<LatencyComparison['status'], string> = {
  slower: '🔴 slower', faster: '🟢 faster', unchanged: '~', added: 'added', removed: 'removed',
};

export function diffMarkdown(c: TraceComparison, conditions: ConditionResult[] = []): string {
  const out = [`### Trace comparison: ${markdownText(c.old.name)} → ${markdownText(c.new.name)}`, ''];
  const failed = conditions.filter((r) => r.failed);
  if (conditions.length > 0) {
    out.push(failed.length === 0 ? `✅ All ${conditions.length} condition(s) hold.` : `❌ ${failed.length} of ${conditions.length} condition(s) failed:`, '');
    // The condition is the user's own text, shown as code; only what matched comes from the traces.
    for (const r of conditions) out.push(`- ${r.failed ? '❌' : '✅'} \`${r.condition.replace(/[`\r\n]/g, "'")}\`: ${markdownText(r.matches.length === 0 ? 'matched nothing' : r.matches.map((m) => `${m.type}: ${m.detail}`).join('; '))}`);
    out.push('');
  }
  const cell = (s: LatencyStats | undefined, pick: (s: LatencyStats) => number) => (s === undefined || s.completeCount === 0 ? '' : formatDuration(pick(s)));
  const mdRow = (label: string, l: LatencyComparison) => [
    label, STATUS_WORD[l.status], l.old?.count ?? '', l.new?.count ?? '',
    cell(l.old, (s) => s.p50Ns), cell(l.new, (s) => s.p50Ns), l.status === 'unchanged' ? '~' : l.old && l.new ? formatChange(l.changePct?.p50) : '',
    cell(l.old, (s) => s.p99Ns), cell(l.new, (s) => s.p99Ns), l.status === 'unchanged' ? '~' : l.old && l.new ? formatChange(l.changePct?.p99) : '',
    l.test === undefined ? '' : l.test.p.toFixed(3),
  ].map(String);
  for (const [title, list] of [['Tasks', c.tasks], ['Regions', c.regions]] as const) {
    if (list.length === 0) continue;
    out.push(`#### ${title}`, '', '| type | change | old n | new n | old p50 | new p50 | Δ p50 | old p99 | new p99 | Δ p99 | p |',
      '| :-- | :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
    for (const t of list) {
      out.push(`| ${mdRow(markdownText(quoted(t.type)), t).join(' | ')} |`);
      if (t.sites.length > 1) for (const s of t.sites) out.push(`| ${mdRow(`↳ ${markdownText(`${baseName(s.site.file)}:${s.site.line}`)}`, s).join(' | ')} |`);
    }
    out.push('');
  }
  if (c.logs.length > 0) {
    out.push('#### Logs', '', '| category | old | new | change |', '| :-- | --: | --: | --: |');
    for (const l of c.logs) out.push(`| ${markdownText(quoted(l.category))} | ${l.old} | ${l.new} | ${logChange(l)} |`);
    out.push('');
  }
  out.push(`<sub>p: two-sided Mann–Whitney U test on the durations (as benchstat); ~ when p ≥ ${c.alpha}. Made by go-trace-lens trace diff.</sub>`);
  return out.join('\n') + '\n';
}

const CSV_METRICS = LATENCY_METRICS;

export function diffCsv(c: TraceComparison): string {
  const header = ['kind', 'type', 'file', 'line', 'function', 'status',
    ...CSV_METRICS.flatMap((m) => [`old_${m}${m === 'count' ? '' : '_ns'}`, `new_${m}${m === 'count' ? '' : '_ns'}`, `${m}_change_pct`]),
    'p_value', 'old_n', 'new_n', 'significant'];
  const latency = (l: LatencyComparison): CsvValue[] => [
    l.status,
    ...CSV_METRICS.flatMap((m) => [l.old && metricValue(l.old, m), l.new && metricValue(l.new, m), l.changePct?.[m]]),
    l.test?.p, l.test?.n1, l.test?.n2, l.test?.significant,
  ];
  const rows: CsvValue[][] = [];
  for (const t of [...c.tasks, ...c.regions]) {
    rows.push([t.kind, t.type, '', '', '', ...latency(t)]);
    for (const s of t.sites) rows.push([t.kind, t.type, s.site.file, s.site.line, s.site.function, ...latency(s)]);
  }
  for (const l of c.logs) {
    const blank = CSV_METRICS.length * 3 - 3;
    rows.push(['log', l.category, '', '', '', l.status, l.old, l.new, l.changePct, ...Array<CsvValue>(blank + 4).fill('')]);
  }
  return csv(header, rows);
}
