/**
 * A small dependency-free SVG line plot: stacked panels, each with axes,
 * "nice" ticks, a title, axis labels, a legend and any number of series.
 */
export interface Series {
  readonly name: string;
  readonly xs: ArrayLike<number>;
  readonly ys: ArrayLike<number>;
  readonly color: string;
  readonly dashed?: boolean;
}

export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Logarithmic y axis (non-positive values are dropped). Default false. */
  readonly logY?: boolean;
  /** Clamp the y range to [lo, hi] (values outside are clipped to the frame). */
  readonly yRange?: readonly [number, number];
}

const WIDTH = 760;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 72, right: 150, top: 36, bottom: 48 };

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** About `count` round tick values covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) ticks.push(Math.abs(t) < 1e-12 * span ? 0 : t);
  return ticks;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : Number(v.toPrecision(4)).toString();
}

function renderPanel(panel: Panel, top: number): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x0 = MARGIN.left;
  const y0 = top + MARGIN.top;
  const ty = (v: number) => (panel.logY ? Math.log10(v) : v);
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const s of panel.series) {
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      if (!Number.isFinite(y) || (panel.logY && y <= 0)) continue;
      xmin = Math.min(xmin, s.xs[i]!);
      xmax = Math.max(xmax, s.xs[i]!);
      ymin = Math.min(ymin, ty(y));
      ymax = Math.max(ymax, ty(y));
    }
  }
  if (panel.yRange) [ymin, ymax] = [ty(panel.yRange[0]), ty(panel.yRange[1])];
  if (!Number.isFinite(xmin)) [xmin, xmax, ymin, ymax] = [0, 1, 0, 1];
  if (ymax - ymin < 1e-12) [ymin, ymax] = [ymin - 1, ymax + 1];
  const pad = 0.04 * (ymax - ymin);
  ymin -= pad;
  ymax += pad;
  const px = (x: number) => x0 + ((x - xmin) / (xmax - xmin || 1)) * plotW;
  const py = (y: number) => y0 + plotH - ((Math.min(Math.max(y, ymin), ymax) - ymin) / (ymax - ymin)) * plotH;
  const parts: string[] = [];
  parts.push(`<text x="${x0 + plotW / 2}" y="${top + 22}" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(panel.title)}</text>`);
  for (const t of niceTicks(xmin, xmax)) {
    parts.push(`<line x1="${px(t)}" y1="${y0}" x2="${px(t)}" y2="${y0 + plotH}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${px(t)}" y="${y0 + plotH + 16}" text-anchor="middle" font-size="12">${formatTick(t)}</text>`);
  }
  const yTicks = panel.logY ? niceTicks(Math.ceil(ymin), Math.floor(ymax), 6).filter(Number.isInteger) : niceTicks(ymin, ymax);
  for (const t of yTicks) {
    parts.push(`<line x1="${x0}" y1="${py(t)}" x2="${x0 + plotW}" y2="${py(t)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${x0 - 6}" y="${py(t) + 4}" text-anchor="end" font-size="12">${panel.logY ? `1e${t}` : formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${x0}" y="${y0}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${x0 + plotW / 2}" y="${y0 + plotH + 36}" text-anchor="middle" font-size="13">${escapeXml(panel.xLabel)}</text>`);
  parts.push(`<text transform="translate(${x0 - 52},${y0 + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(panel.yLabel)}</text>`);
  panel.series.forEach((s, k) => {
    const pts: string[] = [];
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      if (!Number.isFinite(y) || (panel.logY && y <= 0)) continue;
      pts.push(`${px(s.xs[i]!).toFixed(1)},${py(ty(y)).toFixed(1)}`);
    }
    const dash = s.dashed ? ' stroke-dasharray="6,4"' : '';
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.8"${dash} points="${pts.join(' ')}"/>`);
    const ly = y0 + 10 + 20 * k;
    parts.push(`<line x1="${x0 + plotW + 12}" y1="${ly}" x2="${x0 + plotW + 36}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${x0 + plotW + 42}" y="${ly + 4}" font-size="12">${escapeXml(s.name)}</text>`);
  });
  return parts.join('\n');
}

/** Renders panels stacked vertically into a standalone SVG document. */
export function linePlotSvg(panels: readonly Panel[]): string {
  const height = PANEL_HEIGHT * panels.length;
  const body = panels.map((p, i) => renderPanel(p, i * PANEL_HEIGHT)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}
