// The timeline: goroutine, proc and GC lanes on a canvas, zoomed and panned
// with mouse or keyboard. Each frame draws the last slice the server sent
// (already merged to about one span per pixel, so a frame costs about
// lanes × width no matter how many events the trace has); a new slice for
// the current window and resolution is fetched after every change. Frames draw
// straight from the packed slice: no object per span, so a new slice leaves the
// garbage collector little to trace and frames stay even.
import { PACKED_STRIDE, unpackLane, type Lane, type PackedLane, type PackedTimelineSlice, type TimelineSpan } from '../../../../common/traceModel';
import { h, replaceChildren } from '../dom';
import { formatCount, formatDuration } from '../format';
import type { TimelineFocus } from '../messages';
import type { ViewContext } from './context';
import { AXIS_HEIGHT, clippedSpan, drawAxis, laneRangeText, LaneScrollbar, legend } from './timelineFrame';
import { drawActivity, GoroutineGrouping } from './goroutineGroups';
import { drawTaskLane, layoutTaskLane, type TaskLaneLayout } from './taskLane';

const LABEL_WIDTH = 160;
const STATE_HEIGHT = 10;
const DEPTH_HEIGHT = 12;
const LANE_GAP = 4;
const MIN_SPAN_NS = 1000;
/** Height of a goroutine group's summary lane. */
const GROUP_HEIGHT = 24;
/** Region names drawn per frame at most (each needs a clip). */
const MAX_LABELS = 400;

/**
 * A fetched lane placed on the canvas; index is its position in the display order (0 = GC, pinned on top).
 * `objects` is the lane as span objects, made only when a click or key needs them (spansOf).
 */
interface LaneLayout { lane: Lane; index: number; packed: PackedLane; count: number; top: number; height: number; objects?: TimelineSpan[] }
interface Hit { layout: LaneLayout; span: TimelineSpan }

export class TimelineView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly details: HTMLElement;
  private readonly status: HTMLElement;
  private ctx: ViewContext;
  private startNs = 0;
  private endNs = 0;
  /** The window shows the whole trace and follows it as more loads, until the user zooms or pans. */
  private fitted = true;
  private readonly scrollbar: LaneScrollbar;
  private legend: HTMLElement;
  /** "Show in timeline": its goroutines' lanes pinned under the GC lane, its spans outlined. */
  private focus?: TimelineFocus;
  /** The focus's task lane (the Tasks view's "Show in timeline"), drawn under the axis above every other lane. */
  private taskLane?: TaskLaneLayout;
  private readonly focusBar: HTMLElement;
  /** Vertical wheel movement not yet worth a whole lane. */
  private wheelLanes = 0;
  /** Display index of the lane at the top, under the pinned GC lane (vertical scrolling is by lane, so 100 000 goroutines cost nothing). */
  private firstLane = 1;
  private totalLanes = 0;
  private slice?: PackedTimelineSlice;
  private layout: LaneLayout[] = [];
  private selection?: Hit;
  private inFlight = false;
  private stale = true;
  private framePending = false;
  private drag?: { x: number; y: number; startNs: number; firstLane: number; moved: boolean };
  /** Canvas size in CSS pixels and theme colours, cached: reading them in a frame would force style and layout work. */
  private size = { width: 1, height: 1 };
  private colors?: Colors;
  /** Rectangles per colour, kept across frames: a frame's ~100k numbers would otherwise be new garbage each time. */
  private readonly rectBatches = new Map<string, number[]>();
  /** Recent frame times in ms, for the status line and the benchmark. */
  readonly frameTimes: number[] = [];
  private readonly grouping: GoroutineGrouping;

  constructor(ctx: ViewContext) {
    this.ctx = ctx;
    this.canvas = h('canvas', {
      className: 'timeline-canvas',
      attrs: {
        tabindex: 0, role: 'img',
        'aria-label': 'Timeline. Arrow keys pan and scroll, plus and minus zoom, 0 resets. ] and [ select the next and previous span '
          + 'of a lane, Escape clears the selection; Tab moves to the selected span’s details.',
      },
    });
    this.details = h('section', { className: 'timeline-details', attrs: { 'aria-live': 'polite', 'aria-label': 'Selection' } }, h('p', { className: 'muted' }, 'Click a span to see its details.'));
    this.status = h('span', { className: 'timeline-status muted', attrs: { 'aria-hidden': 'true' } });
    const button = (label: string, title: string, action: () => void) =>
      h('button', { attrs: { type: 'button', title, 'aria-label': title }, on: { click: action } }, label);
    this.grouping = new GoroutineGrouping(ctx.state.timelineGroups, (groups) => {
      this.ctx.saveState((s) => { s.timelineGroups = groups; });
      this.firstLane = 1;
      this.changed();
    });
    const toolbar = h('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Timeline controls' } },
      button('−', 'Zoom out', () => this.zoom(2, 0.5)), button('+', 'Zoom in', () => this.zoom(0.5, 0.5)),
      button('⤢', 'Show the whole trace', () => this.reset()), this.grouping.element, this.status);
    this.scrollbar = new LaneScrollbar(STATE_HEIGHT + LANE_GAP, (lane) => { if (lane !== this.firstLane) this.scroll(lane - this.firstLane); });
    this.legend = legend(legendEntries(themeColors(document.body)));
    this.focusBar = h('div', { className: 'timeline-focus', attrs: { role: 'status' } });
    this.element = h('div', { className: 'view timeline' }, h('h1', {}, 'Timeline'), toolbar, this.legend, this.focusBar,
      h('div', { className: 'canvas-wrap' }, this.canvas, this.scrollbar.element), this.details);
    this.attachInput();
    new ResizeObserver(() => this.resize()).observe(this.canvas);
    // VS Code swaps the theme by changing the body's class and the variables on <html>.
    const themeChanged = new MutationObserver(() => {
      this.colors = undefined;
      this.legend.replaceWith((this.legend = legend(legendEntries(themeColors(document.body)))));
      this.requestFrame();
    });
    themeChanged.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    themeChanged.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
    this.setFocus(ctx.state.timelineFocus);
    const saved = ctx.state.timeline;
    if (saved && saved.endNs > saved.startNs && saved.fitted === false) {
      this.startNs = saved.startNs;
      this.endNs = saved.endNs;
      this.firstLane = Math.max(1, saved.firstLane);
      this.fitted = false;
    } else {
      this.reset(false);
      this.firstLane = Math.max(1, saved?.firstLane ?? 1);
    }
  }

  /**
   * New data arrived (more of the trace loaded): a window the user chose stays; a fitted one
   * grows to the whole trace (opened while loading, the timeline would keep the part loaded then).
   */
  update(ctx: ViewContext): void {
    this.ctx = ctx;
    if (this.fitted || this.endNs <= this.startNs) this.fitWholeTrace();
    this.changed();
  }

  /** Zooms to an instance (a tenth of its length to spare on each side), pins its goroutines and outlines its spans. */
  show(focus: TimelineFocus): void {
    const margin = Math.max(MIN_SPAN_NS, (focus.endNs - focus.startNs) / 10);
    this.startNs = focus.startNs - margin;
    this.endNs = focus.endNs + margin;
    this.fitted = false;
    this.selection = undefined;
    this.setFocus(focus);
    this.changed();
  }

  private setFocus(focus: TimelineFocus | undefined): void {
    this.focus = focus;
    this.taskLane = focus?.taskLane && layoutTaskLane(focus.taskLane);
    this.ctx.saveState((s) => { s.timelineFocus = focus; });
    if (!focus) {
      replaceChildren(this.focusBar);
      return;
    }
    const lanes = focus.goroutines.map((g) => `G${g}`).join(', ');
    replaceChildren(this.focusBar, `Showing ${focus.label}; pinned under GC: ${lanes || 'no goroutine lanes'}. `,
      h('button', { attrs: { type: 'button' }, on: { click: () => { this.setFocus(undefined); this.changed(); } } }, 'Unpin'));
  }

  private fitWholeTrace(): void {
    const o = this.ctx.summary.overview;
    this.startNs = o.startNs;
    this.endNs = Math.max(o.endNs, o.startNs + MIN_SPAN_NS);
    this.fitted = true;
  }

  private reset(notify = true): void {
    this.fitWholeTrace();
    this.firstLane = 1;
    if (notify) this.changed();
  }

  private get plotWidth(): number { return Math.max(1, this.size.width - LABEL_WIDTH); }
  private get nsPerPx(): number { return (this.endNs - this.startNs) / this.plotWidth; }
  /** The resolution slices are asked for: one span per pixel, never finer than a nanosecond. */
  private get sliceResolutionNs(): number { return Math.max(1, this.nsPerPx); }

  /** Zoom by factor around a point given as a fraction of the plot width. */
  zoom(factor: number, anchor: number): void {
    const span = this.endNs - this.startNs;
    const pivot = this.startNs + span * anchor;
    const next = Math.max(MIN_SPAN_NS, span * factor);
    this.fitted = false;
    this.startNs = pivot - next * anchor;
    this.endNs = this.startNs + next;
    this.changed();
  }

  pan(fraction: number): void {
    const delta = (this.endNs - this.startNs) * fraction;
    this.fitted = false;
    this.startNs += delta;
    this.endNs += delta;
    this.changed(!this.windowFetched());
  }

  /**
   * Whether the last slice still covers the view at its zoom with a quarter screen to spare on both
   * sides: a pan within it needs no new slice (each one is megabytes for a dense trace).
   */
  private windowFetched(): boolean {
    const q = this.slice?.query;
    if (!q) return false;
    const span = this.endNs - this.startNs;
    const resolution = this.sliceResolutionNs;
    return Math.abs(q.resolutionNs - resolution) <= resolution * 1e-9 && q.startNs <= this.startNs - span / 4 && q.endNs >= this.endNs + span / 4;
  }

  private get visibleLanes(): number { return Math.ceil((this.size.height - AXIS_HEIGHT) / (STATE_HEIGHT + LANE_GAP)); }

  private scroll(lanes: number): void {
    this.firstLane = Math.max(1, Math.min(Math.max(1, this.totalLanes - 1), this.firstLane + lanes));
    const fetched = this.layout.some((l) => l.index === this.firstLane) && this.layout.some((l) => l.index >= Math.min(this.totalLanes - 1, this.firstLane + this.visibleLanes));
    this.changed(!fetched);
  }

  private changed(fetch = true): void {
    if (fetch) this.stale = true;
    this.ctx.saveState((s) => { s.timeline = { startNs: this.startNs, endNs: this.endNs, firstLane: this.firstLane, fitted: this.fitted }; });
    this.requestFrame();
    if (fetch) this.fetch();
  }

  private fetch(): void {
    if (this.inFlight || !this.stale) return;
    this.stale = false;
    this.inFlight = true;
    const span = this.endNs - this.startNs;
    // Fetch half a screen more on every side so that panning and scrolling draw real data at once
    // (a wider margin multiplies what a dense trace sends for every move).
    const visible = this.visibleLanes;
    const margin = Math.ceil(visible / 2);
    const from = Math.max(1, this.firstLane - margin);
    const lanes = [0];
    for (let i = from; i < this.firstLane + visible + margin; i++) lanes.push(i);
    const query = { startNs: this.startNs - span / 2, endNs: this.endNs + span / 2, resolutionNs: this.sliceResolutionNs, lanes, goroutines: this.focus?.goroutines, groups: this.grouping.query() };
    this.ctx.query({ kind: 'timeline', query }).then(
      (slice) => { this.slice = slice; this.totalLanes = slice.totalLanes; this.relayout(); },
      (error: unknown) => { this.status.textContent = `Timeline unavailable: ${String(error)}`; },
    ).finally(() => {
      this.inFlight = false;
      this.requestFrame();
      this.fetch();
    });
  }

  private relayout(): void {
    let top = 0;
    const indices = this.slice?.query.lanes ?? [];
    this.layout = (this.slice?.lanes ?? []).map((packed, i) => {
      const { rows, spans } = packed;
      let maxDepth = 0;
      for (let j = 4; j < spans.length; j += PACKED_STRIDE) {
        const row = rows[spans[j]];
        if (row.category === 'region') maxDepth = Math.max(maxDepth, row.depth + 1);
      }
      const height = packed.group ? GROUP_HEIGHT + LANE_GAP : STATE_HEIGHT + maxDepth * DEPTH_HEIGHT + LANE_GAP;
      const layout: LaneLayout = { lane: packed.lane, index: indices[i] ?? i, packed, count: spans.length / PACKED_STRIDE, top, height };
      top += height;
      return layout;
    });
    if (this.selection) {
      const { layout: old, span: oldSpan } = this.selection;
      const layout = this.layout.find((l) => l.lane.kind === old.lane.kind && l.lane.id === old.lane.id);
      const span = layout && this.spansOf(layout).find((s) => s.startNs <= oldSpan.startNs && s.endNs >= oldSpan.endNs && s.category === oldSpan.category && s.depth === oldSpan.depth);
      this.selection = layout && span ? { layout, span } : undefined;
    }
  }

  private resize(): void {
    const ratio = window.devicePixelRatio || 1;
    const size = { width: this.canvas.clientWidth, height: this.canvas.clientHeight };
    if (size.width === this.size.width && size.height === this.size.height && this.canvas.width === Math.round(size.width * ratio)) return;
    this.size = size;
    this.canvas.width = Math.round(this.size.width * ratio);
    this.canvas.height = Math.round(this.size.height * ratio);
    this.scrollbar.resized();
    this.changed();
  }

  private requestFrame(): void {
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame(() => { this.framePending = false; this.draw(); });
  }

  /** Draws one frame from the current slice. Public so the benchmark can time frames. */
  draw(): number {
    const began = performance.now();
    const g = this.canvas.getContext('2d');
    if (!g) return 0;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.size;
    const colors = (this.colors ??= themeColors(this.canvas));
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = colors.background;
    g.fillRect(0, 0, width, height);
    g.font = `11px ${colors.fontFamily}`;
    g.textBaseline = 'middle';
    const nsPerPx = this.nsPerPx;
    const x = (ns: number): number => LABEL_WIDTH + (ns - this.startNs) / nsPerPx;

    if (!this.slice) {
      g.fillStyle = colors.foreground;
      g.fillText('Loading timeline…', LABEL_WIDTH + 8, 16);
    }
    const stwBands: number[] = [];
    const placed = this.placed(height);
    const { originNs, labels: labelNames } = this.slice ?? { originNs: 0, labels: [] };
    // Rectangles are batched by colour into one path each: far fewer canvas state changes than one fill per span.
    // A span that continues the previous rectangle of its colour in the same row extends it instead: zoomed
    // out, whole runs of one-pixel spans of one state become a single rectangle.
    const batches = this.rectBatches;
    for (const rects of batches.values()) rects.length = 0;
    const labels: { x: number; y: number; width: number; text: string }[] = [];
    for (const { layout, top } of placed) {
      if (layout.packed.activity) drawActivity(g, layout.packed, x, top, GROUP_HEIGHT, LABEL_WIDTH, width, colors);
      const { rows, spans } = layout.packed;
      for (let i = 0; i < spans.length; i += PACKED_STRIDE) {
        const { category, depth } = rows[spans[i + 4]];
        const startNs = originNs + spans[i];
        const endNs = originNs + spans[i + 1];
        if (category === 'stw') stwBands.push(startNs, endNs);
        const x0 = Math.max(LABEL_WIDTH, x(startNs));
        const x1 = Math.min(width, x(endNs));
        if (x1 < LABEL_WIDTH || x0 > width) continue;
        const label = labelNames[spans[i + 3]];
        const y = category === 'region' ? top + STATE_HEIGHT + depth * DEPTH_HEIGHT : top;
        const barHeight = category === 'region' ? DEPTH_HEIGHT - 2 : STATE_HEIGHT - 1;
        const color = spanColor(category, label, colors);
        let rects = batches.get(color);
        if (!rects) batches.set(color, (rects = []));
        const last = rects.length - 4;
        if (last >= 0 && rects[last + 1] === y && rects[last + 3] === barHeight && x0 <= rects[last] + rects[last + 2] + 0.5) {
          rects[last + 2] = Math.max(rects[last + 2], x1 - rects[last]);
        } else rects.push(x0, y, Math.max(1, x1 - x0), barHeight);
        if (category === 'region' && x1 - x0 > 40 && labels.length < MAX_LABELS) labels.push({ x: x0, y, width: x1 - x0, text: label });
      }
    }
    for (const [color, rects] of batches) {
      if (rects.length === 0) continue;
      g.fillStyle = color;
      g.beginPath();
      for (let i = 0; i < rects.length; i += 4) g.rect(rects[i], rects[i + 1], rects[i + 2], rects[i + 3]);
      g.fill();
    }
    g.fillStyle = colors.spanText;
    for (const label of labels) {
      g.save();
      g.beginPath();
      g.rect(label.x, label.y, label.width, DEPTH_HEIGHT - 2);
      g.clip();
      g.fillText(label.text, label.x + 3, label.y + (DEPTH_HEIGHT - 2) / 2);
      g.restore();
    }
    // Stop-the-world pauses stop every goroutine: shade them across all lanes.
    g.fillStyle = colors.stwBand;
    for (let i = 0; i < stwBands.length; i += 2) {
      const x0 = Math.max(LABEL_WIDTH, x(stwBands[i]));
      const x1 = Math.min(width, x(stwBands[i + 1]));
      if (x1 >= x0) g.fillRect(x0, AXIS_HEIGHT, Math.max(1, x1 - x0), height - AXIS_HEIGHT);
    }
    this.drawFocus(g, placed, x, colors);
    if (this.taskLane) drawTaskLane(g, this.taskLane, x, AXIS_HEIGHT, LABEL_WIDTH, width, colors);
    const selected = this.selection && placed.find((p) => p.layout === this.selection?.layout);
    const outline = this.selection && selected && clippedSpan(x(this.selection.span.startNs), x(this.selection.span.endNs), LABEL_WIDTH, width);
    if (this.selection && selected && outline) {
      const { span } = this.selection;
      const y = span.category === 'region' ? selected.top + STATE_HEIGHT + span.depth * DEPTH_HEIGHT : selected.top;
      g.strokeStyle = colors.focus;
      g.lineWidth = 2;
      g.strokeRect(outline.x - 1, y - 1, Math.max(3, outline.width) + 2, (span.category === 'region' ? DEPTH_HEIGHT - 2 : STATE_HEIGHT - 1) + 2);
    }
    // Where the outline is (x from, x to, then the span's start and end ns), for tests that check one against the other.
    this.canvas.dataset.selection = outline && this.selection ? `${outline.x} ${outline.x + outline.width} ${this.selection.span.startNs} ${this.selection.span.endNs}` : '';
    drawAxis(g, { startNs: this.startNs, endNs: this.endNs, traceStartNs: this.ctx.summary.overview.startNs, left: LABEL_WIDTH, width, height },
      { background: colors.background, foreground: colors.foreground, grid: colors.grid, fontFamily: colors.fontFamily });
    g.font = `11px ${colors.fontFamily}`;
    // Lane labels last, over anything that scrolled beneath them.
    g.fillStyle = colors.background;
    g.fillRect(0, 0, LABEL_WIDTH, height);
    if (this.taskLane) {
      g.fillStyle = colors.accent;
      g.fillText(this.taskLane.label, 4, AXIS_HEIGHT + STATE_HEIGHT / 2, LABEL_WIDTH - 10);
    }
    for (const { layout, top } of placed) {
      g.fillStyle = layout.lane.kind === 'goroutine' ? colors.foreground : colors.accent;
      g.save();
      g.beginPath();
      g.rect(0, top, LABEL_WIDTH - 6, layout.height);
      g.clip();
      const group = layout.packed.group;
      g.fillText(group ? `${group.expanded ? '▾' : '▸'} ${layout.lane.label}` : layout.lane.label, 4, top + STATE_HEIGHT / 2);
      g.restore();
    }
    const elapsed = performance.now() - began;
    this.frameTimes.push(elapsed);
    if (this.frameTimes.length > 120) this.frameTimes.shift();
    this.canvas.dataset.lastFrameMs = elapsed.toFixed(3);
    this.canvas.dataset.lanes = placed.map((p) => p.layout.lane.label).join('|');
    this.canvas.dataset.taskLane = this.taskLane ? `${this.taskLane.label}: ${this.taskLane.regions.length} regions` : '';
    const spans = placed.reduce((n, p) => n + p.layout.count, 0);
    const lastLane = placed.length > 0 ? placed[placed.length - 1].layout.index : 0;
    const lanes = laneRangeText(this.firstLane, lastLane, this.totalLanes, formatCount);
    this.status.textContent = this.slice
      ? `${formatDuration(this.endNs - this.startNs)} visible · ${lanes} · ${formatCount(spans)} spans · frame ${elapsed.toFixed(1)} ms`
      : 'Loading timeline…';
    this.scrollbar.update(this.totalLanes - 1, this.firstLane);
    return elapsed;
  }

  /** The lanes on screen and their y: the GC lane pinned on top, then the focus's goroutines, then from firstLane down. */
  private placed(height: number): { layout: LaneLayout; top: number }[] {
    const out: { layout: LaneLayout; top: number }[] = [];
    let top = AXIS_HEIGHT + (this.taskLane?.height ?? 0);
    const pinned = new Set(this.focus?.goroutines);
    const isPinned = (l: LaneLayout): boolean => l.lane.kind === 'goroutine' && pinned.has(l.lane.id);
    const order = [...this.layout.filter((l) => l.index === 0), ...this.layout.filter(isPinned), ...this.layout.filter((l) => l.index >= this.firstLane && !isPinned(l))];
    for (const layout of order) {
      if (top > height) break;
      out.push({ layout, top });
      top += layout.height;
    }
    return out;
  }

  private laneAt(clientY: number): LaneLayout | undefined {
    const py = clientY - this.canvas.getBoundingClientRect().top;
    return this.placed(this.size.height).find((p) => py >= p.top && py < p.top + p.layout.height)?.layout;
  }

  /** Outlines the focus's spans (a task's or region's time on each of its goroutines) across their lanes. */
  private drawFocus(g: CanvasRenderingContext2D, placed: { layout: LaneLayout; top: number }[], x: (ns: number) => number, colors: Colors): void {
    if (!this.focus) return;
    g.strokeStyle = colors.focus;
    g.fillStyle = colors.focusBand;
    g.lineWidth = 1;
    for (const mark of this.focus.highlight) {
      const lane = placed.find((p) => p.layout.lane.kind === 'goroutine' && p.layout.lane.id === mark.goroutine);
      const extent = lane && clippedSpan(x(mark.startNs), x(mark.endNs), LABEL_WIDTH, this.size.width);
      if (!lane || !extent) continue;
      g.fillRect(extent.x, lane.top, Math.max(1, extent.width), lane.layout.height - LANE_GAP);
      g.strokeRect(extent.x + 0.5, lane.top + 0.5, Math.max(1, extent.width), lane.layout.height - LANE_GAP);
    }
  }

  private hitTest(clientX: number, clientY: number): Hit | undefined {
    const rect = this.canvas.getBoundingClientRect();
    const px = clientX - rect.left;
    const py = clientY - rect.top;
    if (px < LABEL_WIDTH) return undefined;
    const ns = this.startNs + (px - LABEL_WIDTH) * this.nsPerPx;
    const slack = 2 * this.nsPerPx;
    const hit = this.placed(this.size.height).find((p) => py >= p.top && py < p.top + p.layout.height);
    if (!hit) return undefined;
    const { layout, top } = hit;
    const depth = py - top < STATE_HEIGHT ? -1 : Math.floor((py - top - STATE_HEIGHT) / DEPTH_HEIGHT);
    const span = this.spansOf(layout).find((s) => s.startNs - slack <= ns && ns <= s.endNs + slack &&
      (depth < 0 ? s.category !== 'region' : s.category === 'region' && s.depth === depth));
    return span && { layout, span };
  }

  /** The lane's spans as objects, made once per fetched lane. */
  private spansOf(layout: LaneLayout): TimelineSpan[] {
    return (layout.objects ??= this.slice ? unpackLane(this.slice, layout.packed) : []);
  }

  private select(hit: Hit | undefined): void {
    this.selection = hit;
    this.requestFrame();
    if (!hit) {
      replaceChildren(this.details, h('p', { className: 'muted' }, 'Nothing selected.'));
      return;
    }
    const { layout, span } = hit;
    const rows: [string, string][] = [
      ['Lane', layout.lane.label],
      ['What', span.category === 'state' ? `state ${span.label}` : `${span.category} ${span.label}`],
      ['Start', `+${formatDuration(span.startNs - this.ctx.summary.overview.startNs)}`],
      ['Duration', formatDuration(span.endNs - span.startNs)],
    ];
    if (span.merged > 1) rows.push(['Merged', `${formatCount(span.merged)} spans shorter than a pixel; zoom in to separate them`]);
    const showRegion = span.category === 'region' && span.merged === 1 && this.ctx.summary.regions.some((r) => r.type === span.label)
      ? h('button', { attrs: { type: 'button' }, on: { click: () => this.openRegionType(span.label) } }, 'Show this region type')
      : null;
    replaceChildren(this.details, h('h2', {}, 'Selection'),
      h('dl', { className: 'facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])), showRegion);
  }

  /**
   * Keyboard selection: the next (step 1) or previous span of the selected span's lane in start
   * order (states and the regions nested on them alike), or with nothing selected the first visible
   * span of the top lane under the GC lane; the window pans to a span that lies outside it.
   */
  private selectAdjacent(step: 1 | -1): void {
    const inOrder = (spans: TimelineSpan[]): TimelineSpan[] => [...spans].sort((a, b) => a.startNs - b.startNs || a.depth - b.depth);
    const current = this.selection;
    let hit: Hit | undefined;
    if (current) {
      const spans = inOrder(this.spansOf(current.layout));
      const next = spans[spans.indexOf(current.span) + step];
      hit = next ? { layout: current.layout, span: next } : current;
    } else {
      const lanes = this.placed(this.size.height).map((p) => p.layout);
      const layout = lanes.find((l) => l.index >= this.firstLane && l.count > 0) ?? lanes.find((l) => l.count > 0);
      const span = layout && inOrder(this.spansOf(layout)).find((s) => s.endNs > this.startNs);
      hit = layout && span && { layout, span };
    }
    if (!hit) return;
    this.select(hit);
    const { span } = hit;
    if (span.startNs >= this.endNs || span.endNs <= this.startNs) this.pan((span.startNs - this.startNs) / (this.endNs - this.startNs) - 0.1);
  }

  private openRegionType(type: string): void {
    this.ctx.saveState((s) => { s.view = 'regions'; s.selected.regions = type; });
    this.ctx.rerender();
  }

  private attachInput(): void {
    const canvas = this.canvas;
    // The wheel scrolls lanes; with Ctrl or ⌘ (and a pinch, which arrives as one) it zooms; sideways or with Shift it pans.
    canvas.addEventListener('wheel', (event) => {
      event.preventDefault();
      if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        this.pan((event.deltaX || event.deltaY) / this.plotWidth);
        return;
      }
      if (event.ctrlKey || event.metaKey) {
        const anchor = Math.min(1, Math.max(0, (event.offsetX - LABEL_WIDTH) / this.plotWidth));
        this.zoom(Math.pow(1.0015, event.deltaY), anchor);
        return;
      }
      const pixels = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? event.deltaY * 16 : event.deltaY;
      this.wheelLanes += pixels / (STATE_HEIGHT + LANE_GAP);
      const lanes = Math.trunc(this.wheelLanes);
      this.wheelLanes -= lanes;
      if (lanes !== 0) this.scroll(lanes);
    }, { passive: false });
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.drag = { x: event.clientX, y: event.clientY, startNs: this.startNs, firstLane: this.firstLane, moved: false };
    });
    canvas.addEventListener('pointermove', (event) => {
      const drag = this.drag;
      if (!drag) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      drag.moved = true;
      this.fitted = false;
      const span = this.endNs - this.startNs;
      this.startNs = drag.startNs - dx * this.nsPerPx;
      this.endNs = this.startNs + span;
      this.changed();
      this.scroll(drag.firstLane - Math.round(dy / (STATE_HEIGHT + LANE_GAP)) - this.firstLane);
    });
    canvas.addEventListener('pointerup', (event) => {
      const drag = this.drag;
      this.drag = undefined;
      if (drag && !drag.moved) {
        // A click on a group's summary lane expands or collapses its goroutines.
        const group = this.laneAt(event.clientY);
        if (!(group && this.grouping.toggle(group.packed))) this.select(this.hitTest(event.clientX, event.clientY));
      }
    });
    canvas.addEventListener('keydown', (event) => {
      const actions: Record<string, () => void> = {
        ArrowLeft: () => this.pan(-0.1), ArrowRight: () => this.pan(0.1),
        ArrowUp: () => this.scroll(-1), ArrowDown: () => this.scroll(1),
        PageUp: () => this.scroll(-this.visibleLanes), PageDown: () => this.scroll(this.visibleLanes),
        '+': () => this.zoom(0.5, 0.5), '=': () => this.zoom(0.5, 0.5), '-': () => this.zoom(2, 0.5),
        '0': () => this.reset(), Home: () => this.reset(),
        ']': () => this.selectAdjacent(1), '[': () => this.selectAdjacent(-1),
        Escape: () => this.select(undefined),
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
  }
}

interface Colors {
  background: string; foreground: string; accent: string; focus: string; focusBand: string; spanText: string; stwBand: string; grid: string; fontFamily: string;
  running: string; runnable: string; waiting: string; syscall: string; region: string; gc: string; stw: string; mixed: string;
}

/** Colours from VS Code's theme variables, so light, dark and high-contrast themes all read well. */
function themeColors(element: Element): Colors {
  const style = getComputedStyle(element);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-editor-foreground', '#333');
  return {
    background: v('--vscode-editor-background', '#fff'),
    foreground,
    accent: v('--vscode-textLink-foreground', '#06c'),
    focus: v('--vscode-focusBorder', '#06c'),
    focusBand: v('--glt-focus-band', 'rgba(0, 144, 241, 0.12)'),
    spanText: v('--vscode-button-foreground', '#fff'),
    stwBand: v('--glt-stw-band', 'rgba(220, 60, 60, 0.18)'),
    grid: v('--glt-grid', 'rgba(128, 128, 128, 0.25)'),
    fontFamily: v('--vscode-font-family', 'sans-serif'),
    running: v('--vscode-charts-green', '#388a34'),
    runnable: v('--vscode-charts-yellow', '#bf8803'),
    waiting: v('--glt-waiting', 'rgba(128, 128, 128, 0.35)'),
    syscall: v('--vscode-charts-purple', '#652d90'),
    region: v('--vscode-charts-blue', '#1a85ff'),
    gc: v('--vscode-charts-orange', '#d18616'),
    stw: v('--vscode-charts-red', '#e51400'),
    mixed: v('--vscode-descriptionForeground', '#717171'),
  };
}

function spanColor(category: TimelineSpan['category'], label: string, colors: Colors): string {
  if (label === 'mixed') return colors.mixed;
  switch (category) {
    case 'region': return colors.region;
    case 'gc': return colors.gc;
    case 'stw': return colors.stw;
    case 'state':
      switch (label) {
        case 'Running': return colors.running;
        case 'Runnable': return colors.runnable;
        case 'Syscall': return colors.syscall;
        default: return colors.waiting;
      }
  }
}

/** The legend's entries: each colour the lanes use, from the same theme colours as the canvas. */
function legendEntries(colors: Colors): { label: string; color: string; title: string }[] {
  return [
    { label: 'Running', color: colors.running, title: 'Goroutine running on a proc (proc lanes: busy)' },
    { label: 'Runnable', color: colors.runnable, title: 'Goroutine ready, waiting for a proc' },
    { label: 'Waiting', color: colors.waiting, title: 'Goroutine blocked (channel, mutex, sleep, network, …)' },
    { label: 'Syscall', color: colors.syscall, title: 'Goroutine in a system call' },
    { label: 'Region', color: colors.region, title: 'A trace.WithRegion / StartRegion region, nested under its goroutine' },
    { label: 'GC', color: colors.gc, title: 'Garbage collection cycle' },
    { label: 'Stop-the-world', color: colors.stw, title: 'Stop-the-world pause (shaded across all lanes)' },
    { label: 'Mixed', color: colors.mixed, title: 'Several spans shorter than a pixel, merged; zoom in to separate them' },
  ];
}
