/** `moviepref check`: the engine self-check on every available backend (or the one forced). */
import type { CommandModule } from 'yargs';
import { type GlobalOptions, withGlobals, withSeed } from '../cli/options.js';
import { log, runCommand } from '../cli/command.js';
import { type Engine, loadEngine, MlError } from '../engine/index.js';
import { type CheckResult, runCheck } from '../pipeline/check.js';

type Args = GlobalOptions & { seed: number; rows: number; features: number };

function engines(forced: string | undefined): Engine[] {
  if (forced) return [loadEngine(forced)];
  const found: Engine[] = [];
  for (const b of ['native', 'wasm']) {
    try {
      found.push(loadEngine(b));
    } catch (err) {
      log(`warning: ${b} backend unavailable: ${(err as Error).message}`);
    }
  }
  if (found.length === 0) loadEngine(); // throws the combined BACKEND_UNAVAILABLE error
  return found;
}

function render(r: CheckResult): string {
  const f = (v: number, d = 4) => v.toFixed(d);
  const rows = r.results.map(
    (b) =>
      `${b.backend.padEnd(7)} ${f(b.metrics.roc_auc).padStart(7)} ${f(b.metrics.log_loss).padStart(8)} ${f(b.metrics.accuracy).padStart(8)} ${f(b.fit_ms, 1).padStart(8)} ${String(b.model_bytes).padStart(7)}  ${b.roundtrip_identical ? 'yes' : 'NO'}`,
  );
  return [
    `moviepref engine check: logistic regression on ${r.dataset.rows} seeded rows x ${r.dataset.features} features (seed ${r.dataset.seed}), ${r.dataset.test_rows} held out`,
    `backend     AUC  logloss accuracy   fit ms   bytes  file round-trip`,
    ...rows,
    `Bayes-optimal AUC on the same rows: ${f(r.bayes_auc)}`,
    r.max_abs_diff === null ? 'one backend only: no cross-backend comparison' : `max |native - wasm| prediction difference: ${r.max_abs_diff.toExponential(2)}`,
  ].join('\n');
}

export const checkCommand: CommandModule<object, Args> = {
  command: 'check',
  describe: 'Fit and score a seeded problem on each engine backend and compare them',
  builder: (y) =>
    withSeed(withGlobals(y))
      .option('rows', { type: 'number', default: 20_000, describe: 'Rows to generate' })
      .option('features', { type: 'number', default: 12, describe: 'Features to generate' }),
  handler: (argv) =>
    runCommand(
      argv,
      'moviepref.check/1',
      async () => {
        for (const [name, v, min, max] of [['rows', argv.rows, 10, 10_000_000], ['features', argv.features, 1, 1000]] as const) {
          if (!Number.isInteger(v) || v < min || v > max) throw new MlError('INVALID_ARGUMENT', `--${name} must be an integer in ${min}..${max}, got ${v}`);
        }
        return runCheck(engines(argv.backend ?? (process.env.MP_BACKEND || undefined)), { rows: argv.rows, features: argv.features, seed: argv.seed });
      },
      render,
    ),
};
