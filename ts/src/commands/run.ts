/** `moviepref run` (generated data) and `moviepref train` (your data): the whole pipeline into an artifacts dir. */
import type { Argv, CommandModule } from 'yargs';
import { checkFraction, checkSearchRows, checkSeed, dataSource } from '../cli/data.js';
import { type DataOptions, type GlobalOptions, type SearchOptions, type SplitOptions, withData, withGlobals, withOut, withSearch, withSeed, withSplit } from '../cli/options.js';
import { Progress } from '../cli/progress.js';
import { runCommand } from '../cli/command.js';
import { loadEngine } from '../engine/index.js';
import type { Mode } from '../pipeline/kinds.js';
import { runPipeline } from '../pipeline/job.js';
import { demoPredictions, type DemoUser } from '../cli/demo-prompt.js';
import { renderRun, type RunSummary, summarizeRun } from '../cli/run-summary.js';

type Args = GlobalOptions & DataOptions & SplitOptions & SearchOptions & { mode: Mode; seed: number; out: string };

function builder(y: Argv, defaultSource: DataOptions['source']) {
  return withOut(withSearch(withSplit(withData(withSeed(withGlobals(y))))), 'Artifacts directory (models, fitted features, report.json, report.html)', 'runs/latest')
    .option('mode', { choices: ['full', 'quick', 'demo'] as const, default: 'quick' as const, describe: 'full: seed-sized data + full grids; quick: small; demo: tiny + sample predictions' })
    .default('source', defaultSource) as unknown as Argv<Args>;
}

async function handler(argv: Args): Promise<void> {
  await runCommand(
    argv,
    'moviepref.run/1',
    async (): Promise<RunSummary & { demo?: DemoUser[] }> => {
      const seed = checkSeed(argv.seed);
      const source = dataSource(argv, argv.mode, seed);
      const searchRows = checkSearchRows(argv['search-rows']);
      const engine = loadEngine(argv.backend);
      const progress = new Progress({ json: argv.json });
      try {
        const r = await runPipeline({ mode: argv.mode, seed, source, split: argv.split, testFraction: checkFraction(argv['test-fraction']), out: argv.out, search: argv.search, searchRows, engine, onProgress: progress.step, onFitProgress: progress.fits });
        progress.step(`artifacts written to ${argv.out}`);
        const summary = summarizeRun(r.report, argv.out);
        if (argv.mode !== 'demo') return summary;
        return { ...summary, demo: await demoPredictions(r.pipeline, seed, !argv.json) };
      } finally {
        progress.done();
      }
    },
    renderRun,
  );
}

export const runCommandModule: CommandModule<object, Args> = {
  command: 'run',
  describe: 'Generate (or load) data, engineer features, grid-search LR/RF/GBDT, evaluate, report, save artifacts',
  builder: (y) => builder(y, 'synthetic'),
  handler,
};

export const trainCommand: CommandModule<object, Args> = {
  command: 'train',
  describe: 'The pipeline on your data: --source csv|movielens --data DIR (same flags as run)',
  builder: (y) => builder(y, 'csv'),
  handler,
};
