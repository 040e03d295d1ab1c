#!/usr/bin/env node
// Soak: the composition stress of test/shared/composition.js at length, in Node.
//
//   node bench/soak.mjs [--trees 10000] [--seed soak] [--threads 2] [--concurrency 12]
//                       [--profile reduced|full] [--composition dynamic|static]
//                       [--strict-collateral] [--tree-timeout 60000] [--max-hung 5] [--quiet]
//
// --profile: 'reduced' (default) leaves out nested tasks that hang until aborted or timed out
// (each can cost a full HANG_MS when it runs inline and blocks its caller's thread); 'full' is the
// whole task API at every depth (see PROFILES in test/shared/composition-stress.js).
// --strict-collateral: a kernel call failing with WORKER_CRASHED because a worker helping it was
// killed (another task's abort) counts as a mismatch instead of being counted apart.
//
// Prints throughput, outcomes by kind, mismatches grouped by kind (with reproducible tree seeds:
// a tree is generateTree(`${seed}:${i}`, profile, budget)), the trace budget check and info().
// Exit status: 0 when every tree matched, the trace had no violation, the pool ended idle and
// a final kernel and task succeeded; 1 otherwise.
import { parseArgs } from 'node:util';
import { createRuntime } from '../dist/runtime/index.js';
import { HANG_MS, runStress, summarize, waitQuiet } from '../test/shared/composition-stress.js';
import { randomF32, refSum } from '../test/shared/reference.js';

const { values: args } = parseArgs({
  options: {
    trees: { type: 'string', default: '10000' },
    seed: { type: 'string', default: 'soak' },
    threads: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '12' },
    profile: { type: 'string', default: 'reduced' },
    composition: { type: 'string', default: 'dynamic' },
    'strict-collateral': { type: 'boolean', default: false },
    'tree-timeout': { type: 'string', default: '60000' },
    'max-hung': { type: 'string', default: '5' },
    quiet: { type: 'boolean', default: false },
  },
});

const trees = Number(args.trees);
const rt = await createRuntime({ threads: Number(args.threads), composition: args.composition });
console.log(`soak: ${trees} trees, seed ${JSON.stringify(args.seed)}, profile ${args.profile}, budget ${rt.info().threads}, ` +
  `composition ${args.composition}, concurrency ${args.concurrency}, mode ${rt.info().mode}, simd ${rt.info().simd}`);

let lastPrint = Date.now();
const report = await runStress({
  rt,
  trees,
  seed: args.seed,
  profile: args.profile,
  concurrency: Number(args.concurrency),
  treeTimeoutMs: Number(args['tree-timeout']),
  tolerateCollateral: !args['strict-collateral'],
  maxHung: Number(args['max-hung']),
  onTree(r) {
    if (args.quiet || Date.now() - lastPrint < 5000) return;
    lastPrint = Date.now();
    console.log(`  ${r.trees}/${trees} trees, ${r.nodes} nodes, ${r.mismatches.length} mismatches`);
  },
});

const seconds = report.ms / 1000;
console.log(`\n${report.trees} trees (${report.nodes} nodes) in ${seconds.toFixed(1)} s: ` +
  `${(report.trees / seconds).toFixed(1)} trees/s, ${(report.nodes / seconds).toFixed(0)} nodes/s; slowest tree ${report.maxTreeMs} ms`);
console.log('outcomes:');
for (const [k, v] of Object.entries(report.stats)) console.log(`  ${k.padEnd(22)} ${v}`);

let failed = false;
if (report.stopped) {
  failed = true;
  console.log(`\nSTOPPED EARLY: ${report.stopped}`);
}
if (report.mismatches.length) {
  failed = true;
  console.log(`\nMISMATCHES: ${report.mismatches.length}\n${summarize(report.mismatches, 3)}`);
} else {
  console.log('\nmismatches: 0');
}

console.log(`\ntrace: ${report.traceChecks} checks, maxBusy ${report.maxBusy} (budget ${rt.info().threads}), ${report.violations.length} violations`);
if (report.violations.length) {
  failed = true;
  console.log('  first violations:', JSON.stringify(report.violations.slice(0, 5)));
}
if (report.maxBusy > rt.info().threads) failed = true;

const info = await waitQuiet(rt, HANG_MS + 10_000);
console.log('info() after settling:', JSON.stringify(info));
if (info.busy !== 0 || info.tasks !== 0 || info.queued !== 0 || info.leased !== 0 || info.idle !== info.threads) {
  failed = true;
  console.log('POOL NOT IDLE after everything settled');
}

try {
  const x = randomF32('soak/final', 50_000);
  const sum = await rt.kernels.sum(x);
  const ref = refSum(x);
  if (!(Math.abs(sum - ref.value) <= 1e-5 * ref.abs)) throw new Error(`final sum ${sum}, expected ${ref.value}`);
  const out = await rt.module(new URL('../test/shared/tasks/tree.js', import.meta.url)).run({ par: true, nodes: [{ t: 'k', id: 1, op: 'sum', len: 1000, seed: 'final' }] });
  if (!out.results[0].ok) throw new Error(`final task: ${JSON.stringify(out.results[0])}`);
  console.log('final kernel + task: ok');
} catch (e) {
  failed = true;
  console.log('FINAL CALLS FAILED:', e && e.stack);
}

await rt.close();
console.log(failed ? '\nSOAK FAILED' : '\nSOAK PASSED');
process.exit(failed ? 1 : 0);
