import { describe, expect, it } from 'vitest';
import { formatTick, logTicks, panelLayout, renderSvg, type Panel, type Rect } from '../../../examples/common/svg_plot.js';

/** The rectangles with class `cls` in the SVG text, read back from their attributes. */
function rects(svg: string, cls: string): Rect[] {
  const out: Rect[] = [];
  for (const m of svg.matchAll(new RegExp(`<rect class="${cls}" ([^>]*)>`, 'g'))) {
    const attr = (name: string) => Number(new RegExp(`${name}="([-0-9.]+)"`).exec(m[1]!)![1]);
    out.push({ x: attr('x'), y: attr('y'), width: attr('width'), height: attr('height') });
  }
  return out;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

const t = Array.from({ length: 50 }, (_, i) => i * 0.1);
const manySeries = (count: number, labelLength: number) =>
  Array.from({ length: count }, (_, k) => ({ label: `${'s'.repeat(labelLength)}${k}`, y: t.map((x) => Math.sin(x + k)) }));

describe('svg_plot layout', () => {
  it('puts every legend outside every plot area, inside the document, for short and wrapped legends', () => {
    const panels: Panel[] = [
      { title: 'two series', x: t, xLabel: 'time [s]', yLabel: 'p [m]', series: manySeries(2, 3) },
      { title: 'many long labels (wrap)', x: t, xLabel: 'time [s]', yLabel: 'v [m/s]', series: manySeries(7, 30) },
      { title: 'log axis', x: t, xLabel: 'time [s]', yLabel: 'V [-]', logY: true, series: [{ label: 'V', y: t.map((x) => Math.exp(-x)) }] },
    ];
    const svg = renderSvg(panels, 2);
    const plots = rects(svg, 'plot-area');
    const legends = rects(svg, 'legend');
    expect(plots).toHaveLength(3);
    expect(legends).toHaveLength(3);
    const size = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    const doc: Rect = { x: 0, y: 0, width: Number(size[1]), height: Number(size[2]) };
    for (const legend of legends) {
      expect(contains(doc, legend)).toBe(true);
      for (const plot of plots) expect(overlaps(legend, plot)).toBe(false);
    }
    // The wrapped legend needs several rows and every entry stays inside its box.
    const layout = panelLayout(panels[1]!);
    expect(new Set(layout.entries.map((e) => e.y)).size).toBeGreaterThan(1);
    for (const e of layout.entries) {
      expect(e.x).toBeGreaterThanOrEqual(layout.legend.x);
      expect(e.y + 16).toBeLessThanOrEqual(layout.legend.y + layout.legend.height);
    }
    expect(overlaps(layout.legend, layout.plot)).toBe(false);
  });

  it('keeps the old call shape working (panels without labels or series)', () => {
    const svg = renderSvg([{ title: 'empty', x: [0, 1], series: [] }]);
    expect(rects(svg, 'plot-area')).toHaveLength(1);
    expect(rects(svg, 'legend')).toHaveLength(0);
  });
});

describe('log axis ticks', () => {
  it('labels at least four ticks inside the range for spans from a fraction of a decade to many decades', () => {
    for (const [lo, hi] of [[-0.2, 0.1], [0, 0.7], [-1.3, 0.2], [-3, 0], [-12, 2], [2.1, 2.4]] as const) {
      const ticks = logTicks(lo, hi);
      expect(ticks.length, `span [${lo}, ${hi}]`).toBeGreaterThanOrEqual(4);
      expect(ticks.length).toBeLessThanOrEqual(12);
      for (const tick of ticks) {
        expect(tick).toBeGreaterThanOrEqual(lo - 1e-9);
        expect(tick).toBeLessThanOrEqual(hi + 1e-9);
      }
      expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
    }
    expect(logTicks(-3, 0)).toEqual([-3, -2, -1, 0]);
  });

  it('renders the log panel with labelled y ticks that read as values', () => {
    const svg = renderSvg([{ title: 'V', x: t, yLabel: 'V [-]', logY: true, series: [{ label: 'V', y: t.map((x) => 2 * Math.exp(-0.3 * x)) }] }]);
    const labels = [...svg.matchAll(/class="y-tick"[^>]*>([^<]+)</g)].map((m) => Number(m[1]));
    expect(labels.length).toBeGreaterThanOrEqual(4);
    for (const v of labels) {
      expect(v).toBeGreaterThan(0.35);
      expect(v).toBeLessThan(2.3);
    }
  });

  it('formats ticks compactly', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(2e-5)).toBe('2e-5');
    expect(formatTick(10 ** -4)).toBe('1e-4');
    expect(formatTick(10 ** Math.log10(5e-5))).toBe('5e-5');
    expect(formatTick(1e6)).toBe('1e6');
    expect(formatTick(-1500)).toBe('-1500');
  });
});
