/*
 * raqib shared/spans.js: what the moderator console and the admin page share to highlight
 * the filter's hits. A hit's span is [start, end) in UTF-8 bytes of the field as submitted;
 * these turn it into JavaScript (UTF-16) string indices and split a text into segments
 * covered by the same hits. Pure functions, no DOM (node can import this module as it is).
 */

/** UTF-8 length of one code point (a lone surrogate counts as U+FFFD, as TextEncoder does). */
export function utf8Length(cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/**
 * An index of `text` by UTF-8 byte offset. `toIndex(offset, roundUp)` gives the UTF-16
 * index of that byte; an offset inside a code point is rounded down (roundUp false, for a
 * span's start) or up (roundUp true, for a span's end) so a mark never splits a character.
 */
export function byteIndex(text) {
  const bytes = [];
  const units = [];
  let b = 0;
  let u = 0;
  for (const ch of text) {
    bytes.push(b);
    units.push(u);
    b += utf8Length(ch.codePointAt(0));
    u += ch.length;
  }
  bytes.push(b);
  units.push(u);
  return {
    totalBytes: b,
    toIndex: function (offset, roundUp) {
      if (!(offset > 0)) return 0;
      if (offset >= b) return u;
      // The last code point starting at or before `offset`.
      let lo = 0;
      let hi = bytes.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (bytes[mid] <= offset) lo = mid; else hi = mid - 1;
      }
      if (bytes[lo] === offset || !roundUp) return units[lo];
      return units[lo + 1];
    },
  };
}

/** A hit's span as [start, end) string indices of `text`, or null when it has none or is empty. */
export function spanToRange(text, span, index) {
  if (!Array.isArray(span) || span.length !== 2) return null;
  const start = Number(span[0]);
  const end = Number(span[1]);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null;
  const idx = index || byteIndex(text);
  if (start >= idx.totalBytes) return null;
  const s = idx.toIndex(start, false);
  const e = idx.toIndex(end, true);
  return e > s ? [s, e] : null;
}

/**
 * Cuts `text` into segments by the spans of `hits` (each {span, ...}; overlaps allowed).
 * Returns [{text, start, end, hits: [indices into `hits`]}], covering the whole text in order;
 * neighbours covered by the same hits are merged.
 */
export function segmentText(text, hits) {
  const index = byteIndex(text);
  const ranges = [];
  hits.forEach(function (hit, i) {
    const r = spanToRange(text, hit && hit.span, index);
    if (r) ranges.push({ s: r[0], e: r[1], i: i });
  });
  const cuts = new Set([0, text.length]);
  ranges.forEach(function (r) { cuts.add(r.s); cuts.add(r.e); });
  const points = Array.from(cuts).sort(function (a, b) { return a - b; });
  const out = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const z = points[k + 1];
    if (z <= a) continue;
    const cover = ranges.filter(function (r) { return r.s <= a && r.e >= z; })
      .map(function (r) { return r.i; });
    const last = out[out.length - 1];
    if (last && last.hits.join(',') === cover.join(',')) {
      last.end = z;
      last.text = text.slice(last.start, z);
    } else {
      out.push({ text: text.slice(a, z), start: a, end: z, hits: cover });
    }
  }
  return out;
}

// Scoring families, as in src/filter/model.rs (for colours only).
export const FAMILY = Object.freeze({
  profanity: 'abuse', insult: 'abuse', hate: 'abuse', identity: 'abuse', threat: 'abuse', dehumanizing: 'abuse', warning: 'neutral',
  spam_phrase: 'spam', contact: 'spam', link: 'spam', domain_block: 'spam', phone: 'spam',
  disposable_email: 'spam', duplicate: 'spam', honeypot: 'spam', timing: 'spam', obfuscation: 'spam',
  domain_allow: 'neutral', repetition: 'neutral', reputation: 'neutral', rule: 'neutral',
});
