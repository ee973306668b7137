/** The wasm32 build for Node (bindings/wasm/pkg-node). Synchronous; no threads. */
import { createRequire } from 'node:module';
import { adapt, makeGuard } from './adapter.js';
import { MlError } from './errors.js';
import type { RawBinding } from './raw.js';
import type { Engine } from './types.js';

const require = createRequire(import.meta.url);
const PKG = '../../../bindings/wasm/pkg-node/moviepref_wasm.js';

/**
 * wasm32 aborts on panic: the call traps with a WebAssembly.RuntimeError and the instance may be left
 * inconsistent. The panic hook kept the message; we report it as INTERNAL and load a fresh instance.
 */
class WasmInstance {
  raw: RawBinding = WasmInstance.fresh();

  static fresh(): RawBinding {
    delete require.cache[require.resolve(PKG)];
    return require(PKG) as RawBinding;
  }

  recover = (err: unknown): unknown => {
    if (!(err instanceof WebAssembly.RuntimeError)) return err;
    const raw = this.raw as RawBinding & { takeLastPanic(): string | undefined };
    const detail = raw.takeLastPanic() ?? err.message;
    this.raw = WasmInstance.fresh();
    return new MlError('INTERNAL', `wasm engine panicked (this is a bug): ${detail}`, { cause: err });
  };
}

export function loadWasm(): Engine {
  const inst = new WasmInstance();
  return adapt('wasm', makeGuard('wasm', () => inst.raw, inst.recover));
}
