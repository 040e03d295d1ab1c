// The playground's timeline: weft's trace (Chrome Trace Event JSON from rt.trace.export(),
// `tid` = worker index + 1, spans of cat 'task' | 'kernel' | 'lease') turned into lanes of
// spans and a busy-threads series, drawn on a canvas with the budget as a line.
import { fitCanvas, theme } from './theme.js';

/**
 * Builds the drawable model.
 *  trace:    the pool's export (ts/dur in µs since the recording started)
 *  privates: naive mode only: per task, the kernel spans of the private pool it used, as
 *            `{ worker: 'weft-3', spans: [{ tid, start, end }] }` (absolute ms)
 *  t0:       absolute ms of the recording's start (performance.timeOrigin + now())
 * In naive mode the outer task spans are drawn as waiting (their thread sleeps until its
 * private pool is done) and the busy series counts the private threads; otherwise it counts
 * every thread with a span open, as `rt.trace.check()` does.
 */
export function buildModel(trace, { mode, privates = [], t0, budget }) {
  const lanes = new Map();
  const spans = [];
  const lane = (key, label, group, order) => {
    if (!lanes.has(key)) lanes.set(key, { key, label, group, order });
    return key;
  };
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || e.tid === 0) continue;
    const key = lane(`w${e.tid}`, `worker ${e.tid - 1}`, 'pool', [e.tid, 0]);
    const kind = e.cat === 'kernel' ? 'kernel' : mode === 'naive' ? 'wait' : 'task';
    spans.push({ lane: key, start: e.ts / 1000, end: (e.ts + (e.dur ?? 0)) / 1000, kind, job: e.args?.job ?? e.args?.task ?? 0 });
  }
  for (const p of privates) {
    const outer = Number(String(p.worker).replace(/\D+/g, '')) || 0;
    lane(`w${outer + 1}`, `worker ${outer}`, 'pool', [outer + 1, 0]);
    for (const s of p.spans) {
      const key = lane(`p${outer}.${s.tid}`, `  └ private ${s.tid - 1}`, 'private', [outer + 1, s.tid]);
      spans.push({ lane: key, start: s.start - t0, end: s.end - t0, kind: 'kernel', job: p.job ?? 0 });
    }
  }
  const ordered = [...lanes.values()].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  ordered.forEach((l, i) => (l.index = i));
  const counted = mode === 'naive' ? spans.filter((s) => s.kind === 'kernel') : spans;
  const busy = busySeries(counted);
  const end = spans.reduce((m, s) => Math.max(m, s.end), 0);
  return { lanes: ordered, laneIndex: new Map(ordered.map((l) => [l.key, l.index])), spans, busy, budget, end, mode };
}

/** Threads busy over time: a thread counts once however many of its spans are open. */
export function busySeries(spans) {
  const perLane = new Map();
  for (const s of spans) {
    const list = perLane.get(s.lane) ?? [];
    list.push([s.start, s.end]);
    perLane.set(s.lane, list);
  }
  const edges = [];
  for (const list of perLane.values()) {
    list.sort((a, b) => a[0] - b[0]);
    let cur = null;
    for (const [s, e] of list) {
      if (cur && s <= cur[1]) cur[1] = Math.max(cur[1], e);
      else {
        if (cur) edges.push([cur[0], 1], [cur[1], -1]);
        cur = [s, e];
      }
    }
    if (cur) edges.push([cur[0], 1], [cur[1], -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const points = [{ t: 0, n: 0 }];
  let n = 0;
  let max = 0;
  for (const [t, d] of edges) {
    n += d;
    max = Math.max(max, n);
    points.push({ t, n });
  }
  return { points, max };
}

function niceStep(range, target) {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

const AXIS_H = 22;
const BUSY_H = 96;
const GAP = 14;

/** Draws `model` (or an empty frame for a pool of `budget` threads) into `canvas`, `duration` ms wide. */
export function drawTimeline(canvas, model, duration, budget = model?.budget ?? 1) {
  const t = theme();
  const laneCount = model ? model.lanes.length : 2;
  const laneH = Math.max(3, Math.min(20, Math.floor(360 / Math.max(1, laneCount))));
  const lanesH = laneCount * laneH;
  const height = lanesH + AXIS_H + GAP + BUSY_H + AXIS_H;
  const { ctx, width } = fitCanvas(canvas, height);
  const LABEL_W = width < 560 ? 76 : 104;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const plotW = Math.max(10, width - LABEL_W - 12);
  const span = Math.max(1, duration || model?.end || 1);
  const x = (ms) => LABEL_W + (Math.max(0, ms) / span) * plotW;

  // Lanes: labels, alternating backgrounds.
  const lanes = model?.lanes ?? [];
  for (let i = 0; i < laneCount; i++) {
    const y = i * laneH;
    if (i % 2 === 0) {
      ctx.fillStyle = t.surface2;
      ctx.fillRect(LABEL_W, y, plotW, laneH);
    }
    const l = lanes[i];
    if (l && laneH >= 10) {
      ctx.fillStyle = l.group === 'private' ? t.muted : t.text;
      ctx.fillText(LABEL_W < 100 ? l.label.replace('worker ', 'w').replace('private ', 'p') : l.label, 6, y + laneH / 2);
    }
  }
  if (lanes.length && laneH < 10) {
    ctx.fillStyle = t.muted;
    ctx.fillText(`${lanes.length} threads`, 6, lanesH / 2);
  }

  // Spans.
  if (model) {
    for (const s of model.spans) {
      const i = model.laneIndex.get(s.lane);
      const y = i * laneH + 1;
      const x0 = x(s.start);
      const w = Math.max(1, x(s.end) - x0);
      const h = Math.max(1, laneH - 2);
      if (s.kind === 'wait') {
        ctx.strokeStyle = t.wait;
        ctx.lineWidth = 1;
        ctx.strokeRect(x0 + 0.5, y + 0.5, Math.max(0, w - 1), Math.max(0, h - 1));
      } else if (s.kind === 'task') {
        ctx.fillStyle = t.task;
        ctx.globalAlpha = 0.35;
        ctx.fillRect(x0, y, w, h);
        ctx.globalAlpha = 1;
      } else {
        ctx.fillStyle = t.kernel;
        ctx.globalAlpha = s.job % 2 ? 0.75 : 1;
        const inset = lanes[i]?.group === 'pool' && model.mode !== 'naive' ? Math.min(3, h / 4) : 0;
        ctx.fillRect(x0, y + inset, w, h - 2 * inset);
        ctx.globalAlpha = 1;
      }
    }
  }

  // Time axis under the lanes.
  const axisY = lanesH + 4;
  const step = niceStep(span, Math.max(2, Math.floor(plotW / 90)));
  ctx.fillStyle = t.axis;
  ctx.strokeStyle = t.grid;
  ctx.textAlign = 'center';
  for (let ms = 0; ms <= span + 1e-9; ms += step) {
    const px = x(ms);
    ctx.beginPath();
    ctx.moveTo(px + 0.5, 0);
    ctx.lineTo(px + 0.5, lanesH);
    ctx.stroke();
    ctx.fillText(`${ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${+ms.toFixed(1)} ms`}`, Math.min(px, width - 24), axisY + 8);
  }
  ctx.textAlign = 'left';

  // Busy threads over time, with the budget.
  const top = lanesH + AXIS_H + GAP;
  const maxN = Math.max(budget + 1, model?.busy.max ?? 0);
  const yOf = (n) => top + BUSY_H - (n / maxN) * BUSY_H;
  ctx.fillStyle = t.muted;
  ctx.fillText('busy threads', 6, top + 8);
  ctx.fillText(`0`, LABEL_W - 14, yOf(0));
  ctx.fillText(`${maxN}`, LABEL_W - 14 - (maxN > 9 ? 6 : 0), yOf(maxN) + 5);
  ctx.strokeStyle = t.grid;
  ctx.strokeRect(LABEL_W + 0.5, top + 0.5, plotW, BUSY_H);
  if (model) {
    const pts = model.busy.points;
    const fill = (clipTop, clipBottom, colour) => {
      ctx.save();
      ctx.beginPath();
      ctx.rect(LABEL_W, clipTop, plotW, clipBottom - clipTop);
      ctx.clip();
      ctx.beginPath();
      ctx.moveTo(x(0), yOf(0));
      for (let i = 0; i < pts.length; i++) {
        const p = pts[i];
        const prev = i ? pts[i - 1].n : 0;
        ctx.lineTo(x(p.t), yOf(prev));
        ctx.lineTo(x(p.t), yOf(p.n));
      }
      ctx.lineTo(x(span), yOf(pts[pts.length - 1].n));
      ctx.lineTo(x(span), yOf(0));
      ctx.closePath();
      ctx.fillStyle = colour;
      ctx.globalAlpha = 0.8;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.restore();
    };
    fill(yOf(budget), yOf(0), t.busy);
    fill(top, yOf(budget), t.over);
  }
  // Budget line.
  ctx.strokeStyle = t.over;
  ctx.setLineDash([6, 4]);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(LABEL_W, Math.round(yOf(budget)) + 0.5);
  ctx.lineTo(LABEL_W + plotW, Math.round(yOf(budget)) + 0.5);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
  ctx.fillStyle = t.over;
  ctx.fillText(`budget ${budget}`, 6, yOf(budget));
  ctx.fillStyle = t.axis;
  ctx.textAlign = 'center';
  for (let ms = 0; ms <= span + 1e-9; ms += step) {
    ctx.fillText(`${ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${+ms.toFixed(1)} ms`}`, Math.min(x(ms), width - 24), top + BUSY_H + 12);
  }
  ctx.textAlign = 'left';
}
