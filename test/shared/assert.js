// A tiny assertion helper shared by the browser (mocha) and Node (node:test) runners.
// Every failure throws an AssertionError whose message says what was expected and what was got.

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

/** Formats a value for a failure message: keeps -0, NaN, Infinity and f32 bit patterns visible. */
export function fmt(v) {
  if (typeof v === 'number') {
    if (Object.is(v, -0)) return '-0';
    if (Number.isNaN(v)) return 'NaN';
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (ArrayBuffer.isView(v)) {
    const head = Array.from(v.slice(0, 8), fmt).join(', ');
    return `${v.constructor.name}(${v.length}) [${head}${v.length > 8 ? ', …' : ''}]`;
  }
  if (Array.isArray(v)) return `Array(${v.length})`;
  if (v === null || v === undefined) return String(v);
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try { return JSON.stringify(v); } catch { return String(v); }
}

export function fail(message) {
  throw new AssertionError(message);
}

export function ok(cond, message = 'expected a truthy value') {
  if (!cond) fail(message);
}

/** Object.is equality (so NaN equals NaN and -0 differs from 0). */
export function equal(got, want, label = 'value') {
  if (!Object.is(got, want)) fail(`${label}: expected ${fmt(want)}, got ${fmt(got)}`);
}

/** Numeric equality where 0 === -0 but NaN only equals NaN. */
export function numEqual(got, want, label = 'value') {
  if (Number.isNaN(want) ? !Number.isNaN(got) : got !== want) fail(`${label}: expected ${fmt(want)}, got ${fmt(got)}`);
}

/** |got - want| <= tol; non-finite `want` must match exactly (NaN matches any NaN). */
export function close(got, want, tol, label = 'value') {
  if (typeof got !== 'number') fail(`${label}: expected a number, got ${fmt(got)}`);
  if (!Number.isFinite(want)) {
    numEqual(got, want, label);
    return;
  }
  if (!(Math.abs(got - want) <= tol)) {
    fail(`${label}: expected ${fmt(want)} ± ${tol.toExponential(2)}, got ${fmt(got)} (error ${fmt(Math.abs(got - want))})`);
  }
}

export function isFloat32Array(v, length, label = 'result') {
  if (!(v instanceof Float32Array)) fail(`${label}: expected a Float32Array, got ${fmt(v)}`);
  if (length !== undefined && v.length !== length) fail(`${label}: expected length ${length}, got ${v.length}`);
}

/**
 * Element-by-element check of an array. `check(i, got)` returns undefined when element i is
 * fine, or a string describing what was expected. Reports the first few mismatches and a count.
 */
export function eachElement(got, length, check, label = 'result') {
  isFloat32Array(got, length, label);
  const bad = [];
  let count = 0;
  for (let i = 0; i < length; i++) {
    const why = check(i, got[i]);
    if (why !== undefined) {
      count++;
      if (bad.length < 5) bad.push(`[${i}]: expected ${why}, got ${fmt(got[i])}`);
    }
  }
  if (count) fail(`${label}: ${count} of ${length} elements wrong; first: ${bad.join('; ')}`);
}

/** Bit-identical arrays (Float32Array compared through their bit patterns), or Object.is numbers. */
export function sameBits(got, want, label = 'result') {
  if (typeof want === 'number') {
    if (!Object.is(got, want)) fail(`${label}: expected bit-identical ${fmt(want)}, got ${fmt(got)}`);
    return;
  }
  isFloat32Array(got, want.length, label);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) {
    if (g[i] !== w[i]) {
      fail(`${label}: not bit-identical at [${i}]: expected ${fmt(want[i])} (0x${w[i].toString(16)}), got ${fmt(got[i])} (0x${g[i].toString(16)})`);
    }
  }
}

/**
 * (`argument` may be an array of accepted names.)
 * Calls `fn` and expects the promise it returns to reject with a WeftError of the given code
 * (and argument, when given). A synchronous throw is a failure: the contract is a rejected promise.
 */
export async function rejects(fn, { code, argument, WeftError }, label = 'call') {
  let promise;
  try {
    promise = fn();
  } catch (e) {
    fail(`${label}: threw synchronously (${fmt(e)}) instead of returning a rejected promise`);
  }
  if (!promise || typeof promise.then !== 'function') fail(`${label}: did not return a promise (got ${fmt(promise)})`);
  let result;
  try {
    result = await promise;
  } catch (e) {
    checkWeftError(e, { code, argument, WeftError }, label);
    return e;
  }
  fail(`${label}: expected a rejection with code ${fmt(code)}, but it resolved to ${fmt(result)}`);
}

/** Like `rejects`, but a synchronous throw is accepted too (for synchronous APIs such as alloc). */
export async function throwsOrRejects(fn, { code, argument, WeftError }, label = 'call') {
  let result;
  try {
    result = await fn();
  } catch (e) {
    checkWeftError(e, { code, argument, WeftError }, label);
    return e;
  }
  fail(`${label}: expected an error with code ${fmt(code)}, but it returned ${fmt(result)}`);
}

export function checkWeftError(e, { code, argument, WeftError }, label = 'error') {
  const desc = `${e && e.name}: ${e && e.message} (code ${fmt(e && e.code)}, argument ${fmt(e && e.argument)})`;
  if (WeftError && !(e instanceof WeftError)) fail(`${label}: expected a WeftError, got ${desc}`);
  if (!(e instanceof Error)) fail(`${label}: expected an Error, got ${fmt(e)}`);
  if (code !== undefined && e.code !== code) fail(`${label}: expected code ${fmt(code)}, got ${desc}`);
  const accepted = Array.isArray(argument) ? argument : [argument];
  if (argument !== undefined && !accepted.includes(e.argument)) {
    fail(`${label}: expected argument ${accepted.map(fmt).join(' or ')}, got ${desc}`);
  }
}
