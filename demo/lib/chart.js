// A small SVG line chart (no library): series of points, optional point markers, axes with
// nice ticks, an HTML legend. Colours come from the caller; text and grid from the stylesheet.

const NS = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}) => {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
};

function niceMax(value) {
  if (!(value > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(value));
  for (const f of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (f * mag >= value) return f * mag;
  return 10 * mag;
}

/**
 * chart: { title, xLabel, yLabel, xTicks: number[],
 *          series: [{ label, color, dash?, points: [{ x, y }] }],
 *          markers?: [{ label, color, x, y }] }   (markers: hollow diamonds)
 */
export function lineChart(container, chart) {
  const width = 720;
  const height = 360;
  const m = { left: 58, right: 16, top: 16, bottom: 46 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': chart.title });
  const title = svg('title');
  title.textContent = chart.title;
  root.append(title);

  const ys = [...chart.series.flatMap((s) => s.points.map((p) => p.y)), ...(chart.markers ?? []).map((p) => p.y)];
  const yMax = niceMax(Math.max(0, ...ys.filter(Number.isFinite)) * 1.05);
  const xMin = Math.min(...chart.xTicks);
  const xMax = Math.max(...chart.xTicks);
  const pad = xMax === xMin ? 0.5 : (xMax - xMin) * 0.04;
  const x = (v) => m.left + ((v - (xMin - pad)) / (xMax + pad - (xMin - pad))) * plotW;
  const y = (v) => m.top + plotH - (v / yMax) * plotH;

  const grid = svg('g', { class: 'grid' });
  const labels = svg('g');
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    grid.append(svg('line', { x1: m.left, x2: m.left + plotW, y1: y(v), y2: y(v) }));
    const t = svg('text', { x: m.left - 8, y: y(v) + 4, 'text-anchor': 'end' });
    t.textContent = +v.toFixed(2) === Math.round(v) ? String(Math.round(v)) : v.toFixed(1);
    labels.append(t);
  }
  const step = Math.max(1, Math.ceil(chart.xTicks.length / 16));
  chart.xTicks.forEach((v, i) => {
    if (i % step !== 0 && i !== chart.xTicks.length - 1) return;
    grid.append(svg('line', { x1: x(v), x2: x(v), y1: m.top, y2: m.top + plotH }));
    const t = svg('text', { x: x(v), y: m.top + plotH + 18, 'text-anchor': 'middle' });
    t.textContent = String(v);
    labels.append(t);
  });
  const xl = svg('text', { x: m.left + plotW / 2, y: height - 6, 'text-anchor': 'middle' });
  xl.textContent = chart.xLabel;
  const yl = svg('text', { x: 14, y: m.top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${m.top + plotH / 2})` });
  yl.textContent = chart.yLabel;
  root.append(grid, labels, xl, yl);
  root.append(svg('line', { class: 'axis', x1: m.left, x2: m.left + plotW, y1: m.top + plotH, y2: m.top + plotH }));
  root.append(svg('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: m.top + plotH }));

  for (const s of chart.series) {
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    if (!pts.length) continue;
    const g = svg('g');
    const label = svg('title');
    label.textContent = s.label;
    g.append(label);
    g.append(
      svg('polyline', {
        points: pts.map((p) => `${x(p.x)},${y(p.y)}`).join(' '),
        fill: 'none',
        stroke: s.color,
        'stroke-width': 2.5,
        'stroke-dasharray': s.dash ? '7 5' : 'none',
        'stroke-linejoin': 'round',
      }),
    );
    for (const p of pts) {
      const dot = svg('circle', { cx: x(p.x), cy: y(p.y), r: 4, fill: s.color });
      const tip = svg('title');
      tip.textContent = `${s.label}: ${p.y.toFixed(2)} at ${p.x}`;
      dot.append(tip);
      g.append(dot);
    }
    root.append(g);
  }
  for (const p of chart.markers ?? []) {
    if (!Number.isFinite(p.y)) continue;
    const cx = x(p.x);
    const cy = y(p.y);
    const d = svg('path', { d: `M${cx} ${cy - 7} L${cx + 7} ${cy} L${cx} ${cy + 7} L${cx - 7} ${cy} Z`, fill: 'none', stroke: p.color, 'stroke-width': 2 });
    const tip = svg('title');
    tip.textContent = `${p.label}: ${p.y.toFixed(2)}`;
    d.append(tip);
    root.append(d);
  }
  if (!chart.series.length && !(chart.markers ?? []).length) {
    const t = svg('text', { x: m.left + plotW / 2, y: m.top + plotH / 2, 'text-anchor': 'middle', class: 'empty' });
    t.textContent = chart.empty ?? 'No data yet';
    root.append(t);
  }

  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const s of chart.series) {
    const item = document.createElement('span');
    item.innerHTML = `<svg width="26" height="10" aria-hidden="true"><line x1="1" x2="25" y1="5" y2="5" stroke="${s.color}" stroke-width="2.5" stroke-dasharray="${s.dash ? '6 4' : 'none'}"/></svg> `;
    item.append(s.label);
    legend.append(item);
  }
  for (const p of chart.markers ?? []) {
    const item = document.createElement('span');
    item.innerHTML = `<svg width="16" height="14" aria-hidden="true"><path d="M8 1 L15 7 L8 13 L1 7 Z" fill="none" stroke="${p.color}" stroke-width="2"/></svg> `;
    item.append(p.label);
    legend.append(item);
  }
  container.replaceChildren(root, legend);
}
