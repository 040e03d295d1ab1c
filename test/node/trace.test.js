// The trace rings are read by the host while their threads write to them. An export must never
// show a span made of two records' fields (a torn read once showed as a budget violation: a chunk
// of the newest job with a start from thousands of spans before, left open).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { SpanKind, createTraceBuffers, exportTrace } from '../../dist/runtime/trace.js';

const TRACE_JS = new URL('../../dist/runtime/trace.js', import.meta.url).href;

// A stand-in pool thread 0: opens and closes chunk spans as fast as it can (wrapping its ring
// every millisecond or so) until told to stop. Span k carries k as its kernel, job and chunk.
const WRITER = `
  import { workerData } from 'node:worker_threads';
  const { SpanKind, TraceWriter } = await import(workerData.traceJs);
  const { buffers, flags } = workerData;
  const writer = new TraceWriter(buffers, 0);
  Atomics.store(flags, 0, 1);
  for (let k = 0; Atomics.load(flags, 1) === 0; k++) writer.end(writer.begin(SpanKind.CHUNK, k, k, k));
`;

test('a ring read while its thread writes yields only whole spans, in order', async () => {
  const buffers = createTraceBuffers(true);
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(WRITER, { eval: true, type: 'module', workerData: { buffers, flags, traceJs: TRACE_JS } });
  try {
    while (Atomics.load(flags, 0) === 0) await new Promise((r) => setTimeout(r, 1));
    const names = { kernel: (id) => String(id), task: (id) => String(id) };
    let spans = 0;
    for (let round = 0; round < 200; round++) {
      const events = exportTrace(buffers, [0], [], 1, names).traceEvents.filter((e) => e.ph === 'X');
      let last = null;
      for (const e of events) {
        assert.equal(e.cat, 'kernel', `round ${round}: span kind`);
        assert.ok(e.name === String(e.args.job) && e.args.job === e.args.chunk, `round ${round}: fields of two spans in one: ${JSON.stringify(e)}`);
        if (last) {
          assert.ok(e.args.job > last.args.job, `round ${round}: spans out of order: ${JSON.stringify(last)} then ${JSON.stringify(e)}`);
          assert.ok(e.ts >= last.ts, `round ${round}: span ${e.args.job} starts before span ${last.args.job}: ${JSON.stringify(last)} then ${JSON.stringify(e)}`);
        }
        last = e;
      }
      spans += events.length;
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(spans > 200 * 1000, `the writer kept the rings busy (${spans} spans read)`);
  } finally {
    Atomics.store(flags, 1, 1);
    await worker.terminate();
  }
});
