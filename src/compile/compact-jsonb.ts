/*
 * PERF: jsonb values as Postgres writes them (`jsonb_out`), rewritten as JSON.stringify writes the
 * parsed values, without parsing them, in place in the response's UTF-8 bytes. The two differ only in
 * - whitespace: Postgres puts a space after every `:` and `,`;
 * - numbers: Postgres keeps a numeric's own spelling (`1.50`, `12345678901234567890`), JavaScript
 *   writes the nearest double (`1.5`, `12345678901234567000`);
 * and, where this falls back to JSON.parse + JSON.stringify, in
 * - keys that are array indexes (`"10"`), which a JavaScript object lists first, in numeric order;
 * - escapes other than the ones both write (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and `\u00xx`
 *   for the other control characters): Postgres writes no others, but a value is not trusted to.
 * Strings are otherwise copied as they are: both escape exactly that set and nothing else.
 * test/compile/compact-jsonb.test.ts checks it against JSON.stringify(JSON.parse(…)) on values
 * stored in and read back from Postgres.
 */

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const BACKSLASH = 0x5c;

/** Longest integer spelling a double holds exactly and JavaScript writes back unchanged. */
const MAX_SAFE_DIGITS = 15;
/** Runs shorter than this are moved byte by byte; longer ones with Buffer#copy (a native memmove). */
const NATIVE_COPY_BYTES = 48;

const isDigit = (c: number) => c >= DIGIT_0 && c <= DIGIT_9;
/** `.`, `+`, `e`, `E` (and `-` after the first character): a number that is not a plain integer. */
const isNumberMark = (c: number) => c === 0x2e || c === 0x2b || c === 0x65 || c === 0x45 || c === MINUS;
const isLowerHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66);
/** The characters after a backslash that both write: " \ b f n r t. */
const isShortEscape = (c: number) => c === QUOTE || c === BACKSLASH || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;

/**
 * `text`, in which each jsonb value is wrapped in a TAB on either side (see compileListText), as
 * UTF-8 bytes with each value written as JSON.stringify writes it and the TABs gone.
 */
export function unmarkJsonb(text: string): Buffer {
  return compactMarked(Buffer.from(text)) ?? Buffer.from(reserializeMarked(text));
}

/** One jsonb value as jsonb_out writes it, as JSON.stringify(JSON.parse(text)) writes it. */
export function compactJsonb(text: string): string {
  return unmarkJsonb(`\t${text}\t`).toString();
}

/** The slow, obviously exact way: every marked value parsed and serialised. */
function reserializeMarked(text: string): string {
  const parts = text.split('\t');
  for (let i = 1; i < parts.length; i += 2) parts[i] = JSON.stringify(JSON.parse(parts[i]));
  return parts.join('');
}

/** Moves b[from, to) to `at` (at ≤ from); returns the new write position. */
function move(b: Buffer, at: number, from: number, to: number): number {
  if (at === from) return to;
  if (to - from >= NATIVE_COPY_BYTES) return at + b.copy(b, at, from, to);
  while (from < to) b[at++] = b[from++];
  return at;
}

/**
 * Compacts every marked value of `b` in place (the text only ever gets shorter); the compacted
 * bytes, or undefined when a value needs a parse (an index key, an unusual escape, a number whose
 * JavaScript spelling is longer than what was dropped so far).
 */
function compactMarked(b: Buffer): Buffer | undefined {
  const n = b.length;
  let w = 0; // write position
  let r = 0; // read position
  let backslash = b.indexOf(BACKSLASH); // a backslash at or before the next one in a string, or -1
  for (;;) {
    const open = b.indexOf(TAB, r);
    w = move(b, w, r, open < 0 ? n : open);
    if (open < 0) return b.subarray(0, w);
    const close = b.indexOf(TAB, open + 1);
    if (close < 0) return undefined;
    r = open + 1;
    while (r < close) {
      const c = b[r];
      if (c === QUOTE) {
        const end = closingQuote(b, r, close);
        if (end < 0) return undefined;
        if (backslash >= 0 && backslash < end) {
          if (!plainEscapes(b, backslash, end)) return undefined;
          backslash = b.indexOf(BACKSLASH, end);
        }
        if (isDigit(b[r + 1]) && colonFollows(b, end + 1)) return undefined; // an index key
        w = move(b, w, r, end + 1);
        r = end + 1;
      } else if (c === SPACE) {
        r++;
      } else if (c === MINUS || isDigit(c)) {
        let end = r + 1;
        let plain = true;
        for (let d = b[end]; end < close && (isDigit(d) || isNumberMark(d)); d = b[++end]) plain &&= isDigit(d);
        const digits = c === MINUS ? end - r - 1 : end - r;
        // JavaScript writes a plain integer of up to 15 digits as it is spelled, but for -0
        if (plain && digits <= MAX_SAFE_DIGITS && !(c === MINUS && digits === 1 && b[r + 1] === DIGIT_0)) {
          w = move(b, w, r, end);
        } else {
          const spelled = JSON.stringify(Number(b.toString('latin1', r, end)));
          if (w + spelled.length > end) return undefined;
          w += b.write(spelled, w, 'latin1');
        }
        r = end;
      } else {
        b[w++] = b[r++];
      }
    }
    r = close + 1;
  }
}

/** Index of the quote closing the string opened at `open`, or -1 when it does not close before `limit`. */
function closingQuote(b: Buffer, open: number, limit: number): number {
  let at = open;
  for (;;) {
    at = b.indexOf(QUOTE, at + 1);
    if (at < 0 || at >= limit) return -1;
    let backslashes = 0;
    while (b[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** Whether every escape from the backslash at `from` to `to` is one JSON.stringify writes too. */
function plainEscapes(b: Buffer, from: number, to: number): boolean {
  for (let at = from; at >= 0 && at < to; at = b.indexOf(BACKSLASH, at + 2)) {
    const next = b[at + 1];
    if (next === 0x75) {
      // \u00xx for a control character (below U+0020), lowercase hex, as both write it
      if (b[at + 2] !== DIGIT_0 || b[at + 3] !== DIGIT_0 || (b[at + 4] !== DIGIT_0 && b[at + 4] !== DIGIT_0 + 1) || !isLowerHex(b[at + 5])) return false;
      at += 4;
    } else if (!isShortEscape(next)) {
      return false;
    }
  }
  return true;
}

/** Whether a `:` follows `at`, after spaces: the string before it was a key. */
function colonFollows(b: Buffer, at: number): boolean {
  while (b[at] === SPACE) at++;
  return b[at] === COLON;
}
