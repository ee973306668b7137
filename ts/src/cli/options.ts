/** Reusable option builders: every command composes the ones it needs. */
import type { Argv } from 'yargs';

export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
  backend?: string;
}

export function withGlobals<T>(y: Argv<T>): Argv<T & GlobalOptions> {
  return y
    .option('json', { type: 'boolean', default: false, describe: 'Print exactly one JSON document on stdout (logs go to stderr)' })
    .option('verbose', { type: 'boolean', default: false, describe: 'More detail on stderr' })
    .option('backend', {
      type: 'string',
      choices: ['native', 'wasm'],
      describe: 'Force an engine backend (default: native, falling back to wasm; env MP_BACKEND)',
    }) as Argv<T & GlobalOptions>;
}

export function withSeed<T>(y: Argv<T>): Argv<T & { seed: number }> {
  return y.option('seed', { type: 'number', default: 42, describe: 'Seed for every random choice (same seed, same result)' }) as Argv<
    T & { seed: number }
  >;
}
