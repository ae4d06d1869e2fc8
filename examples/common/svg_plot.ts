/**
 * Minimal SVG line plots for the examples (no plotting dependency): a grid of
 * panels, each with several named series over a shared x axis.
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
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Horizontal reference lines (e.g. constraint bounds), drawn dotted. */
  readonly hLines?: readonly number[];
  /** Logarithmic (base 10) y axis; non-positive values are not drawn. Default false. */
  readonly logY?: boolean;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const PANEL_W = 460;
const PANEL_H = 260;
const MARGIN = { left: 58, right: 14, top: 30, bottom: 40 };

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12 * span; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
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
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const [x0, x1] = finiteRange(Array.from(panel.x));
  // On a log axis every y is mapped to log10(y) before scaling (log10 of a
  // non-positive value is NaN or -Infinity, which is skipped like a gap).
  const ty = (y: number) => (panel.logY ? Math.log10(y) : y);
  const allY = panel.series.flatMap((s) => Array.from(s.y, ty)).concat((panel.hLines ?? []).map(ty));
  const [y0, y1] = finiteRange(allY);
  const sx = (x: number) => ox + MARGIN.left + ((x - x0) / (x1 - x0)) * w;
  const sy = (y: number) => oy + MARGIN.top + (1 - (y - y0) / (y1 - y0)) * h;
  const parts: string[] = [];
  parts.push(`<text x="${ox + PANEL_W / 2}" y="${oy + 18}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`);
  parts.push(`<rect x="${ox + MARGIN.left}" y="${oy + MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${sx(t)}" y1="${oy + MARGIN.top + h}" x2="${sx(t)}" y2="${oy + MARGIN.top + h + 4}" stroke="#444"/>`);
    parts.push(`<text x="${sx(t)}" y="${oy + MARGIN.top + h + 16}" text-anchor="middle" font-size="11">${t}</text>`);
  }
  const decades = niceTicks(y0, y1).filter(Number.isInteger);
  const yTicks = panel.logY && decades.length >= 2 ? decades : niceTicks(y0, y1);
  for (const t of yTicks) {
    parts.push(`<line x1="${ox + MARGIN.left}" y1="${sy(t)}" x2="${ox + MARGIN.left + w}" y2="${sy(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${ox + MARGIN.left - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${panel.logY ? (Number.isInteger(t) ? `1e${t}` : (10 ** t).toPrecision(2)) : t}</text>`);
  }
  for (const v of (panel.hLines ?? []).map(ty)) {
    parts.push(`<line x1="${ox + MARGIN.left}" y1="${sy(v)}" x2="${ox + MARGIN.left + w}" y2="${sy(v)}" stroke="#888" stroke-dasharray="2,3"/>`);
  }
  if (panel.xLabel) parts.push(`<text x="${ox + MARGIN.left + w / 2}" y="${oy + PANEL_H - 6}" text-anchor="middle" font-size="12">${escapeXml(panel.xLabel)}</text>`);
  if (panel.yLabel) {
    parts.push(`<text transform="translate(${ox + 14},${oy + MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(panel.yLabel)}</text>`);
  }
  // The legend goes on top of the curves, on a translucent box that keeps it readable.
  const legendWidth = 30 + 7 * Math.max(0, ...panel.series.map((s) => s.label.length));
  const legend = [`<rect x="${ox + MARGIN.left + 4}" y="${oy + MARGIN.top + 3}" width="${legendWidth}" height="${14 * panel.series.length + 4}" fill="white" fill-opacity="0.8" stroke="#ccc"/>`];
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
    const lx = ox + MARGIN.left + 8;
    const ly = oy + MARGIN.top + 14 + 14 * k;
    legend.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`);
    legend.push(`<text x="${lx + 22}" y="${ly}" font-size="11">${escapeXml(s.label)}</text>`);
  });
  parts.push(...legend);
  const clip = `<clipPath id="clip${ox}_${oy}"><rect x="${ox + MARGIN.left}" y="${oy + MARGIN.top}" width="${w}" height="${h}"/></clipPath>`;
  return clip + parts.join('\n');
}

/** Renders panels in a grid with `columns` columns and returns the SVG document text. */
export function renderSvg(panels: readonly Panel[], columns = 2): string {
  const cols = Math.min(columns, panels.length) || 1;
  const rows = Math.ceil(panels.length / cols);
  const width = cols * PANEL_W;
  const height = rows * PANEL_H;
  const body = panels.map((p, i) => renderPanel(p, (i % cols) * PANEL_W, Math.floor(i / cols) * PANEL_H)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}
