#!/usr/bin/env node
/** The `moviepref` CLI root: yargs with strict parsing; each command lives in src/commands/. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from '../commands/index.js';
import { EXIT_USAGE } from './command.js';

export function buildCli(argv: string[]) {
  return yargs(argv)
    .scriptName('moviepref')
    .usage('$0 <command> [options]\n\nPredict whether a user will like a movie, on a Rust engine (native addon or wasm).')
    .command(commands as never)
    .demandCommand(1, 'Name a command (see --help).')
    .strict()
    .recommendCommands()
    .epilogue('Backends: the native addon is used when built, else wasm. Force one with --backend or MP_BACKEND.')
    .fail((msg, err, y) => {
      if (err) throw err;
      y.showHelp((s: string) => process.stderr.write(`${s}\n\n`));
      process.stderr.write(`error [INVALID_ARGUMENT]: ${msg}\n`);
      process.exit(EXIT_USAGE);
    })
    .help()
    .version();
}

await buildCli(hideBin(process.argv)).parseAsync();
