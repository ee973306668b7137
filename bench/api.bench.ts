/**
 * API load test (loopback only, bounded in time): POST /recommend with 100 candidate movies against
 * `moviepref serve` in its own process, at 1 and N connections. Prints p50/p99 latency and throughput,
 * writes bench/results/api-<date>.json.
 *
 *   node --import tsx bench/api.bench.ts [--mode quick|full] [--seconds 10] [--connections 1,8] [--model-name NAME]
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ARTIFACTS_SCHEMA } from '../ts/src/artifacts/manifest.js';
import { must, ROOT, table } from './lib.js';

const { values } = parseArgs({
  options: { mode: { type: 'string', default: 'full' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '1,8' }, 'model-name': { type: 'string' } },
});
const dir = `bench/data/api-${values.mode}`;
/** The artifacts of an earlier bench run are reused only when this version can load them. */
const current = (): boolean => {
  try {
    return (JSON.parse(readFileSync(`${ROOT}${dir}/manifest.json`, 'utf8')) as { schema?: unknown }).schema === ARTIFACTS_SCHEMA;
  } catch {
    return false;
  }
};
if (!current()) must(process.execPath, ['ts/dist/cli/main.js', 'run', '--mode', values.mode!, '--out', dir, '--seed', '42']);

const server = spawn(process.execPath, ['ts/dist/cli/main.js', 'serve', '--model', dir, '--port', '0', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const address: string = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d: Buffer) => resolve(JSON.parse(d.toString()).address));
  server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});
const info = (await (await fetch(`${address}/model`)).json()) as { best_model: string; dataset: { movies: number } };
const candidates = Array.from({ length: 100 }, (_, i) => i + 1);
const model = values['model-name'] ?? info.best_model;
const body = JSON.stringify({ user_id: 7, candidates, k: 10, hour: 21, model });
const check = (await (await fetch(`${address}/recommend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as { recommendations: unknown[] };
if (check.recommendations.length !== 10) throw new Error(`unexpected response ${JSON.stringify(check)}`);

const rows: (string | number)[][] = [];
const raw: Record<string, unknown> = {};
try {
  for (const c of values.connections!.split(',').map(Number)) {
    const r = await autocannon({ url: `${address}/recommend`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: c, duration: Number(values.seconds) });
    raw[`c${c}`] = r;
    if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx responses, ${r.errors} errors`);
    rows.push([String(c), String(r.requests.total), String(Math.round(r.requests.average)), String(r.latency.p50), String(r.latency.p90), String(r.latency.p99), String(r.latency.max)]);
  }
} finally {
  server.kill('SIGTERM');
}
const out = [
  `API load test ${new Date().toISOString().slice(0, 10)}: POST /recommend, 100 candidates, k=10, model ${model} (${values.mode} artifacts), ${values.seconds} s per row, loopback`,
  table(['connections', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], rows),
  'latencies are whole milliseconds (autocannon resolution)',
].join('\n');
process.stdout.write(`${out}\n`);
writeFileSync(`${ROOT}bench/results/api-${new Date().toISOString().slice(0, 10)}.json`, `${JSON.stringify({ model, mode: values.mode, rows, raw }, null, 2)}\n`);
