/** The napi-rs addon (bindings/node). Throws if the addon was not built for this platform. */
import { createRequire } from 'node:module';
import { adapt, makeGuard } from './adapter.js';
import type { RawBinding } from './raw.js';
import type { Engine } from './types.js';

const require = createRequire(import.meta.url);

export function loadNative(): Engine {
  const raw = require('../../../bindings/node/index.js') as RawBinding;
  return adapt('native', makeGuard('native', () => raw));
}
