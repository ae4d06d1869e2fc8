import { HALFPLANES, type ProjectionReadout } from './projection.js';
import type { SparsemaxReadout } from './sparsemax.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** World coordinates shown in the plot: [-SPAN, SPAN]^2. */
const SPAN = 2.5;
const SIZE = 420;

/** World -> SVG pixels (y up). */
export function toPixels([x, y]: readonly number[]): [number, number] {
  return [((x! + SPAN) / (2 * SPAN)) * SIZE, ((SPAN - y!) / (2 * SPAN)) * SIZE];
}

/** SVG pixels -> world. */
export function toWorld(px: number, py: number): [number, number] {
  return [(px / SIZE) * 2 * SPAN - SPAN, SPAN - (py / SIZE) * 2 * SPAN];
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent.appendChild(node);
  return node;
}

/** Vertices of the polytope {x : n'x <= h for each halfplane}, by intersecting pairs of boundary lines (5 lines: brute force is fine). */
function polytopeVertices(): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < HALFPLANES.length; i++) {
    for (let j = i + 1; j < HALFPLANES.length; j++) {
      const { n: [a, b], h: e } = HALFPLANES[i]!;
      const { n: [c, d], h: f } = HALFPLANES[j]!;
      const det = a * d - b * c;
      if (Math.abs(det) < 1e-12) continue;
      const v: [number, number] = [(e * d - b * f) / det, (a * f - e * c) / det];
      if (HALFPLANES.every(({ n, h }) => n[0] * v[0] + n[1] * v[1] <= h + 1e-9)) out.push(v);
    }
  }
  const cx = out.reduce((s, v) => s + v[0], 0) / out.length;
  const cy = out.reduce((s, v) => s + v[1], 0) / out.length;
  return out.sort((p, q) => Math.atan2(p[1] - cy, p[0] - cx) - Math.atan2(q[1] - cy, q[0] - cx));
}

/** The interactive plot: static polytope and axes, plus the elements each update moves. */
export class ProjectionView {
  private readonly link: SVGLineElement;
  private readonly handle: SVGCircleElement;
  private readonly projected: SVGCircleElement;
  private readonly arrows: SVGLineElement[];

  constructor(readonly svg: SVGSVGElement, onDrag: (a: [number, number]) => void) {
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#2a7' }, marker);
    const [ox, oy] = toPixels([0, 0]);
    el('line', { x1: 0, y1: oy, x2: SIZE, y2: oy, stroke: '#ddd' }, svg);
    el('line', { x1: ox, y1: 0, x2: ox, y2: SIZE, stroke: '#ddd' }, svg);
    const points = polytopeVertices().map((v) => toPixels(v).join(',')).join(' ');
    el('polygon', { points, fill: '#e8eefc', stroke: '#4a6fd1', 'stroke-width': 1.5 }, svg);
    this.link = el('line', { stroke: '#999', 'stroke-dasharray': '4 3' }, svg);
    this.arrows = [0, 1].map(() => el('line', { stroke: '#2a7', 'stroke-width': 2, 'marker-end': 'url(#arrow)' }, svg));
    this.projected = el('circle', { r: 6, fill: '#f08c00' }, svg);
    this.handle = el('circle', { r: 8, fill: '#1c64f2', class: 'handle' }, svg);
    let dragging = false;
    const at = (ev: PointerEvent): [number, number] => {
      const box = svg.getBoundingClientRect();
      return toWorld(((ev.clientX - box.left) / box.width) * SIZE, ((ev.clientY - box.top) / box.height) * SIZE);
    };
    svg.addEventListener('pointerdown', (ev) => {
      dragging = true;
      svg.setPointerCapture(ev.pointerId);
      onDrag(at(ev));
    });
    svg.addEventListener('pointermove', (ev) => {
      if (dragging) onDrag(at(ev));
    });
    svg.addEventListener('pointerup', () => {
      dragging = false;
    });
  }

  /** Moves the point, its projection and the Jacobian columns (scaled for visibility). */
  draw(r: ProjectionReadout): void {
    const [ax, ay] = toPixels(r.a);
    const [px, py] = toPixels(r.x);
    this.handle.setAttribute('cx', String(ax));
    this.handle.setAttribute('cy', String(ay));
    this.projected.setAttribute('cx', String(px));
    this.projected.setAttribute('cy', String(py));
    for (const [k, v] of Object.entries({ x1: ax, y1: ay, x2: px, y2: py })) this.link.setAttribute(k, String(v));
    this.arrows.forEach((arrow, j) => {
      // Column j of the Jacobian: how x* moves when a moves along e_j.
      const tip = toPixels([r.x[0]! + 0.6 * r.jacobian[0]![j]!, r.x[1]! + 0.6 * r.jacobian[1]![j]!]);
      for (const [k, v] of Object.entries({ x1: px, y1: py, x2: tip[0], y2: tip[1] })) arrow.setAttribute(k, String(v));
    });
  }
}

const fmt = (v: number): string => (Math.abs(v) < 5e-5 ? '0' : v.toFixed(4));

/** A small table of labelled rows of numbers. */
export function renderTable(table: HTMLTableElement, rows: [string, readonly number[]][]): void {
  table.replaceChildren(
    ...rows.map(([label, values]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.textContent = label;
      tr.appendChild(th);
      for (const v of values) {
        const td = document.createElement('td');
        td.textContent = fmt(v);
        tr.appendChild(td);
      }
      return tr;
    }),
  );
}

/** Bars of the sparsemax probabilities (exact zeros show as empty bars). */
export function renderBars(svg: SVGSVGElement, r: SparsemaxReadout): void {
  svg.replaceChildren();
  const w = 300 / r.p.length;
  r.p.forEach((p, i) => {
    const h = 120 * p;
    el('rect', { x: i * w + 10, y: 130 - h, width: w - 20, height: h, fill: '#4a6fd1' }, svg);
    el('text', { x: i * w + w / 2, y: 146, 'text-anchor': 'middle', 'font-size': 12 }, svg).textContent = `p${i + 1} = ${fmt(p)}`;
  });
}
