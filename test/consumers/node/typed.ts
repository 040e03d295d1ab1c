// A TypeScript consumer: compiles against the installed package's declarations only.
import { createRuntime, getRuntime, WeftError, checkBudget, type RuntimeInfo, type RuntimeOptions, type Lease } from 'weft';

const options: RuntimeOptions = { threads: 2, composition: 'dynamic' };
export async function main(): Promise<number> {
  const rt = await createRuntime(options);
  const info: RuntimeInfo = rt.info();
  const mode: 'shared' | 'fallback' = info.mode;
  const c: Float32Array = await rt.kernels.matmul(new Float32Array(4), new Float32Array(4), { m: 2, k: 2, n: 2 });
  const s: number = await rt.kernels.sum(c, { threads: 1 });
  // alloc returns the type it is given, and that type goes where a kernel wants it.
  const pixels: Uint8ClampedArray = rt.alloc(Uint8ClampedArray, 4 * 4 * 4);
  const blurred: Uint8ClampedArray = await rt.kernels.boxBlur(pixels, { width: 4, height: 4, radius: 1, out: pixels });
  const keys: Int32Array = rt.alloc(Int32Array, 8);
  const order: Uint32Array = await rt.kernels.argsort(keys, { out: rt.alloc(Uint32Array, 8) });
  rt.free(blurred);
  rt.free(keys);
  rt.free(order);
  const lease: Lease = await rt.lease(1);
  lease.release();
  const small = rt.limit({ threads: 1 });
  void small;
  rt.trace.start();
  rt.trace.stop();
  const report = checkBudget(rt.trace.export());
  void getRuntime;
  try {
    await rt.kernels.sum(c);
  } catch (e) {
    if (e instanceof WeftError) console.log(e.code);
  }
  await rt.close();
  return s + (mode === 'shared' ? 1 : 0) + (report.ok ? 0 : 1);
}
