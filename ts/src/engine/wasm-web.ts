/**
 * The wasm32 build for browsers (bindings/wasm/pkg-web, wasm-bindgen `--target web`). Synchronous; run
 * it inside a Web Worker. The .wasm is compiled once; every engine instance is a fresh instantiation.
 */
import { adapt, makeGuard } from './adapter.js';
import { MlError } from './errors.js';
import type { RawBinding } from './raw.js';
import type { Engine } from './types.js';

type Glue = typeof import('../../../bindings/wasm/pkg-web/moviepref_wasm.js');

/**
 * The glue keeps its instance in module state and `init()` is a no-op once it has one, so a fresh
 * instance needs a fresh module: the glue is imported by URL with a per-instance query. Both URLs are
 * `new URL(literal, import.meta.url)`, which bundlers (Vite) emit as assets next to the bundle.
 */
const GLUE_URL = new URL('../../../bindings/wasm/pkg-web/moviepref_wasm.js', import.meta.url);
const WASM_URL = new URL('../../../bindings/wasm/pkg-web/moviepref_wasm_bg.wasm', import.meta.url);

let instances = 0;

async function instantiate(module: WebAssembly.Module): Promise<Glue> {
  const glue = (await import(/* @vite-ignore */ `${GLUE_URL.href}?instance=${++instances}`)) as Glue;
  await glue.default({ module_or_path: module });
  return glue;
}

async function compile(url: string | URL): Promise<WebAssembly.Module> {
  const res = await fetch(url);
  if (!res.ok) throw new MlError('BACKEND_UNAVAILABLE', `cannot fetch the wasm engine from ${String(url)}: HTTP ${res.status}`);
  const bytes = await res.arrayBuffer();
  try {
    return await WebAssembly.compile(bytes);
  } catch (err) {
    throw new MlError('BACKEND_UNAVAILABLE', `cannot compile the wasm engine: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * wasm32 aborts on panic: the call traps with a WebAssembly.RuntimeError and the instance may be left
 * inconsistent. The panic hook kept the message; we report it as INTERNAL and switch to the spare
 * instance (instantiated ahead of time, since recovery runs synchronously), then prepare a new spare.
 */
class WebInstance {
  private spare: Glue | null = null;
  private refill: Promise<void> | null = null;

  private constructor(
    private readonly module: WebAssembly.Module,
    public raw: Glue,
  ) {}

  static async create(module: WebAssembly.Module): Promise<WebInstance> {
    const inst = new WebInstance(module, await instantiate(module));
    await inst.prepareSpare();
    return inst;
  }

  /** Resolves once a spare instance is ready (after a recovery, await it before relying on the next one). */
  prepareSpare(): Promise<void> {
    this.refill ??= instantiate(this.module).then(
      (g) => {
        this.spare = g;
        this.refill = null;
      },
      (err: unknown) => {
        this.refill = null;
        throw err;
      },
    );
    return this.refill;
  }

  recover = (err: unknown): unknown => {
    if (!(err instanceof WebAssembly.RuntimeError)) return err;
    const detail = this.raw.takeLastPanic() ?? err.message;
    if (this.spare) {
      this.raw = this.spare;
      this.spare = null;
      void this.prepareSpare().catch(() => {});
    } else {
      // Two traps before the spare was ready: keep the old instance, flagged in the message.
      return new MlError('INTERNAL', `wasm engine panicked (this is a bug): ${detail}; no fresh instance was ready yet`, { cause: err });
    }
    return new MlError('INTERNAL', `wasm engine panicked (this is a bug): ${detail}`, { cause: err });
  };
}

/** Loads the wasm engine in a browser or worker; `wasmUrl` overrides where the .wasm is fetched from. */
export async function loadWasmWeb(wasmUrl: string | URL = WASM_URL): Promise<Engine> {
  const inst = await WebInstance.create(await compile(wasmUrl));
  return adapt('wasm', makeGuard('wasm', () => inst.raw as unknown as RawBinding, inst.recover));
}
