/*
 * raqib console/item.js: one comment of the queue as an <article data-raqib="item"
 * data-id data-class data-status>: author and badges, meta line, the author's record, the
 * body with the filter's hits marked, the hits explained, a notice after a conflict, the
 * decision buttons (a/r/s/h) with a reason, and the item's tools (claim, history, log, ban,
 * close the article).
 */

import { $all, append, el } from '../shared/dom.js';
import { formatNumber, formatTime, t } from '../shared/i18n.js';
import { account } from '../shared/session.js';
import { highlighted, hitList, hitsOf } from '../shared/hits.js';
import { belongs } from './queue.js';
import { ACTIONS, ago, MOVES, REASONS, state } from './state.js';

export function renderItem(c) {
  const id = c.id;
  const hits = Array.isArray(c.hits) ? c.hits : [];
  const selected = state.selected === id;
  const node = el('article', {
    class: 'item class-' + c['class'] + ' status-' + c.status + (selected ? ' selected' : '')
      + (state.checked.has(id) ? ' checked' : '') + (belongs(c.status) ? '' : ' settled'),
    'data-raqib': 'item',
    id: 'item-' + id,
    'data-id': id,
    'data-class': c['class'],
    'data-status': c.status,
    // The queue is a feed of articles (buttons inside are fine there); the selected one
    // is the current one.
    'aria-current': selected ? 'true' : false,
    tabindex: '-1',
    'aria-labelledby': 'item-author-' + id,
  });

  // Head: checkbox, author, email, badges.
  const check = el('input', { type: 'checkbox', 'data-raqib': 'check', 'aria-label': t('item.select') + ' #' + id });
  check.checked = state.checked.has(id);
  const author = el('bdi', { class: 'author', id: 'item-author-' + id });
  append(author, highlighted(c.name, hitsOf(hits, 'name')));
  const email = el('button', { type: 'button', class: 'email linkish', dir: 'ltr', 'data-op': 'history',
    title: t('op.history') });
  append(email, highlighted(c.email, hitsOf(hits, 'email')));
  const badges = el('span', { class: 'badges' }, [
    el('span', { class: 'badge class class-' + c['class'], 'data-raqib': 'class',
      title: t('item.score') + ' ' + c.score }, [
      t('class.' + c['class']) + ' · ', el('bdi', { dir: 'ltr', text: formatNumber(c.score) }),
    ]),
    el('span', { class: 'badge status status-' + c.status, 'data-raqib': 'status', text: t('status.' + c.status) }),
    c.report_count > 0 ? el('span', { class: 'badge reports', 'data-raqib': 'reports',
      text: t('item.reports', { count: Number(c.report_count) || 0 }) }) : null,
    claimBadge(c),
  ]);
  node.appendChild(el('header', { class: 'item-head' }, [check, author, email, badges]));

  // Meta line: article, time, reply, id, IP, author's record.
  const article = el('button', { type: 'button', class: 'article linkish', 'data-op': 'filter-article',
    title: t('op.filterArticle') }, el('bdi', { text: c.article }));
  const created = el('time', { datetime: c.created_at, title: ago(c.created_at), text: formatTime(c.created_at) });
  const meta = el('div', { class: 'item-meta' }, [
    el('span', { class: 'meta-id', dir: 'ltr', text: '#' + id }),
    article,
    created,
    el('span', { class: 'meta-ago', text: ago(c.created_at) }),
    c.parent ? el('span', { class: 'meta-parent', text: t('item.replyTo', { id: c.parent }) }) : null,
    c.ip_prefix ? el('span', { class: 'meta-ip' }, [t('item.ip') + ': ', el('bdi', { dir: 'ltr', text: c.ip_prefix })]) : null,
  ]);
  node.appendChild(meta);
  node.appendChild(el('div', { class: 'item-record' }, [
    record(t('item.byEmail'), c.history_email),
    record(t('item.byIp'), c.history_ip),
  ]));
  if (c.decided_by && c.status !== 'pending') {
    node.appendChild(el('div', { class: 'item-decided' }, [
      t('item.decidedBy', { status: t('status.' + c.status), who: c.decided_by === account.user ? t('you') : c.decided_by }),
      c.reason ? ' · ' + reasonLabel(c.reason) : null,
      c.note ? ' · ' + t('item.note') + ': ' : null,
      c.note ? el('bdi', { text: c.note }) : null,
    ]));
  }

  // The body, with the hits highlighted.
  const body = el('div', { class: 'item-body', dir: 'auto', 'data-raqib': 'body' });
  append(body, highlighted(c.body, hitsOf(hits, 'body')));
  node.appendChild(body);

  // The hits, explained.
  node.appendChild(hitsSection(c, hits));

  // A kind word after a conflict.
  const notice = state.notices.get(id);
  if (notice) {
    const box = el('div', { class: 'item-notice', 'data-raqib': 'notice', role: 'status' }, el('span', { text: notice.text }));
    if (notice.override) {
      box.appendChild(el('button', { type: 'button', 'data-op': 'override', 'data-override': notice.override,
        text: t('op.override') }));
    }
    node.appendChild(box);
  }

  // Actions.
  const actions = el('div', { class: 'item-actions' });
  ACTIONS.forEach(function (action) {
    const allowed = MOVES[action].indexOf(c.status) >= 0;
    const key = { approve: 'a', reject: 'r', spam: 's', ham: 'h' }[action];
    actions.appendChild(el('button', { type: 'button', class: 'act act-' + action, 'data-action': action,
      disabled: !allowed, 'aria-keyshortcuts': key }, [t('action.' + action), el('kbd', { text: key })]));
  });
  const reason = el('select', { class: 'reason', 'data-raqib': 'reason', 'aria-label': t('reason.label') });
  reason.appendChild(el('option', { value: '', text: t('reason.none') }));
  REASONS.forEach(function (r) { reason.appendChild(el('option', { value: r, text: t('reason.' + r) })); });
  actions.appendChild(reason);
  const tools = el('span', { class: 'item-tools' });
  const mine = c.claimed_by && c.claimed_by === account.user;
  if (mine) tools.appendChild(el('button', { type: 'button', 'data-op': 'release', text: t('op.release') }));
  else if (c.status === 'pending' || c.status === 'spam') {
    tools.appendChild(el('button', { type: 'button', 'data-op': 'claim', text: t('op.claim') }));
  }
  tools.appendChild(el('button', { type: 'button', 'data-op': 'history', 'aria-keyshortcuts': 'u', text: t('op.history') }));
  tools.appendChild(el('button', { type: 'button', 'data-op': 'log', text: t('op.log') }));
  tools.appendChild(el('button', { type: 'button', 'data-op': 'ban', class: 'danger', 'aria-keyshortcuts': 'b',
    text: t('op.ban') }));
  tools.appendChild(el('button', { type: 'button', 'data-op': 'close-article', class: 'danger',
    text: t('op.closeArticle') }));
  actions.appendChild(tools);
  node.appendChild(actions);

  node.appendChild(el('div', { class: 'item-panel', 'data-raqib': 'panel', hidden: true }));
  return node;
}

export function claimBadge(c) {
  if (!c.claimed_by) return null;
  const time = c.claim_expires_at ? formatTime(c.claim_expires_at, false) : '';
  const mine = c.claimed_by === account.user;
  return el('span', { class: 'badge claim' + (mine ? ' mine' : ''), 'data-raqib': 'claim-badge' },
    mine ? t('item.claimedByMe', { time: time }) : claimText(c.claimed_by, time));
}

export function claimText(who, time) {
  // "claimed by <bdi>who</bdi> until time", keeping a name in any script isolated.
  const parts = t('item.claimedBy', { time: time }).split('{who}');
  return [parts[0], el('bdi', { text: who }), parts[1] || ''];
}

export function record(label, h) {
  h = h || { approved: 0, rejected: 0, spam: 0 };
  // Flag a record where refusals outnumber publications.
  const bad = (h.rejected || 0) + (h.spam || 0);
  return el('span', { class: 'record' + (bad > (h.approved || 0) ? ' record-bad' : '') },
    label + ': ' + t('item.hist', { a: formatNumber(h.approved || 0), r: formatNumber(h.rejected || 0), s: formatNumber(h.spam || 0) }));
}

export function reasonLabel(code) {
  return REASONS.indexOf(code) >= 0 ? t('reason.' + code) : code;
}

/** The hits, explained: a list, or a word that there are none. */
export function hitsSection(c, hits) {
  const box = el('section', { class: 'item-hits', 'data-raqib': 'hits' });
  if (!hits.length) {
    box.appendChild(el('p', { class: 'hits-none', text: t('hits.none') }));
    return box;
  }
  box.appendChild(el('h3', { class: 'hits-title', text: t('hits.title') }));
  box.appendChild(hitList(hits, { body: c.body, name: c.name, email: c.email }, { focusable: true }));
  return box;
}

/** Briefly outlines the marks of hit `i` in an item. */
export function flashHit(node, i) {
  $all('mark[data-hit]', node).forEach(function (m) {
    if (m.getAttribute('data-hit').split(' ').indexOf(String(i)) >= 0) {
      m.classList.remove('flash');
      void m.offsetWidth; // restart the animation
      m.classList.add('flash');
    }
  });
}
