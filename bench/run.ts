/**
 * `npm run bench`: the whole benchmark suite in ONE run on the same data and seeds. Prints the tables,
 * writes bench/results/bench-<date>.json (a partial run: bench-<date>-<sections>-<scales>.json, so it
 * never replaces the full run's data) and, for a full run, regenerates the results section of README.md.
 *
 *   node --import tsx bench/run.ts [--scales 50k,1m,10m,movielens] [--sections engine,grid,pipeline,collab]
 *                                  [--threads 2] [--no-readme]
 *
 * Scales are synthetic interaction counts (the pipeline's generator, split and features; see
 * bench/features-export.ts) plus MovieLens 100K from ../shared/data when present. Data files are cached
 * under bench/data/ (gitignored); delete them to rebuild.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { failed, must, ROOT, runJson } from './lib.js';
import { type BenchRun, render, type ScaleResult, updateReadme } from './report.js';
import { collabSection } from './sections/collab.js';
import { engineSection } from './sections/engine.js';
import { gridSection } from './sections/grid.js';
import { pipelineSection } from './sections/pipeline.js';

const MOVIELENS = `${ROOT}../shared/data/movielens-100k`;
const SCALES: Record<string, number> = { '50k': 50_000, '1m': 1_000_000, '10m': 10_000_000 };

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: '50k,1m,10m,movielens' },
    sections: { type: 'string', default: 'engine,grid,pipeline,collab' },
    threads: { type: 'string', default: String(cpus().length) },
    'no-readme': { type: 'boolean', default: false },
  },
});
const sections = new Set(values.sections.split(','));
const threads = Number(values.threads);
const scales = values.scales.split(',');
for (const s of scales) if (s !== 'movielens' && !(s in SCALES)) throw new Error(`--scales: unknown scale ${JSON.stringify(s)} (expected ${[...Object.keys(SCALES), 'movielens'].join(', ')})`);
for (const s of sections) if (!['engine', 'grid', 'pipeline', 'collab'].includes(s)) throw new Error(`--sections: unknown section ${JSON.stringify(s)}`);

mkdirSync(`${ROOT}bench/data`, { recursive: true }); // gitignored: absent on a fresh clone
must('cargo', ['build', '--release', '-q', '-p', 'mp_bench']);
if (!existsSync(`${ROOT}ts/dist/cli/main.js`)) must('npm', ['run', '--silent', 'build']);

/** The pipeline's feature table at one scale, as an MPDATA01 file (cached). */
function features(scale: string): Record<string, unknown> {
  const file = `bench/data/features-${scale}-s42.bin`;
  const meta = `${ROOT}${file}.json`;
  if (existsSync(meta) && existsSync(`${ROOT}${file}`)) return JSON.parse(readFileSync(meta, 'utf8')) as Record<string, unknown>;
  const args = scale === 'movielens' ? ['--movielens', MOVIELENS] : ['--interactions', String(SCALES[scale])];
  const r = runJson(process.execPath, ['--max-old-space-size=20000', '--import', 'tsx', 'bench/features-export.ts', ...args, '--out', file]);
  if (failed(r)) throw new Error(`features at ${scale}: ${r.error}`);
  writeFileSync(meta, JSON.stringify(r));
  return r;
}

const run: BenchRun = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  threads,
  scales: [],
  grid: null,
  pipeline: null,
  collab: null,
};

if (sections.has('engine')) {
  for (const scale of scales) {
    if (scale === 'movielens' && !existsSync(`${MOVIELENS}/u.data`)) {
      process.stderr.write(`MovieLens 100K not found at ${MOVIELENS}: scale skipped\n`);
      continue;
    }
    const dataset = features(scale);
    process.stderr.write(`engine @ ${scale}: ${JSON.stringify(dataset)}\n`);
    const result: ScaleResult = { scale, dataset, entries: engineSection(String(dataset.file), Number(dataset.n_train), threads) };
    run.scales.push(result);
  }
}
if (sections.has('grid')) run.grid = gridSection(String(features('50k').file), [1, threads].filter((t, i, a) => a.indexOf(t) === i));
if (sections.has('pipeline')) run.pipeline = pipelineSection(threads);
if (sections.has('collab')) run.collab = collabSection(threads, MOVIELENS);

const text = render(run);
process.stdout.write(`${text}\n`);
// Only a full run owns bench-<date>.json (the README table's raw data); a partial run never overwrites it.
const partial = values.scales !== '50k,1m,10m,movielens' || values.sections !== 'engine,grid,pipeline,collab';
const out = `bench/results/bench-${run.date}${partial ? `-${values.sections.replaceAll(',', '+')}-${values.scales.replaceAll(',', '+')}` : ''}.json`;
writeFileSync(`${ROOT}${out}`, `${JSON.stringify(run, null, 2)}\n`);
process.stderr.write(`wrote ${out}\n`);
if (partial) process.stderr.write('partial run: README.md left as it is (only a full run regenerates its tables)\n');
else if (!values['no-readme']) {
  updateReadme(`${ROOT}README.md`, run);
  process.stderr.write('updated the bench section of README.md\n');
}
