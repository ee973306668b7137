/** Streaming, synchronous line reader: files are read in 1 MiB chunks, never as one string. */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { MlError } from '../engine/errors.js';

const CHUNK = 1 << 20;

/** `file: line N, column "c": message` — the prefix every INVALID_DATA message starts with. */
export function where(file: string, line: number, column?: string): string {
  return column === undefined ? `${file} line ${line}` : `${file} line ${line}, column "${column}"`;
}

export function invalid(file: string, line: number, column: string | undefined, message: string): MlError {
  return new MlError('INVALID_DATA', `${where(file, line, column)}: ${message}`);
}

/**
 * Calls `onLine(text, lineNo)` for every line of `path` (1-based numbers, '\n' or '\r\n' endings,
 * a UTF-8 byte-order mark dropped). Errors thrown by `onLine` propagate; read failures become IO.
 */
export function forEachLine(path: string, encoding: 'utf8' | 'latin1', onLine: (text: string, lineNo: number) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new MlError('IO', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder(encoding);
    let rest = '';
    let lineNo = 0;
    let first = true;
    const emit = (text: string) => {
      lineNo++;
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      onLine(text.endsWith('\r') ? text.slice(0, -1) : text, lineNo);
    };
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, buf, 0, CHUNK, null);
      } catch (err) {
        throw new MlError('IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
      }
      const text = got > 0 ? rest + decoder.write(buf.subarray(0, got)) : rest + decoder.end();
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        emit(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      if (got === 0) break;
    }
    if (rest.length > 0) emit(rest);
  } finally {
    closeSync(fd);
  }
}
