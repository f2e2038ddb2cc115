// Go strings are bytes. Trace strings are decoded to JS strings losslessly: valid
// UTF-8 as usual, and each byte of an invalid sequence (as Go's utf8.DecodeRune
// splits them) as the lone surrogate U+DC00+byte — Python's "surrogateescape".
// Valid UTF-8 never yields a lone surrogate, so the mapping can be undone when
// the text is written out, and %q can show those bytes as \xNN like Go does.

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Copies source[start, end) into target at `at`; returns the position after it. Byte by byte: trace
 * strings are short, and a subarray per string (or Buffer.copy, with its checks per call: 2% of the
 * viewer's load when it copied each log message) costs more than the loop.
 */
export function copyShortBytes(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): number {
  for (let i = start; i < end; i++) target[at++] = source[i];
  return at;
}

/** Lone U+DC80–U+DCFF: bytes escaped by decodeGoString. */
export const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** Decodes buf[start..end) (a Buffer, for its native latin1 fast path on ASCII). */
export function decodeGoString(buf: Buffer, start = 0, end = buf.length): string {
  let i = start;
  while (i < end && buf[i] < 0x80) i++;
  if (i === end) return buf.toString('latin1', start, end);
  const bytes = buf.subarray(start, end);
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return decodeWithEscapes(bytes);
  }
}

/** Length of the valid UTF-8 sequence at bytes[i] under Go's rules, or 0 if it is invalid. */
function validRuneLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  let need: number, lo = 0x80, hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    else if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    else if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + need >= bytes.length) return 0;
  const b1 = bytes[i + 1];
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k <= need; k++) {
    const b = bytes[i + k];
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return need + 1;
}

function decodeWithEscapes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
    const n = validRuneLength(bytes, i);
    if (n === 0) { out += String.fromCharCode(0xdc00 + b); i++; continue; }
    out += utf8Strict.decode(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** UTF-8 bytes of text, turning escaped bytes back into the raw bytes they stand for. */
export function encodeGoText(text: string): Buffer {
  if (!ESCAPED_BYTE.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      parts.push(Buffer.from(text.slice(from, i), 'utf8'), Buffer.of(c - 0xdc00));
      from = i + 1;
    }
  }
  parts.push(Buffer.from(text.slice(from), 'utf8'));
  return Buffer.concat(parts);
}
