/**
 * Minimal SVG line plots for the examples (no plotting dependency): a grid of
 * panels, each with several named series over a shared x axis.
 *
 * Layout of one panel, top to bottom: title, plot area (with tick labels on
 * its left and below it), x-axis label, legend. The legend sits outside the
 * plot area so that it never hides a curve (the first second of MPC inputs,
 * where pendulum trajectories separate, the start of V along a rollout are
 * exactly where a corner legend used to sit). The plot area's and the legend's
 * rectangles carry `class="plot-area"` and `class="legend"` so that tests can
 * check the layout from the SVG text.
 */

export interface Series {
  readonly label: string;
  readonly y: ArrayLike<number>;
  /** CSS colour; a palette colour is used when absent. */
  readonly color?: string;
  readonly dashed?: boolean;
}

export interface Panel {
  readonly title: string;
  readonly x: ArrayLike<number>;
  readonly series: readonly Series[];
  /** Axis labels; by convention they name the unit, e.g. `time t [s]`. */
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Horizontal reference lines (e.g. constraint bounds), drawn dotted. */
  readonly hLines?: readonly number[];
  /** Logarithmic (base 10) y axis; non-positive values are not drawn. Default false. */
  readonly logY?: boolean;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const PANEL_W = 460;
/** Height of title + plot area + tick labels + x label; the legend rows come below. */
const PLOT_BLOCK_H = 260;
const MARGIN = { left: 64, right: 14, top: 30, bottom: 40 };
const LEGEND_ROW_H = 16;
const LEGEND_PAD = 6;
/** Rough width of one character of the 11 px sans-serif legend text (no font metrics in plain SVG). */
const LEGEND_CHAR_W = 6.4;
/** Width of the line sample plus the gap before the label. */
const LEGEND_SWATCH_W = 26;
const LEGEND_GAP_W = 14;

/** A rectangle in SVG user units. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where one legend entry goes, relative to the panel's origin. */
interface LegendEntryPlace {
  readonly x: number;
  readonly y: number;
}

/** The geometry of a panel, relative to its top-left corner. */
export interface PanelLayout {
  readonly width: number;
  readonly height: number;
  readonly plot: Rect;
  readonly legend: Rect;
  readonly entries: readonly LegendEntryPlace[];
}

function legendEntryWidth(label: string): number {
  return LEGEND_SWATCH_W + LEGEND_CHAR_W * label.length;
}

/**
 * The geometry of `panel`: the plot area, and the legend below the x-axis
 * label, its entries flowing left to right and wrapping to new rows.
 */
export function panelLayout(panel: Panel): PanelLayout {
  const plot: Rect = { x: MARGIN.left, y: MARGIN.top, width: PANEL_W - MARGIN.left - MARGIN.right, height: PLOT_BLOCK_H - MARGIN.top - MARGIN.bottom };
  const legendLeft = MARGIN.left;
  const maxRowWidth = PANEL_W - MARGIN.right - legendLeft - 2 * LEGEND_PAD;
  const entries: LegendEntryPlace[] = [];
  let row = 0;
  let cursor = 0;
  for (const s of panel.series) {
    const w = legendEntryWidth(s.label);
    if (cursor > 0 && cursor + w > maxRowWidth) {
      row++;
      cursor = 0;
    }
    entries.push({ x: legendLeft + LEGEND_PAD + cursor, y: PLOT_BLOCK_H + LEGEND_PAD + row * LEGEND_ROW_H });
    cursor += w + LEGEND_GAP_W;
  }
  const rows = panel.series.length === 0 ? 0 : row + 1;
  const legendHeight = rows === 0 ? 0 : rows * LEGEND_ROW_H + 2 * LEGEND_PAD;
  const legend: Rect = { x: legendLeft, y: PLOT_BLOCK_H, width: PANEL_W - MARGIN.right - legendLeft, height: legendHeight };
  return { width: PANEL_W, height: PLOT_BLOCK_H + legendHeight + (rows === 0 ? 0 : 6), plot, legend, entries };
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12 * span; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** At least this many labelled ticks on a log axis, so a reader can read values off it. */
const MIN_LOG_TICKS = 4;

/**
 * Tick positions (as log10 of the value) of a log axis spanning
 * [10^lo, 10^hi]: decades when there are enough of them (thinned to at most
 * 8), else the 1-2-5 sequence, else every integer mantissa 1..9, else linear
 * nice ticks of the values themselves (for a range inside one decade).
 */
export function logTicks(lo: number, hi: number): number[] {
  const inRange = (t: number) => t >= lo - 1e-9 && t <= hi + 1e-9;
  const decades: number[] = [];
  for (let k = Math.ceil(lo - 1e-9); k <= hi + 1e-9; k++) decades.push(k);
  if (decades.length >= MIN_LOG_TICKS) {
    const stride = Math.ceil(decades.length / 8);
    return decades.filter((k) => k % stride === 0);
  }
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) for (const m of mantissas) {
      const t = k + Math.log10(m);
      if (inRange(t)) ticks.push(t);
    }
    if (ticks.length >= MIN_LOG_TICKS) return ticks;
  }
  // niceTicks may round its step up to the next 1-2-5 value: ask for twice as many.
  return niceTicks(10 ** lo, 10 ** hi, 2 * MIN_LOG_TICKS).filter((v) => v > 0).map(Math.log10).filter(inRange);
}

/** A tick value as short text: plain decimals for moderate magnitudes, else `2e-5`. */
export function formatTick(value: number): string {
  // 10 ** -4 is 9.999...e-5 in floating point: round away the representation error first.
  const v = Number(value.toPrecision(12));
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(6)));
  const [mantissa, exponent] = v.toExponential().split('e');
  return `${Number(Number(mantissa).toPrecision(3))}e${Number(exponent)}`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function finiteRange(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

function renderPanel(panel: Panel, ox: number, oy: number): string {
  const layout = panelLayout(panel);
  const { plot } = layout;
  const left = ox + plot.x;
  const top = oy + plot.y;
  const [x0, x1] = finiteRange(Array.from(panel.x));
  // On a log axis every y is mapped to log10(y) before scaling (log10 of a
  // non-positive value is NaN or -Infinity, which is skipped like a gap).
  const ty = (y: number) => (panel.logY ? Math.log10(y) : y);
  const allY = panel.series.flatMap((s) => Array.from(s.y, ty)).concat((panel.hLines ?? []).map(ty));
  const [y0, y1] = finiteRange(allY);
  const sx = (x: number) => left + ((x - x0) / (x1 - x0)) * plot.width;
  const sy = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * plot.height;
  const parts: string[] = [];
  parts.push(`<text x="${ox + PANEL_W / 2}" y="${oy + 18}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`);
  parts.push(`<rect class="plot-area" x="${left}" y="${top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#444"/>`);
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${sx(t)}" y1="${top + plot.height}" x2="${sx(t)}" y2="${top + plot.height + 4}" stroke="#444"/>`);
    parts.push(`<text class="x-tick" x="${sx(t)}" y="${top + plot.height + 16}" text-anchor="middle" font-size="11">${formatTick(t)}</text>`);
  }
  const yTicks = panel.logY ? logTicks(y0, y1) : niceTicks(y0, y1);
  for (const t of yTicks) {
    parts.push(`<line x1="${left}" y1="${sy(t)}" x2="${left + plot.width}" y2="${sy(t)}" stroke="#eee"/>`);
    parts.push(`<text class="y-tick" x="${left - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${formatTick(panel.logY ? 10 ** t : t)}</text>`);
  }
  for (const v of (panel.hLines ?? []).map(ty)) {
    parts.push(`<line x1="${left}" y1="${sy(v)}" x2="${left + plot.width}" y2="${sy(v)}" stroke="#888" stroke-dasharray="2,3"/>`);
  }
  if (panel.xLabel) parts.push(`<text x="${left + plot.width / 2}" y="${oy + PLOT_BLOCK_H - 6}" text-anchor="middle" font-size="12">${escapeXml(panel.xLabel)}</text>`);
  if (panel.yLabel) {
    parts.push(`<text transform="translate(${ox + 14},${top + plot.height / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(panel.yLabel)}</text>`);
  }
  const { legend } = layout;
  if (panel.series.length > 0) {
    parts.push(`<rect class="legend" x="${ox + legend.x}" y="${oy + legend.y}" width="${legend.width}" height="${legend.height}" fill="white" stroke="#ccc"/>`);
  }
  panel.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    // Break the polyline at non-finite points (e.g. a diverged rollout).
    let d = '';
    let pen = false;
    const n = Math.min(s.y.length, panel.x.length);
    for (let i = 0; i < n; i++) {
      const y = ty(s.y[i]!);
      if (!Number.isFinite(y) || y < y0 - 10 * (y1 - y0) || y > y1 + 10 * (y1 - y0)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(panel.x[i]!).toFixed(2)},${sy(y).toFixed(2)}`;
      pen = true;
    }
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="6,4"' : ''} clip-path="url(#clip${ox}_${oy})"/>`);
    const entry = layout.entries[k]!;
    const lx = ox + entry.x;
    const ly = oy + entry.y + 11;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`);
    parts.push(`<text x="${lx + 22}" y="${ly}" font-size="11">${escapeXml(s.label)}</text>`);
  });
  const clip = `<clipPath id="clip${ox}_${oy}"><rect x="${left}" y="${top}" width="${plot.width}" height="${plot.height}"/></clipPath>`;
  return clip + parts.join('\n');
}

/** Renders panels in a grid with `columns` columns and returns the SVG document text. */
export function renderSvg(panels: readonly Panel[], columns = 2): string {
  const cols = Math.min(columns, panels.length) || 1;
  const rows = Math.ceil(panels.length / cols);
  const layouts = panels.map(panelLayout);
  // Every panel of a grid row gets that row's tallest height, so rows line up.
  const rowHeights = Array.from({ length: rows }, (_, r) => Math.max(PLOT_BLOCK_H, ...layouts.slice(r * cols, (r + 1) * cols).map((l) => l.height)));
  const rowTops = rowHeights.map((_, r) => rowHeights.slice(0, r).reduce((a, b) => a + b, 0));
  const width = cols * PANEL_W;
  const height = rowHeights.reduce((a, b) => a + b, 0);
  const body = panels.map((p, i) => renderPanel(p, (i % cols) * PANEL_W, rowTops[Math.floor(i / cols)]!)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}
