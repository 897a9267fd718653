/*
 * raqib admin/testbox.js: the filter's verdict on a text typed in: the Test tab (the live
 * filter, or with the staged change), and the side-by-side test of the Pending change tab.
 * A verdict shows the class, the score, the text with its hits marked, the hit list and the
 * normalized keys the filter matched on.
 */

import { $, append, clear, el, hook } from '../shared/dom.js';
import { formatNumber, t } from '../shared/i18n.js';
import { api } from '../shared/api.js';
import { clearFieldErrors, setBusy, setFormError } from '../shared/forms.js';
import { highlighted, hitList, hitsOf } from '../shared/hits.js';
import { classBadge, showFormError } from './page.js';
import { proposalOf, stageSize } from './stage.js';
import { F, state } from './state.js';

export function renderTestForm() {
  const box = hook('test-form').elements.proposal;
  const n = stageSize(state.stage);
  box.disabled = n === 0;
  if (!n) box.checked = false;
  const label = box.closest('label');
  if (label) $('span', label).textContent = n ? t('test.underProposalN', { n: formatNumber(n, 0) }) : t('test.underProposal');
}

/** {body, name?, email?} from a test form, or null (error shown). */
export function testRequestFrom(form) {
  clearFieldErrors(form);
  const e = form.elements;
  const body = e.body.value;
  if (!body.trim()) { setFormError(form, t('test.needBody')); e.body.focus(); return null; }
  const request = { body: body };
  if (e.name.value.trim()) request.name = e.name.value;
  if (e.email.value.trim()) request.email = e.email.value.trim();
  return request;
}

export function onTestSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const request = testRequestFrom(form);
  if (!request) return;
  if (form.elements.proposal.checked && stageSize(state.stage)) request.proposal = proposalOf(state.stage);
  setBusy(form, true);
  api('POST', F + '/test', request).then(function (result) {
    state.test = { request: request, result: result };
    renderTest();
  }, function (err) { showFormError(form, err); })
    .then(function () { setBusy(form, false); });
}

export function renderTest() {
  const box = hook('test-result');
  if (!state.test) { box.hidden = true; return; }
  const r = state.test.result;
  fillVerdict(box, state.test.request, r, r.proposed
    ? t('test.resultProposed', { v: formatNumber(r.version, 0) })
    : t('test.resultLive', { v: formatNumber(r.version, 0) }));
  box.hidden = false;
}

/**
 * Fills `box` with one verdict: class, score, the text with its hits marked, the hit list
 * and the normalized keys. `box` gets class "result" and data-class.
 */
export function fillVerdict(box, request, r, title) {
  clear(box);
  box.classList.add('result');
  box.setAttribute('data-class', r['class']);
  box.setAttribute('data-score', r.score);
  box.setAttribute('data-proposed', r.proposed ? 'true' : 'false');
  const head = el('div', { class: 'result-head' }, [
    el('h3', { text: title }),
    classBadge(r['class']),
    el('span', { class: 'result-score', 'data-raqib': 'score', dir: 'ltr', text: formatNumber(r.score) }),
  ]);
  const o = state.overview && state.overview.settings;
  if (o && !r.proposed) {
    head.appendChild(el('span', { class: 'muted', text: t('test.thresholds', {
      hold: formatNumber(o.hold), spam: formatNumber(o.spam), block: formatNumber(o.block) }) }));
  }
  box.appendChild(head);
  const hits = r.hits || [];
  box.appendChild(el('div', { class: 'item-body', dir: 'auto', 'data-raqib': 'test-body' },
    highlighted(request.body, hitsOf(hits, 'body'))));
  ['name', 'email'].forEach(function (field) {
    if (!request[field]) return;
    box.appendChild(el('div', { class: 'field-line' }, [
      el('span', { class: 'label', text: t('test.' + field + 'Short') }),
      el('bdi', { dir: field === 'email' ? 'ltr' : 'auto' }, highlighted(request[field], hitsOf(hits, field))),
    ]));
  });
  if (hits.length) {
    box.appendChild(el('h4', { class: 'hits-title', text: t('hits.title') }));
    box.appendChild(hitList(hits, { body: request.body, name: request.name, email: request.email }));
  } else {
    box.appendChild(el('p', { class: 'hits-none', text: t('hits.none') }));
  }
  const keys = r.keys || {};
  const dl = el('dl', { class: 'keys', 'data-raqib': 'keys' });
  [['text', keys.text], ['joined', keys.joined], ['leet', keys.leet]].forEach(function (k) {
    if (k[1] === null || k[1] === undefined) return;
    append(dl, [
      el('dt', { text: t('keys.' + k[0]) }),
      el('dd', { dir: 'auto', 'data-key': k[0], text: k[1] }),
    ]);
  });
  box.appendChild(el('h4', { class: 'hits-title', text: t('keys.title') }));
  box.appendChild(dl);
}

export function onCompareSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const request = testRequestFrom(form);
  if (!request) return;
  const withProposal = Object.assign({}, request, { proposal: proposalOf(state.stage) });
  setBusy(form, true);
  Promise.all([api('POST', F + '/test', request), api('POST', F + '/test', withProposal)]).then(function (both) {
    state.compare = { request: request, live: both[0], proposed: both[1] };
    renderCompare();
  }, function (err) { showFormError(form, err); })
    .then(function () { setBusy(form, false); });
}

export function renderCompare() {
  const box = hook('proposal-test-result');
  clear(box);
  const c = state.compare;
  if (!c) { box.hidden = true; return; }
  const live = el('div', { 'data-raqib': 'compare-live' });
  const proposed = el('div', { 'data-raqib': 'compare-proposed' });
  fillVerdict(live, c.request, c.live, t('test.resultLive', { v: formatNumber(c.live.version, 0) }));
  fillVerdict(proposed, c.request, c.proposed, c.proposed.proposed
    ? t('test.resultProposed', { v: formatNumber(c.proposed.version, 0) }) : t('test.resultNoProposal'));
  if (c.stale) box.appendChild(el('p', { class: 'notice', 'data-raqib': 'stale-result', text: t('proposal.resultStale') }));
  append(box, [live, proposed]);
  box.hidden = false;
}
