/**
 * Streaming, synchronous line reader: files are read in 1 MiB chunks, never as one string, and
 * decoded one run of whole lines at a time. Memory stays bounded whatever the input: a line may
 * not exceed MAX_LINE_BYTES, and only regular files are read (a FIFO, device or directory is refused
 * before anything is read from it).
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { MlError } from '../engine/errors.js';

/** The longest line accepted, in bytes without its line end. Longer lines are INVALID_DATA. */
export const MAX_LINE_BYTES = 1 << 20;
/** Bytes read per call. Must not exceed MAX_LINE_BYTES (see the invariant in forEachLine). */
const CHUNK = 1 << 20;
const NL = 0x0a;
const CR = 0x0d;

/** `file: line N, column "c": message` — the prefix every INVALID_DATA message starts with. */
export function where(file: string, line: number, column?: string): string {
  return column === undefined ? `${file} line ${line}` : `${file} line ${line}, column "${column}"`;
}

export function invalid(file: string, line: number, column: string | undefined, message: string): MlError {
  return new MlError('INVALID_DATA', `${where(file, line, column)}: ${message}`);
}

/** The message for files with CR-only line ends. */
export const CR_ONLY = 'the file uses CR-only line endings (classic Mac OS); convert it to LF or CRLF line endings';

/** The first invalid UTF-8 sequence in `text` of a line that failed validation. */
export interface BadUtf8 {
  /** Index in the decoded line text of the U+FFFD that replaced the invalid sequence. */
  at: number;
  /** Its first byte. */
  byte: number;
}

/** Called for a line that is not valid UTF-8 (with its text decoded with U+FFFD replacements); must throw. */
export type OnBadUtf8 = (text: string, lineNo: number, bad: BadUtf8) => never;

/** The UTF-8 message, shared by every reader: `invalid UTF-8 (byte 0xE9 at character 7); re-save ...`. */
export function badUtf8Message(bad: BadUtf8): string {
  const hex = bad.byte.toString(16).toUpperCase().padStart(2, '0');
  return `invalid UTF-8 (byte 0x${hex} at character ${bad.at + 1} of the line); re-save the file as UTF-8`;
}

/** Start of the first invalid UTF-8 sequence in b[from, to), or -1 (RFC 3629: no overlongs, surrogates, > U+10FFFF). */
function firstInvalidUtf8(b: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = i + k < to ? (b[i + k] as number) : -1;
      if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Opens `path` for reading if it is a regular file (or a link to one); anything else is IO. */
function openRegular(path: string): number {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not block; it is refused just below.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new MlError('IO', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
  const st = fstatSync(fd);
  if (st.isFile()) return fd;
  closeSync(fd);
  const what = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  throw new MlError('IO', `cannot read ${path}: it is ${what}, expected a regular file`);
}

export interface LineOptions {
  /** The file's name in messages (default: the last part of the path). */
  file?: string;
  /** Reports a line that is not UTF-8 (so a caller can name the column); by default it is INVALID_DATA naming the line. */
  onBadUtf8?: OnBadUtf8;
}

/**
 * Calls `onLine(text, lineNo)` for every line of `path` (1-based numbers, '\n' or '\r\n' endings,
 * a UTF-8 byte-order mark dropped). Errors thrown by `onLine` propagate; read failures become IO.
 * INVALID_DATA: a line longer than MAX_LINE_BYTES (named CR-only line endings when it holds a '\r'),
 * and with utf8 bytes that are not UTF-8.
 */
export function forEachLine(path: string, encoding: 'utf8' | 'latin1', onLine: (text: string, lineNo: number) => void, opts: LineOptions = {}): void {
  const file = opts.file ?? basename(path);
  const onBadUtf8 = opts.onBadUtf8;
  const fd = openRegular(path);
  try {
    // Invariant: buf[0, carry) holds the start of a line without its end, carry <= MAX_LINE_BYTES.
    const buf = Buffer.allocUnsafe(MAX_LINE_BYTES + CHUNK);
    let carry = 0;
    let lineNo = 0;
    const tooLong = (from: number, to: number) =>
      invalid(file, lineNo + 1, undefined, buf.subarray(from, to).includes(CR) ? CR_ONLY : `the line is longer than ${MAX_LINE_BYTES} bytes (MAX_LINE_BYTES); is this a CSV file?`);
    const emit = (text: string) => {
      lineNo++;
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      onLine(text, lineNo);
    };
    /** Decodes and emits the whole lines in buf[0, end) (the last one ends at `end`). */
    const lines = (end: number) => {
      if (encoding === 'utf8' && !isUtf8(buf.subarray(0, end))) badUtf8(end);
      const text = buf.toString(encoding, 0, end);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0 && nl < text.length; nl = text.indexOf('\n', start)) {
        emit(text.slice(start, nl));
        start = nl + 1;
      }
      if (start < text.length) emit(text.slice(start));
    };
    /** buf[0, end) is not UTF-8: emits the lines before the first bad one, then reports it. */
    const badUtf8 = (end: number): never => {
      const bad = firstInvalidUtf8(buf, 0, end);
      const lineStart = bad > 0 ? buf.lastIndexOf(NL, bad - 1) + 1 : 0;
      if (lineStart > 0) lines(lineStart);
      const nl = buf.indexOf(NL, bad);
      let text = buf.toString('utf8', lineStart, nl < 0 || nl >= end ? end : nl);
      let at = buf.toString('utf8', lineStart, bad).length;
      lineNo++;
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
        at--;
      }
      const info = { at, byte: buf[bad] as number };
      if (onBadUtf8) onBadUtf8(text, lineNo, info);
      throw invalid(file, lineNo, undefined, badUtf8Message(info));
    };
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, buf, carry, CHUNK, null);
      } catch (err) {
        throw new MlError('IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
      }
      if (got === 0) break;
      const end = carry + got;
      const last = buf.lastIndexOf(NL, end - 1);
      if (last < carry) {
        if (end > MAX_LINE_BYTES) throw tooLong(0, end);
        carry = end;
        continue;
      }
      // Only the first line can be longer than CHUNK (<= MAX_LINE_BYTES): it continues the carry.
      const first = buf.indexOf(NL, carry);
      if (first > MAX_LINE_BYTES) throw tooLong(0, first);
      lines(last + 1);
      carry = end - last - 1;
      buf.copy(buf, 0, last + 1, end);
    }
    if (carry > 0) lines(carry);
  } finally {
    closeSync(fd);
  }
}
