import { checkCommand } from './check.js';
import { infoCommand } from './info.js';

export const commands = [checkCommand, infoCommand];
