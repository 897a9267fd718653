/*
 * raqib console/state.js: what the moderator console knows: the queue on screen (entries,
 * order, nodes, selection, checked items, notices), the filters (also in the page's URL, so
 * a view can be bookmarked or shared), the batch of claimed items, and the fixed lists the
 * console offers (reasons, actions and the statuses each action may start from); and two
 * small text helpers: an age in words ("3 hours ago") and an excerpt of a comment.
 */

import { locale } from '../shared/i18n.js';

export const REASONS = ['insult', 'hate', 'off_topic', 'spam', 'personal_data', 'legal', 'duplicate'];
export const ACTIONS = ['approve', 'reject', 'spam', 'ham'];
// Which statuses each action may start from (src/http/moderation.rs, Action::rule).
export const MOVES = {
  approve: ['pending', 'spam', 'rejected'],
  reject: ['pending', 'approved', 'spam'],
  spam: ['pending', 'approved', 'rejected'],
  ham: ['spam'],
};
export const STATUSES = ['pending', 'approved', 'rejected', 'spam', 'blocked', 'any'];
export const CLASSES = ['ok', 'hold', 'spam', 'block'];
/** What a comment can be held for: the categories of the filter's hits. */
export const HELD_FOR = ['insult', 'profanity', 'hate', 'threat', 'identity', 'spam_phrase', 'contact', 'link',
  'phone', 'obfuscation', 'duplicate', 'timing', 'reputation', 'rule'];
export const PAGE_SIZE = 50;

export const state = {
  filters: readFiltersFromUrl(),
  mode: 'queue',                      // 'queue' or 'batch' (claimed items)
  batchStatus: 'pending',             // the status the batch was claimed from
  items: new Map(),                   // id → queue entry
  order: [],                          // ids in display order
  nodes: new Map(),                   // id → element
  notices: new Map(),                 // id → {text, override} shown inside the item
  checked: new Set(),
  selected: null,
  nextCursor: null,
  loading: false,
  seq: 0,
};

export function readFiltersFromUrl() {
  const p = new URLSearchParams(window.location.search);
  const status = p.get('status');
  const cls = p.get('class');
  const sort = p.get('sort');
  return {
    status: STATUSES.indexOf(status) >= 0 ? status : 'pending',
    class: CLASSES.indexOf(cls) >= 0 ? cls : '',
    reason: HELD_FOR.indexOf(p.get('reason')) >= 0 ? p.get('reason') : '',
    article: p.get('article') || '',
    q: p.get('q') || '',
    reported: p.get('reported') === 'true',
    sort: ['oldest', 'newest', 'score'].indexOf(sort) >= 0 ? sort : 'oldest',
    email: p.get('email') || '',
  };
}

export function writeFiltersToUrl() {
  const f = state.filters;
  const p = new URLSearchParams();
  if (f.status !== 'pending') p.set('status', f.status);
  if (f.class) p.set('class', f.class);
  if (f.reason) p.set('reason', f.reason);
  if (f.article) p.set('article', f.article);
  if (f.q) p.set('q', f.q);
  if (f.reported) p.set('reported', 'true');
  if (f.sort !== 'oldest') p.set('sort', f.sort);
  if (f.email) p.set('email', f.email);
  const query = p.toString();
  const url = window.location.pathname + (query ? '?' + query : '');
  try { window.history.replaceState(null, '', url); } catch (e) { /* ignore */ }
}

export function formatAge(seconds) {
  const units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
  for (let i = 0; i < units.length; i++) {
    if (Math.abs(seconds) >= units[i][1] || i === units.length - 1) {
      const value = Math.round(seconds / units[i][1]);
      try {
        return new Intl.RelativeTimeFormat(locale(), { numeric: 'auto', style: 'short' }).format(-value, units[i][0]);
      } catch (e) { return value + ' ' + units[i][0]; }
    }
  }
  return '';
}

export function ago(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  return isNaN(ms) ? '' : formatAge(Math.max(0, Math.round(ms / 1000)));
}

export function excerpt(text, max) {
  const chars = Array.from(String(text || '').replace(/\s+/g, ' ').trim());
  return chars.length > max ? chars.slice(0, max).join('') + '…' : chars.join('');
}
