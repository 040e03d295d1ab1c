// The safe-point protocol of runtime/critical.ts, driven thread by thread: a worker that runs on
// after the host replaced it (browsers do not stop a terminated worker at once) must never enter
// a critical section again, nor write the word its replacement now owns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { W, createControl, workerWord } from '../../dist/runtime/control.js';
import { Critical, nextIncarnation, stopAtSafePoint } from '../../dist/runtime/critical.js';

const CRITICAL_JS = new URL('../../dist/runtime/critical.js', import.meta.url).href;

// A stand-in pool thread for index 0. On command it enters a critical section in which it sets
// `entered` and then waits until `release` is set; `left` says it came out again.
const THREAD = `
  import { workerData } from 'node:worker_threads';
  const { adoptIncarnation, critical } = await import(workerData.criticalJs);
  const { ctrl, flags } = workerData;
  adoptIncarnation(ctrl, 0);
  Atomics.store(flags, 0, 1); // ready
  Atomics.wait(flags, 1, 0); // go
  critical(ctrl, 0, () => {
    Atomics.store(flags, 2, 1); // entered
    Atomics.wait(flags, 3, 0); // release
  });
  Atomics.store(flags, 4, 1); // left
`;
const READY = 0, GO = 1, ENTERED = 2, RELEASE = 3, LEFT = 4;

/** Runs `fn` with a started stand-in thread, terminated afterwards whatever happens. */
async function withThread(ctrl, fn) {
  const flags = new Int32Array(new SharedArrayBuffer(5 * 4));
  const worker = new Worker(THREAD, { eval: true, type: 'module', workerData: { ctrl, flags, criticalJs: CRITICAL_JS } });
  const t = {
    flags,
    signal(i) {
      Atomics.store(flags, i, 1);
      Atomics.notify(flags, i);
    },
    /** Lets it go and waits until it is inside its critical section. */
    async enter() {
      t.signal(GO);
      await until(() => Atomics.load(flags, ENTERED) === 1, 5000, 'thread entered');
    },
  };
  try {
    await until(() => Atomics.load(flags, READY) === 1, 5000, 'thread ready');
    return await fn(t);
  } finally {
    await worker.terminate();
  }
}

async function until(cond, ms, label) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stateOf = (ctrl) => Atomics.load(ctrl, workerWord(0, W.CRITICAL)) & 3;

test('a thread of a past incarnation never enters a critical section and leaves the word alone', async () => {
  const ctrl = createControl(true, 2);
  await withThread(ctrl, async (old) => {
    // The host replaced index 0 while the old thread still runs (stopped outside, not dead).
    assert.equal(await stopAtSafePoint(ctrl, 0), true);
    nextIncarnation(ctrl, 0);
    const word = Atomics.load(ctrl, workerWord(0, W.CRITICAL));
    old.signal(GO);
    await sleep(200);
    assert.equal(Atomics.load(old.flags, ENTERED), 0, 'the old thread entered a critical section');
    assert.equal(Atomics.load(ctrl, workerWord(0, W.CRITICAL)), word, 'the old thread wrote its successor\'s word');
    // The successor adopts the new incarnation and works normally.
    await withThread(ctrl, async (next) => {
      await next.enter();
      assert.equal(stateOf(ctrl), Critical.INSIDE);
      next.signal(RELEASE);
      await until(() => Atomics.load(next.flags, LEFT) === 1, 5000, 'successor left');
      assert.equal(stateOf(ctrl), Critical.OUTSIDE);
    });
  });
});

test('a kill asked inside a section takes effect where the section ends', async () => {
  const ctrl = createControl(true, 2);
  await withThread(ctrl, async (t) => {
    await t.enter();
    let stopped = false;
    const stop = stopAtSafePoint(ctrl, 0).then((v) => (stopped = v));
    await sleep(50);
    assert.equal(stopped, false, 'the host stopped a thread inside a critical section');
    assert.equal(stateOf(ctrl), Critical.KILL_REQUESTED);
    t.signal(RELEASE);
    await stop;
    assert.equal(stopped, true);
    assert.equal(stateOf(ctrl), Critical.PARKED);
    await sleep(50);
    assert.equal(Atomics.load(t.flags, LEFT), 0, 'a parked thread ran on past its safe point');
  });
});

test('a thread the host gave up on leaves its successor\'s word untouched when it comes out', async () => {
  const ctrl = createControl(true, 2);
  await withThread(ctrl, async (t) => {
    await t.enter();
    // The crash path: the host waits a bounded time, then moves on to the next incarnation.
    assert.equal(await stopAtSafePoint(ctrl, 0, 30), false);
    nextIncarnation(ctrl, 0);
    const word = Atomics.load(ctrl, workerWord(0, W.CRITICAL));
    assert.equal(word & 3, Critical.OUTSIDE);
    t.signal(RELEASE);
    await sleep(100);
    assert.equal(Atomics.load(ctrl, workerWord(0, W.CRITICAL)), word);
    assert.equal(Atomics.load(t.flags, LEFT), 0, 'the stale thread ran on past its section');
  });
});
