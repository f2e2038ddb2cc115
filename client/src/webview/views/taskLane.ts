// The task lane of "Show in timeline" from the Tasks view: a task's regions across all of its
// goroutines in one lane above the others, packed into as few rows as overlap needs, so a request
// handled by several goroutines reads as one strip.
import type { TimelineFocus } from '../messages';

/** Rows at most; regions that overlap more share the last row. */
const MAX_ROWS = 6;
export const TASK_ROW_HEIGHT = 14;
const LANE_PADDING = 4;

export interface TaskLaneLayout {
  label: string;
  regions: { type: string; goroutine: number; startNs: number; endNs: number; row: number }[];
  height: number;
}

export function layoutTaskLane(lane: NonNullable<TimelineFocus['taskLane']>): TaskLaneLayout {
  const rowEnds: number[] = [];
  const regions = [...lane.regions].sort((a, b) => a.startNs - b.startNs).map((region) => {
    let row = rowEnds.findIndex((end) => end <= region.startNs);
    if (row < 0) row = rowEnds.length < MAX_ROWS ? rowEnds.length : MAX_ROWS - 1;
    rowEnds[row] = Math.max(rowEnds[row] ?? 0, region.endNs);
    return { ...region, row };
  });
  return { label: lane.label, regions, height: Math.max(1, rowEnds.length) * TASK_ROW_HEIGHT + LANE_PADDING };
}

export interface TaskLaneColors { region: string; spanText: string; focusBand: string; fontFamily: string }

/** Draws the lane's regions in [left, right] at `top`; labels ("db.query G12") where they fit. */
export function drawTaskLane(g: CanvasRenderingContext2D, lane: TaskLaneLayout, x: (ns: number) => number, top: number, left: number, right: number, colors: TaskLaneColors): void {
  g.fillStyle = colors.focusBand;
  g.fillRect(left, top, right - left, lane.height - LANE_PADDING);
  for (const region of lane.regions) {
    const x0 = Math.max(left, x(region.startNs));
    const x1 = Math.min(right, x(region.endNs));
    if (x1 < left || x0 > right) continue;
    const y = top + region.row * TASK_ROW_HEIGHT;
    const width = Math.max(1, x1 - x0);
    g.fillStyle = colors.region;
    g.fillRect(x0, y, width, TASK_ROW_HEIGHT - 2);
    if (width < 30) continue;
    g.save();
    g.beginPath();
    g.rect(x0, y, width, TASK_ROW_HEIGHT - 2);
    g.clip();
    g.fillStyle = colors.spanText;
    g.fillText(`${region.type} G${region.goroutine}`, x0 + 3, y + (TASK_ROW_HEIGHT - 2) / 2);
    g.restore();
  }
}
