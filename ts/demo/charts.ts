/** Small inline-SVG charts for the demo page: ROC curves, horizontal bars, a confusion matrix. */

const NS = 'http://www.w3.org/2000/svg';

export const COLORS: Record<string, string> = {
  logistic_regression: '#2f6fdb',
  random_forest: '#1f9d6b',
  gradient_boosting: '#d9622b',
  bayes: '#6b6f80',
  loaded: '#9b3fc9',
};

export const LABELS: Record<string, string> = {
  logistic_regression: 'Logistic regression',
  random_forest: 'Random forest',
  gradient_boosting: 'Gradient boosting',
};

export const label = (name: string): string => LABELS[name] ?? name;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(width: number, height: number, aria: string): SVGSVGElement {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': aria, class: 'chart' });
}

export interface Series {
  name: string;
  points: [number, number][];
  auc: number;
  dashed?: boolean;
}

/** ROC curves on a square plot with the random-guess diagonal and a legend with each AUC. */
export function rocChart(series: Series[]): SVGSVGElement {
  const W = 520;
  const H = 400;
  const m = { l: 48, r: 180, t: 14, b: 42 };
  const size = H - m.t - m.b;
  const x = (v: number) => m.l + v * size;
  const y = (v: number) => m.t + (1 - v) * size;
  const s = svg(W, H, 'ROC curves');
  for (let i = 0; i <= 4; i++) {
    const v = i / 4;
    s.append(el('line', { x1: x(v), y1: y(0), x2: x(v), y2: y(1), class: 'grid' }), el('line', { x1: x(0), y1: y(v), x2: x(1), y2: y(v), class: 'grid' }));
    s.append(el('text', { x: x(v), y: y(0) + 16, class: 'tick', 'text-anchor': 'middle' }, v.toFixed(2)));
    s.append(el('text', { x: x(0) - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, v.toFixed(2)));
  }
  s.append(el('rect', { x: x(0), y: y(1), width: size, height: size, class: 'frame' }));
  s.append(el('path', { d: `M${x(0)},${y(0)}L${x(1)},${y(1)}`, class: 'diagonal' }));
  s.append(el('text', { x: x(0.5), y: H - 6, class: 'axis', 'text-anchor': 'middle' }, 'False positive rate'));
  s.append(el('text', { x: 12, y: y(0.5), class: 'axis', 'text-anchor': 'middle', transform: `rotate(-90 12 ${y(0.5)})` }, 'True positive rate'));
  series.forEach((ser, i) => {
    const d = ser.points.map(([fx, ty], k) => `${k ? 'L' : 'M'}${x(fx).toFixed(1)},${y(ty).toFixed(1)}`).join('');
    const color = COLORS[ser.name] ?? '#444';
    s.append(el('path', { d, fill: 'none', stroke: color, 'stroke-width': ser.dashed ? 1.8 : 2.2, 'stroke-dasharray': ser.dashed ? '5 4' : 'none', 'data-series': ser.name }));
    const ly = m.t + 12 + i * 40;
    const lx = x(1) + 18;
    s.append(el('line', { x1: lx, y1: ly, x2: lx + 20, y2: ly, stroke: color, 'stroke-width': 3, 'stroke-dasharray': ser.dashed ? '5 3' : 'none' }));
    s.append(el('text', { x: lx + 26, y: ly + 4, class: 'legend' }, label(ser.name)));
    s.append(el('text', { x: lx + 26, y: ly + 20, class: 'legend-sub' }, `AUC ${ser.auc.toFixed(3)}`));
  });
  return s;
}

/** Horizontal bars (values >= 0), longest first, with the value at the end of each bar. */
export function barChart(items: { name: string; value: number }[], color: string, aria: string): SVGSVGElement {
  const W = 360;
  const row = 22;
  const labelW = 150;
  const H = items.length * row + 8;
  const max = Math.max(1e-12, ...items.map((i) => Math.abs(i.value)));
  const s = svg(W, H, aria);
  items.forEach((it, k) => {
    const yy = 4 + k * row;
    const w = (Math.abs(it.value) / max) * (W - labelW - 50);
    const name = it.name.length > 22 ? `${it.name.slice(0, 21)}…` : it.name;
    const t = el('text', { x: labelW - 6, y: yy + 14, class: 'bar-label', 'text-anchor': 'end' }, name);
    t.append(el('title', {}, it.name));
    s.append(t, el('rect', { x: labelW, y: yy + 3, width: Math.max(1, w), height: row - 8, rx: 2, fill: color, opacity: 0.85 }));
    s.append(el('text', { x: labelW + w + 5, y: yy + 14, class: 'bar-value' }, `${(it.value * 100).toFixed(1)}%`));
  });
  return s;
}

/** 2x2 confusion matrix; cell shade is the share of its actual class. */
export function confusionChart(c: { tn: number; fp: number; fn: number; tp: number }, color: string): SVGSVGElement {
  const W = 250;
  const H = 190;
  const cell = 70;
  const ox = 90;
  const oy = 40;
  const s = svg(W, H, 'Confusion matrix');
  const cells: [number, number, number, number][] = [
    [0, 0, c.tn, c.tn + c.fp],
    [1, 0, c.fp, c.tn + c.fp],
    [0, 1, c.fn, c.fn + c.tp],
    [1, 1, c.tp, c.fn + c.tp],
  ];
  for (const [col, rowI, v, total] of cells) {
    const share = total ? v / total : 0;
    const x0 = ox + col * cell;
    const y0 = oy + rowI * cell;
    s.append(el('rect', { x: x0, y: y0, width: cell - 3, height: cell - 3, rx: 4, fill: color, 'fill-opacity': 0.1 + 0.8 * share }));
    s.append(el('text', { x: x0 + cell / 2 - 1.5, y: y0 + cell / 2, class: share > 0.55 ? 'cm-value light' : 'cm-value', 'text-anchor': 'middle' }, String(v)));
    s.append(el('text', { x: x0 + cell / 2 - 1.5, y: y0 + cell / 2 + 16, class: share > 0.55 ? 'cm-share light' : 'cm-share', 'text-anchor': 'middle' }, `${(share * 100).toFixed(0)}%`));
  }
  s.append(el('text', { x: ox + cell, y: 14, class: 'axis', 'text-anchor': 'middle' }, 'Predicted'));
  s.append(el('text', { x: ox + cell / 2, y: oy - 8, class: 'tick', 'text-anchor': 'middle' }, 'dislike'));
  s.append(el('text', { x: ox + 1.5 * cell, y: oy - 8, class: 'tick', 'text-anchor': 'middle' }, 'like'));
  s.append(el('text', { x: ox - 8, y: oy + cell / 2 + 4, class: 'tick', 'text-anchor': 'end' }, 'dislike'));
  s.append(el('text', { x: ox - 8, y: oy + 1.5 * cell + 4, class: 'tick', 'text-anchor': 'end' }, 'like'));
  s.append(el('text', { x: 14, y: oy + cell, class: 'axis', 'text-anchor': 'middle', transform: `rotate(-90 14 ${oy + cell})` }, 'Actual'));
  return s;
}
