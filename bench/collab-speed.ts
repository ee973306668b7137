/**
 * Collaborative fit speed, native vs wasm, through the Engine (not a test; run by hand):
 *   node --import tsx bench/collab-speed.ts [ratings=1000000] [factors=32] [iterations=15]
 * Random ratings (20,000 users x 5,000 items, values 1-5); prints one line per backend and the ratio.
 * "cpu" is the process's CPU time during the fit (all threads: ~2x wall for native on 2 idle cores),
 * a steadier figure than wall time when other work shares the machine.
 */
import { loadEngine, type Backend, type Ratings } from '../ts/src/engine/index.js';
import { Rng } from '../ts/src/data/rng.js';

const [n, factors, iterations] = [1_000_000, 32, 15].map((d, k) => Number(process.argv[2 + k] ?? d)) as [number, number, number];
const rng = new Rng(1);
const r: Ratings = { users: new Int32Array(n), items: new Int32Array(n), values: new Float32Array(n) };
for (let k = 0; k < n; k++) {
  r.users[k] = Math.floor(rng.float() * 20_000);
  r.items[k] = Math.floor(rng.float() * 5_000);
  r.values[k] = 1 + Math.floor(rng.float() * 5);
}
const seconds: Partial<Record<Backend, number>> = {};
for (const backend of ['native', 'wasm'] as Backend[]) {
  const e = loadEngine(backend);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m = await e.fitCollab(r, { kind: 'mf', params: { factors, iterations, seed: 1 } });
  seconds[backend] = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const rmse = (m.info.fit.train_rmse as number[]).at(-1);
  console.log(`${backend}: mf ${n} ratings x ${factors} factors x ${iterations} iterations: ${seconds[backend]!.toFixed(2)} s, cpu ${cpu.toFixed(2)} s (train RMSE ${rmse?.toFixed(4)})`);
}
console.log(`wasm / native: ${(seconds.wasm! / seconds.native!).toFixed(2)}`);
