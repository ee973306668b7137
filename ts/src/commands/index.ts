import { checkCommand } from './check.js';
import { evaluateCommand } from './evaluate.js';
import { generateCommand } from './generate.js';
import { infoCommand } from './info.js';
import { predictCommand } from './predict.js';
import { runCommandModule, trainCommand } from './run.js';
import { serveCommand } from './serve.js';

export const commands = [runCommandModule, generateCommand, trainCommand, evaluateCommand, predictCommand, serveCommand, checkCommand, infoCommand];
