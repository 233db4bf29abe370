/*
 * PERF: a jsonb value's text as Postgres writes it (`jsonb_out`), rewritten as JSON.stringify
 * writes the parsed value, without parsing it. The two differ only in
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const COLON = 0x3a;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** Longest integer spelling a double holds exactly and JavaScript writes back unchanged. */
const MAX_SAFE_DIGITS = 15;

const TAB = '\t';
const isDigit = (c: number) => c >= DIGIT_0 && c <= DIGIT_9;
/** `.`, `+`, `e`, `E` (and `-` after the first character): a number that is not a plain integer. */
const isNumberMark = (c: number) => c === 0x2e || c === 0x2b || c === 0x65 || c === 0x45 || c === MINUS;

/**
 * `text` with each TAB-wrapped jsonb value (as compileListText marks them) written as
 * JSON.stringify writes it.
 */
export function unmarkJsonb(text: string): string {
  if (!text.includes(TAB)) return text;
  // NOTE: each value as a string of its own, so the searches in compactRange stop at its end.
  const parts = text.split(TAB);
  for (let i = 1; i < parts.length; i += 2) parts[i] = compactJsonb(parts[i]);
  return parts.join('');
}

/** `text` (one jsonb value as jsonb_out writes it) as JSON.stringify(JSON.parse(text)) writes it. */
export function compactJsonb(text: string): string {
  return compactRange(text, 0, text.length) ?? JSON.stringify(JSON.parse(text));
}

/** text[from, to) compacted, or undefined where only a parse gives the exact answer (see the file comment). */
function compactRange(text: string, from: number, to: number): string | undefined {
  let out = '';
  let copied = from; // text[copied, i) is still to be copied to out
  let backslash = text.indexOf('\\', from); // the next backslash at or after i, or -1
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end < 0 || end >= to) return undefined;
      if (backslash >= 0 && backslash < end) {
        if (!plainEscapes(text, backslash, end)) return undefined;
        backslash = text.indexOf('\\', end);
      }
      if (isIndexKey(text, i + 1, end)) return undefined;
      i = end + 1;
    } else if (c === SPACE) {
      out += text.slice(copied, i);
      copied = ++i;
    } else if (c === MINUS || isDigit(c)) {
      let end = i + 1;
      let plain = true;
      for (let d = text.charCodeAt(end); end < to && (isDigit(d) || isNumberMark(d)); d = text.charCodeAt(++end)) plain &&= isDigit(d);
      const digits = c === MINUS ? end - i - 1 : end - i;
      // JavaScript writes a plain integer of up to 15 digits as it is spelled, but for -0
      if (!plain || digits > MAX_SAFE_DIGITS || (c === MINUS && digits === 1 && text.charCodeAt(i + 1) === DIGIT_0)) {
        out += text.slice(copied, i) + JSON.stringify(Number(text.slice(i, end)));
        copied = end;
      }
      i = end;
    } else {
      i++;
    }
  }
  return out + text.slice(copied, to);
}

/** Index of the quote closing the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** Whether every escape in text[from, to) is one JSON.stringify writes too. */
function plainEscapes(text: string, from: number, to: number): boolean {
  for (let at = text.indexOf('\\', from); at >= 0 && at < to; at = text.indexOf('\\', at + 2)) {
    const next = text[at + 1];
    if (next === 'u') {
      // \u00xx for a control character (below U+0020), lowercase hex, as both write it
      const hex = text.slice(at + 2, at + 6);
      if (!/^00[01][0-9a-f]$/.test(hex)) return false;
      at += 4;
    } else if (!'"\\bfnrt'.includes(next)) {
      return false;
    }
  }
  return true;
}

/** Whether the string text[from, to) is a key (a `:` follows) that a JavaScript object would list first. */
function isIndexKey(text: string, from: number, to: number): boolean {
  const first = text.charCodeAt(from);
  if (!(first >= DIGIT_0 && first <= DIGIT_9)) return false;
  let after = to + 1;
  while (text.charCodeAt(after) === SPACE) after++;
  return text.charCodeAt(after) === COLON;
}
