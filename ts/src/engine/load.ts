/** Picks the engine: the native addon when it loads, else wasm. MP_BACKEND=native|wasm forces one. */
import { MlError } from './errors.js';
import { loadNative } from './native.js';
import type { Backend, Engine } from './types.js';
import { loadWasm } from './wasm.js';

const LOADERS: Record<Backend, () => Engine> = { native: loadNative, wasm: loadWasm };
const cache = new Map<Backend, Engine>();

export function isBackend(v: unknown): v is Backend {
  return v === 'native' || v === 'wasm';
}

function loadOne(backend: Backend): Engine {
  let e = cache.get(backend);
  if (!e) {
    e = LOADERS[backend]();
    cache.set(backend, e);
  }
  return e;
}

/** `prefer` (or MP_BACKEND) forces a backend; otherwise native first, then wasm. */
export function loadEngine(prefer: string | undefined = process.env.MP_BACKEND): Engine {
  if (prefer !== undefined && prefer !== '' && !isBackend(prefer))
    throw new MlError('INVALID_ARGUMENT', `backend must be "native" or "wasm", got ${JSON.stringify(prefer)} (MP_BACKEND or --backend)`);
  const order: Backend[] = prefer ? [prefer] : ['native', 'wasm'];
  const failures: Error[] = [];
  for (const b of order) {
    try {
      return loadOne(b);
    } catch (err) {
      failures.push(new Error(`${b}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    }
  }
  const hint = 'build them with `npm run build` (see README)';
  throw new MlError('BACKEND_UNAVAILABLE', `no engine backend could be loaded (${failures.map((f) => f.message).join('; ')}); ${hint}`, {
    cause: new AggregateError(failures),
  });
}
