/*
 * raqib widget/own.js: the reader's own comments that await review, kept in this browser
 * (localStorage, per article) so that their author still sees them after a reload, marked
 * "waiting for review", until they are published (then they are simply in the list) or
 * refused (then they quietly go). Only the author's browser holds them; each carries the
 * receipt the server gave when it accepted the comment, which is what lets this browser
 * (and nobody without it) ask the comment's status.
 */

const PREFIX = "raqib.own.";
const KEEP_MS = 30 * 86400 * 1000; // a comment still pending after a month is forgotten here
const MAX_KEPT = 20;

function storage() {
  try { return window.localStorage; } catch (e) { return null; } // blocked storage: no memory
}

/** The kept comments of `article` ({id, receipt, name, body, parent, created_at}). */
export function ownPending(article) {
  const s = storage();
  if (!s) return [];
  try {
    const items = JSON.parse(s.getItem(PREFIX + article) || "[]");
    const now = Date.now();
    return Array.isArray(items)
      ? items.filter((c) => c && typeof c.id === "number" && now - Date.parse(c.created_at) < KEEP_MS)
      : [];
  } catch (e) {
    return [];
  }
}

function save(article, items) {
  const s = storage();
  if (!s) return;
  try {
    if (items.length) s.setItem(PREFIX + article, JSON.stringify(items.slice(-MAX_KEPT)));
    else s.removeItem(PREFIX + article);
  } catch (e) { /* full or blocked: the comment is still safe on the server */ }
}

/** Remembers a comment the server accepted for review. */
export function keepPending(article, comment) {
  save(article, ownPending(article).filter((c) => c.id !== comment.id).concat([comment]));
}

/** Forgets one (published, refused or gone). */
export function forgetPending(article, id) {
  save(article, ownPending(article).filter((c) => c.id !== id));
}
