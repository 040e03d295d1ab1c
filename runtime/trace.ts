/**
 * Tracing: every pool thread appends spans (a task, or one kernel chunk) to its own ring in a
 * shared buffer, so recording is a few stores with no messages and no locks (one writer per
 * ring). The host assembles the rings into Chrome Trace Event JSON (opens in Perfetto and
 * chrome://tracing) and can check any such trace against the budget.
 *
 * Times are absolute (`performance.timeOrigin + performance.now()`, in ms), because every
 * worker has its own time origin.
 */
import { MAX_WORKERS } from './control.js';

export const SpanKind = { TASK: 1, CHUNK: 2 } as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** Fields of one record, in Float64 slots. */
const F = { KIND: 0, NAME: 1, OWNER: 2, INDEX: 3, START: 4, END: 5 } as const;
const RECORD = 6;
/** Records kept per thread; older ones are overwritten. */
export const RING = 8192;

export interface TraceBuffers {
  /** Per-thread count of records ever written (Int32, index = worker slot). */
  counts: Int32Array;
  records: Float64Array;
}

export function createTraceBuffers(shared: boolean): TraceBuffers {
  const make = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    counts: new Int32Array(make(MAX_WORKERS * 4)),
    records: new Float64Array(make(MAX_WORKERS * RING * RECORD * 8)),
  };
}

export const now = (): number => performance.timeOrigin + performance.now();

/** Where span `n` of `thread` is (or was, if RING newer ones followed) in the records. */
const recordAt = (thread: number, n: number) => (thread * RING + (n % RING)) * RECORD;

/** The writer one pool thread uses for its own ring. */
export class TraceWriter {
  constructor(
    private readonly buffers: TraceBuffers,
    private readonly thread: number,
  ) {}

  /**
   * Opens a span and returns its number, for `end`. The record is published (the count
   * stored) only once its fields are written, so a reader never takes a half-written record
   * for a span (see `readRecords`).
   */
  begin(kind: SpanKind, name: number, owner: number, index: number): number {
    const n = Atomics.load(this.buffers.counts, this.thread);
    const at = recordAt(this.thread, n);
    const r = this.buffers.records;
    r[at + F.KIND] = kind;
    r[at + F.NAME] = name;
    r[at + F.OWNER] = owner;
    r[at + F.INDEX] = index;
    r[at + F.END] = 0;
    r[at + F.START] = now();
    Atomics.store(this.buffers.counts, this.thread, n + 1);
    return n;
  }

  /**
   * Closes span `n`, unless the ring has wrapped over its record since (a task that outlived
   * RING newer spans on its thread): the end would land on another span.
   */
  end(n: number): void {
    if (Atomics.load(this.buffers.counts, this.thread) - n > RING) return;
    this.buffers.records[recordAt(this.thread, n) + F.END] = now();
  }
}

/** Closes a dead thread's open spans at `when`, so its last work still counts as busy. */
export function closeOpenSpans(buffers: TraceBuffers, thread: number, when: number): void {
  forEachRecord(buffers, thread, (at) => {
    if (buffers.records[at + F.END] === 0) buffers.records[at + F.END] = when;
  });
}

/** Visits the records the ring holds now, oldest first: the record's index and its span number. */
function forEachRecord(buffers: TraceBuffers, thread: number, visit: (at: number, n: number) => void): void {
  const count = Atomics.load(buffers.counts, thread);
  for (let n = Math.max(0, count - RING); n < count; n++) visit(recordAt(thread, n), n);
}

/**
 * Reads the published records of a ring its thread may be writing to meanwhile. A record read
 * while the thread reuses its slot for a newer span mixes two spans (seen in a soak run: a chunk
 * of the newest job with the start of a span thousands older and no end, so it overlapped
 * everything after it and showed as a budget violation). So the count is read again afterwards,
 * and records whose slot may have been taken during the read are dropped: they were the oldest.
 */
function readRecords<T>(buffers: TraceBuffers, thread: number, read: (at: number) => T): T[] {
  const records: Array<[number, T]> = [];
  forEachRecord(buffers, thread, (at, n) => records.push([n, read(at)]));
  // The thread may now be writing span `last` into the slot of span `last - RING`.
  const last = Atomics.load(buffers.counts, thread);
  return records.filter(([n]) => n > last - RING).map(([, value]) => value);
}

/** A lease as the host recorded it. */
export interface LeaseSpan {
  threads: number;
  start: number;
  end: number;
}

/** Chrome Trace Event format, plus weft's own metadata in `otherData`. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  /** `origin`: the absolute time (ms, `performance.timeOrigin + performance.now()`) of ts = 0. */
  otherData: { budget: number; producer: 'weft'; origin: number };
}

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: 'X' | 'M' | 'C';
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

export interface TraceNames {
  kernel(id: number): string;
  task(id: number): string;
}

/** Lease spans go on their own track; `tid` 0 is reserved for it. */
const LEASE_TID = 0;

/**
 * `deaths`: per thread index, when each of its workers was terminated. A terminated worker's
 * spans end there at the latest: in browsers its thread may still run (and close a span late)
 * for a moment after `terminate()`, though it does no more weft work.
 */
export function exportTrace(
  buffers: TraceBuffers,
  threads: number[],
  leases: LeaseSpan[],
  budget: number,
  names: TraceNames,
  since = 0,
  deaths: ReadonlyMap<number, readonly number[]> = new Map(),
): ChromeTrace {
  const events: TraceEvent[] = [];
  const origin = since;
  const us = (ms: number) => (ms - origin) * 1000;
  const current = now();
  events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: LEASE_TID, args: { name: 'leases' } });
  for (const t of threads) {
    events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: t + 1, args: { name: `weft worker ${t}` } });
    const records = readRecords(buffers, t, (at) => buffers.records.slice(at, at + RECORD));
    for (const r of records) {
      const start = r[F.START];
      if (start < since) continue;
      const death = deaths.get(t)?.find((d) => d >= start) ?? Infinity;
      const end = Math.min(r[F.END] || current, death);
      const chunk = r[F.KIND] === SpanKind.CHUNK;
      events.push({
        name: chunk ? names.kernel(r[F.NAME]) : names.task(r[F.NAME]),
        cat: chunk ? 'kernel' : 'task',
        ph: 'X',
        ts: us(start),
        dur: Math.max(0, us(end) - us(start)),
        pid: 1,
        tid: t + 1,
        args: chunk ? { job: r[F.OWNER], chunk: r[F.INDEX] } : { task: r[F.OWNER] },
      });
    }
  }
  for (const l of leases) {
    if ((l.end || current) < since) continue;
    const start = Math.max(l.start, since);
    events.push({
      name: `lease ×${l.threads}`,
      cat: 'lease',
      ph: 'X',
      ts: us(start),
      dur: us(l.end || current) - us(start),
      pid: 1,
      tid: LEASE_TID,
      args: { threads: l.threads },
    });
  }
  return { traceEvents: events, displayTimeUnit: 'ms', otherData: { budget, producer: 'weft', origin } };
}

export interface BudgetReport {
  ok: boolean;
  budget: number;
  /** Most threads busy at once (pool threads with a span open, plus leased threads). */
  maxBusy: number;
  /** Instants (trace µs) where busy threads exceeded the budget, with the count. */
  violations: Array<{ ts: number; busy: number }>;
}

/**
 * Checks a trace (from `rt.trace.export()` or loaded from a file) against its budget: at no
 * instant may busy pool threads plus leased threads exceed it. A thread counts once however
 * many spans it has open (a task and the kernel chunks it runs nest on one thread).
 */
export function checkBudget(trace: ChromeTrace, budget = trace.otherData.budget): BudgetReport {
  const perThread = new Map<number, Array<[number, number]>>();
  const edges: Array<[ts: number, delta: number]> = [];
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X') continue;
    const end = e.ts + (e.dur ?? 0);
    if (e.cat === 'lease') {
      const n = Number(e.args?.threads ?? 1);
      edges.push([e.ts, n], [end, -n]);
    } else {
      const list = perThread.get(e.tid) ?? [];
      list.push([e.ts, end]);
      perThread.set(e.tid, list);
    }
  }
  for (const spans of perThread.values()) {
    for (const [start, end] of mergeIntervals(spans)) edges.push([start, 1], [end, -1]);
  }
  // Ends sort before starts at the same instant: a thread that hands over at t is not double-counted.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let busy = 0;
  let maxBusy = 0;
  const violations: BudgetReport['violations'] = [];
  for (const [ts, delta] of edges) {
    busy += delta;
    maxBusy = Math.max(maxBusy, busy);
    if (busy > budget) violations.push({ ts, busy });
  }
  return { ok: violations.length === 0, budget, maxBusy, violations };
}

function mergeIntervals(spans: Array<[number, number]>): Array<[number, number]> {
  spans.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of spans) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
