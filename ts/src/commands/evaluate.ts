/** `moviepref evaluate`: score a labeled dataset with every saved model of an artifacts directory. */
import type { CommandModule } from 'yargs';
import { loadPipeline } from '../artifacts/pipeline.js';
import { checkSeed, dataSource } from '../cli/data.js';
import { type DataOptions, type GlobalOptions, withData, withGlobals, withModelDir } from '../cli/options.js';
import { runCommand } from '../cli/command.js';
import { MlError } from '../engine/errors.js';
import { loadDataset } from '../pipeline/dataset.js';
import { evaluate } from '../pipeline/evaluate.js';

type Args = GlobalOptions & DataOptions & { model: string; seed: number; mode: 'quick' };

export const evaluateCommand: CommandModule<object, Args> = {
  command: 'evaluate',
  describe: 'Evaluate saved models on labeled data (--source csv|movielens --data DIR, or synthetic with --seed)',
  builder: (y) =>
    withModelDir(withData(withGlobals(y)))
      .option('seed', { type: 'number', default: 42, describe: 'Synthetic source: generator seed' })
      .option('mode', { choices: ['full', 'quick', 'demo'] as const, default: 'quick' as const, describe: 'Synthetic source: size preset' }) as never,
  handler: (argv) =>
    runCommand(
      argv,
      'moviepref.evaluate/1',
      async () => {
        const pipeline = loadPipeline(argv.model, { backend: argv.backend });
        const ds = await loadDataset(dataSource(argv, argv.mode, checkSeed(argv.seed)));
        const models = pipeline.models.map((m) => {
          const s = pipeline.score(ds, m.name);
          if (s.y.length === 0) throw new MlError('INVALID_DATA', `none of the ${ds.interactions.n} interactions has a user and movie known to ${argv.model}`);
          const e = evaluate(pipeline.engine, s.y, s.p);
          return { name: m.name, scored: s.y.length, skipped_unknown: s.skipped, metrics: e.metrics };
        });
        return { model_dir: argv.model, data: ds.source, models };
      },
      (r) =>
        [`${r.data} scored with ${r.model_dir} (${r.models[0]?.scored} interactions, ${r.models[0]?.skipped_unknown} skipped: unknown user or movie)`,
          ...r.models.map((m) => `${m.name.padEnd(22)} AUC ${m.metrics.roc_auc.toFixed(4)}  logloss ${m.metrics.log_loss.toFixed(4)}  accuracy ${m.metrics.accuracy.toFixed(4)}  F1 ${m.metrics.f1.toFixed(4)}`)].join('\n'),
    ),
};
