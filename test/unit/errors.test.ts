import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEngine, MlError, toMlError } from '../../ts/src/engine/index.js';

describe('MlError', () => {
  it('keeps a known engine code and the message', () => {
    const e = toMlError(Object.assign(new Error('bad'), { code: 'EMPTY_CLASS' }), 'native');
    assert.ok(e instanceof MlError);
    assert.equal(e.code, 'EMPTY_CLASS');
    assert.equal(e.message, 'bad');
  });

  it('maps anything unknown to INTERNAL with the cause kept', () => {
    const original = Object.assign(new Error('weird'), { code: 'GenericFailure' });
    const e = toMlError(original, 'wasm');
    assert.equal(e.code, 'INTERNAL');
    assert.match(e.message, /wasm engine failed unexpectedly: weird/);
    assert.equal(e.cause, original);
  });

  it('passes an MlError through unchanged', () => {
    const e = new MlError('IO', 'disk');
    assert.equal(toMlError(e, 'x'), e);
  });
});

describe('loadEngine', () => {
  it('refuses an unknown backend name', () => {
    assert.throws(() => loadEngine('gpu'), (e: MlError) => e.code === 'INVALID_ARGUMENT' && /gpu/.test(e.message));
  });

  it('returns the forced backend, cached', () => {
    assert.equal(loadEngine('wasm').backend, 'wasm');
    assert.equal(loadEngine('wasm'), loadEngine('wasm'));
  });
});
