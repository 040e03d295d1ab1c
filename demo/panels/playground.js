// Panel 1: the composition playground. N app tasks run at once on weft's pool, each calling a
// parallel matmul, in one of three modes:
//   naive    every task's worker brings its own private pool (createRuntime({ isolated: true,
//            threads: budget }) once per worker): budget² threads, the usual way it goes wrong;
//   static   kernels called from tasks get budget / running tasks threads, fixed at start;
//   dynamic  idle workers join any running kernel (weft's default).
// The task module is the composition bench's (bench/compose-tasks.js), so the demo runs exactly
// what `npm run bench:compose` measures, built by demo/vite-plugin.ts (`?task`): task modules
// are imported by pool workers and must keep their exports.
import tasksUrl from '../../bench/compose-tasks.js?task';
import { $, el, formatMs, LongRun } from '../lib/dom.js';
import { onThemeChange } from '../lib/theme.js';
import { buildModel, drawTimeline } from '../lib/timeline.js';

const MODES = ['naive', 'static', 'dynamic'];
const MODE_LABEL = { naive: 'Naive private pools', static: 'Static', dynamic: 'Dynamic' };
/** How often the live timeline re-reads the trace. */
const POLL_MS = 100;

export function initPlayground({ rt, info }) {
  const budget = info.threads;
  const modules = {
    naive: rt.module(tasksUrl),
    static: rt.limit({ composition: 'static' }).module(tasksUrl),
    dynamic: rt.limit({ composition: 'dynamic' }).module(tasksUrl),
  };
  const form = $('#pg-form');
  const canvas = $('#pg-timeline');
  const stats = $('#pg-stats');
  const tbody = $('#pg-results tbody');
  const job = new LongRun({
    name: 'composition playground',
    runButtons: [$('#pg-run'), $('#pg-compare')],
    cancelButton: $('#pg-cancel'),
    progress: $('#pg-progress'),
    progressText: $('#pg-progress-text'),
  });
  /** Naive time per workload (tasks × size), for the speed-up column. */
  const naiveMs = new Map();
  /** Pool workers whose private (naive) pool exists. */
  const privatePools = new Set();
  /** Mode × size pairs already warmed up (operands built, code compiled on every worker). */
  const warmed = new Set();
  let shown = null;

  $('#pg-legend').append(
    el('span', {}, el('span', { class: 'sw', style: 'background: var(--c-task); opacity: .45' }), 'task'),
    el('span', {}, el('span', { class: 'sw', style: 'background: var(--c-kernel)' }), 'kernel chunk'),
    el('span', {}, el('span', { class: 'sw', style: 'border: 1.5px solid var(--c-wait)' }), 'naive task waiting for its private pool'),
    el('span', {}, el('span', { class: 'line' }), `budget (${budget} threads)`),
    el('span', {}, el('span', { class: 'sw', style: 'background: var(--c-over)' }), 'busy above the budget'),
  );
  if (budget >= 8 && info.mode === 'shared') {
    form.after(el('p', { class: 'note', text: `Naive mode really starts a private pool of ${budget} threads on each of the ${budget} workers it uses: up to ${budget + budget * budget} threads in this tab.` }));
  }
  if (info.mode === 'fallback') {
    form.before(el('p', { class: 'note', text: 'Fallback mode: weft runs on one worker here, so every mode runs one thing at a time, and the naive pools are one-worker pools too. Serve the page cross-origin isolated to see composition at work (see the Runtime tab).' }));
  }

  const params = () => {
    const data = new FormData(form);
    const tasks = Math.max(1, Math.min(256, Math.round(Number(data.get('tasks')) || 1)));
    $('#pg-tasks').value = String(tasks);
    return { tasks, size: Number(data.get('size')), mode: String(data.get('mode')) };
  };

  /**
   * Naive warm-up, untimed (as in the bench): every pool worker creates its private pool
   * before the timing starts, so naive is not charged for spawning threads and compiling.
   */
  async function warmNaive(signal, report) {
    const module = modules.naive.with({ signal });
    for (let attempt = 0; attempt < 10 && privatePools.size < budget; attempt++) {
      report(null, `Starting the naive private pools, not timed (${privatePools.size} of ${budget})…`);
      const inits = await Promise.all(Array.from({ length: budget }, () => module.naiveInit({ budget, holdMs: 250 })));
      for (const i of inits) privatePools.add(i.worker);
    }
  }

  async function runMode(mode, tasks, size, signal, report) {
    try {
      return await timedRun(mode, tasks, size, signal, report);
    } catch (error) {
      // A cancelled task's worker is replaced (and its private pool and operands with it).
      privatePools.clear();
      warmed.clear();
      throw error;
    }
  }

  async function timedRun(mode, tasks, size, signal, report) {
    if (mode === 'naive') await warmNaive(signal, report);
    const module = modules[mode].with({ signal });
    const call = mode === 'naive' ? () => module.naiveTraced({ size, budget }) : () => module.matmul({ size, mode: 'composed', budget });
    if (!warmed.has(`${mode}:${size}`)) {
      // One untimed round first, as the bench does: each worker builds its operands once.
      report(null, `${MODE_LABEL[mode]}: warming up, not timed…`);
      await Promise.all(Array.from({ length: 2 * budget }, call));
      warmed.add(`${mode}:${size}`);
    }
    const privates = [];
    let done = 0;
    report(0, `${MODE_LABEL[mode]}: ${tasks} tasks × matmul ${size}²…`);
    const t0 = performance.timeOrigin + performance.now();
    rt.trace.start();
    const start = performance.now();
    let live = true;
    const redraw = () => {
      if (!live) return;
      const model = buildModel(rt.trace.export(), { mode, privates, t0, budget });
      drawTimeline(canvas, model, performance.now() - start);
      setTimeout(() => requestAnimationFrame(redraw), POLL_MS);
    };
    redraw();
    try {
      await Promise.all(
        Array.from({ length: tasks }, (_, i) =>
          call().then((result) => {
            // naive: the task hands back its private pool's trace (kernel spans, absolute ms).
            if (mode === 'naive') privates.push({ ...result, job: i });
            done++;
            report(done / tasks, `${MODE_LABEL[mode]}: ${done} of ${tasks} tasks done`);
          }),
        ),
      );
    } finally {
      live = false;
      rt.trace.stop();
    }
    const ms = performance.now() - start;
    const trace = rt.trace.export();
    const model = buildModel(trace, { mode, privates, t0, budget });
    const check = mode === 'naive' ? null : rt.trace.check(trace);
    const key = `${tasks}×${size}`;
    if (mode === 'naive') naiveMs.set(key, ms);
    const naive = naiveMs.get(key);
    return {
      mode,
      tasks,
      size,
      ms,
      model,
      check,
      speedup: mode === 'naive' ? 1 : naive ? naive / ms : null,
      threads: mode === 'naive' ? budget + privatePools.size * budget : budget,
      peak: model.busy.max,
    };
  }

  function show(run) {
    shown = run;
    drawTimeline(canvas, run.model, Math.max(run.model.end, 1));
    $('#pg-time').textContent = formatMs(run.ms);
    $('#pg-speedup').textContent = run.mode === 'naive' ? 'baseline' : run.speedup ? `×${run.speedup.toFixed(2)}` : 'run naive first';
    const over = run.peak > budget;
    $('#pg-peak').replaceChildren(el('span', { class: over ? 'bad' : 'ok', text: `${run.peak}` }), ` / budget ${budget}`);
    $('#pg-check').replaceChildren(
      run.check
        ? el('span', { class: run.check.ok ? 'ok' : 'bad', text: run.check.ok ? `ok, 0 violations` : `${run.check.violations.length} violations` })
        : el('span', { class: over ? 'bad' : 'ok', text: over ? `${run.peak - budget} over (not weft's budget)` : 'within budget' }),
    );
    canvas.setAttribute(
      'aria-label',
      `Timeline of the ${MODE_LABEL[run.mode]} run: ${run.tasks} tasks in ${formatMs(run.ms)}, ${run.model.lanes.length} threads shown, ` +
        `peak ${run.peak} busy threads against a budget of ${budget}.`,
    );
    Object.assign(stats.dataset, {
      state: 'done',
      mode: run.mode,
      ms: String(run.ms),
      budget: String(budget),
      maxBusy: String(run.peak),
      lanes: String(run.model.lanes.length),
      violations: run.check ? String(run.check.violations.length) : '',
      checkMaxBusy: run.check ? String(run.check.maxBusy) : '',
    });
  }

  function addRow(run) {
    const view = el('button', { type: 'button', class: 'link', text: MODE_LABEL[run.mode], 'aria-label': `Show the timeline of this ${MODE_LABEL[run.mode]} run` });
    view.addEventListener('click', () => show(run));
    const checkText = run.check ? (run.check.ok ? 'ok' : `${run.check.violations.length} violations`) : `— (${run.peak > budget ? 'oversubscribed' : 'ok'})`;
    tbody.prepend(
      el(
        'tr',
        {
          'data-mode': run.mode,
          'data-ms': run.ms,
          'data-budget': budget,
          'data-peak': run.peak,
          'data-lanes': run.model.lanes.length,
          'data-violations': run.check ? run.check.violations.length : '',
          'data-check-max-busy': run.check ? run.check.maxBusy : '',
        },
        el('td', {}, view),
        el('td', { text: `${run.tasks} × ${run.size}²` }),
        el('td', { text: formatMs(run.ms) }),
        el('td', { text: run.mode === 'naive' ? '1.00' : run.speedup ? `×${run.speedup.toFixed(2)}` : '—' }),
        el('td', { text: String(run.threads) }),
        el('td', { class: run.peak > budget ? 'bad' : '', text: `${run.peak} / ${budget}` }),
        el('td', { class: run.check ? (run.check.ok ? 'ok' : 'bad') : '', text: checkText }),
      ),
    );
  }

  /** One sentence on what the three-way comparison showed. */
  function summarise({ naive, static: stat, dynamic }) {
    const box = $('#pg-summary');
    const best = stat && stat.ms < dynamic.ms ? stat : dynamic;
    box.hidden = false;
    box.textContent =
      `Naive started ${naive.threads} threads for a budget of ${budget} and had up to ${naive.peak} busy at once. ` +
      `With weft the same ${naive.tasks} tasks ran on ${budget} threads, never more than ${budget} busy` +
      `; ${MODE_LABEL[best.mode].toLowerCase()} composition ` +
      (best.speedup >= 1
        ? `finished ×${best.speedup.toFixed(2)} faster (${formatMs(best.ms)} vs ${formatMs(naive.ms)}).`
        : `took ×${(1 / best.speedup).toFixed(2)} as long (${formatMs(best.ms)} vs ${formatMs(naive.ms)}).`);
  }

  async function go(modes) {
    const { tasks, size } = params();
    stats.dataset.state = 'running';
    // A failure is shown in the progress line (LongRun) and logged; the page carries on.
    await job.run(async (signal, report) => {
      const runs = {};
      for (const mode of modes) {
        const run = await runMode(mode, tasks, size, signal, report);
        runs[mode] = run;
        addRow(run);
        show(run);
      }
      if (runs.naive && runs.dynamic) summarise(runs);
      report(1, `Done: ${modes.map((m) => MODE_LABEL[m]).join(', ')}.`);
    }).catch((error) => console.error(error, error?.cause ?? ''));
    if (stats.dataset.state === 'running') stats.dataset.state = shown ? 'done' : 'idle';
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void go([params().mode]);
  });
  $('#pg-compare').addEventListener('click', () => void go(MODES));
  const redrawShown = () => (shown ? drawTimeline(canvas, shown.model, Math.max(shown.model.end, 1)) : drawTimeline(canvas, null, 100, budget));
  onThemeChange(redrawShown);
  new ResizeObserver(() => !job.running && redrawShown()).observe(canvas.parentElement);

  return { show: redrawShown };
}
