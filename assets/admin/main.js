/*
 * raqib admin/main.js: the admin filter page (/admin), loaded as
 * <script type="module" src="/admin/main.js">. It describes the page to the shared sign-in
 * and language code, wires every tab's controls, and starts: the overview call says whether
 * we are in (401 → sign in, 403 → not an admin, or the password must be changed first).
 *
 * Plain JavaScript modules, no framework, no build step. The page is served under a strict
 * Content-Security-Policy, so nothing here uses innerHTML, inline handlers, inline style
 * attributes or eval: every node is made with createElement/textContent and every handler
 * with addEventListener. Look, sign-in flow, hit highlighting and words follow the moderator
 * console (shared/), whose stylesheet /console.css this page shares.
 *
 * It talks to the admin API (src/http/filter_admin.rs, src/http/admin.rs) with the
 * session cookie `raqib_session` (same-origin fetch; the server checks Origin on writes):
 *   auth       POST /api/v1/auth/login | /logout | /password
 *   overview   GET  /api/v1/admin/filter
 *   terms      GET|POST /api/v1/admin/filter/terms, PATCH|DELETE .../terms/{id},
 *              POST .../terms/import?format&category&weight&action&list (text/plain body),
 *              GET  .../terms/export?format=text|csv (links)
 *   rules      GET|POST /api/v1/admin/filter/rules, PATCH|DELETE .../rules/{id}
 *   settings   GET|PUT  /api/v1/admin/filter/settings (PUT takes a partial object)
 *   test       POST /api/v1/admin/filter/test {body, name?, email?, proposal?}
 *   back-test  POST /api/v1/admin/filter/backtest {add_terms, remove_terms, add_rules,
 *              remove_rules, settings?, days, comments?}
 *   versions   GET  /api/v1/admin/filter/versions?limit, GET .../versions/{n},
 *              POST .../versions/{n}/restore
 *   candidates GET  /api/v1/admin/filter/candidates, POST .../candidates/{id}/promote|dismiss,
 *              POST /api/v1/admin/filter/backtest (a candidate's proposal)
 *   models     POST /api/v1/admin/filter/model/train, GET /api/v1/admin/jobs/{id}
 *   stats      GET  /api/v1/admin/filter/stats?days
 *   users      GET|POST /api/v1/admin/users, PATCH .../users/{id}, POST .../users/{id}/password
 *   tokens     GET|POST /api/v1/admin/tokens, DELETE .../tokens/{id}
 *
 * Hooks for browser tests: data-tab="terms|rules|settings|test|proposal|versions|stats|users",
 * data-raqib="term-form|term|test-form|test-result|version|toast|…" (with data-id,
 * data-version, data-class), data-action="restore|edit|delete|…".
 */

import { $, $all, fill, hook } from '../shared/dom.js';
import { applyLanguage, formatNumber, language, t, useWords } from '../shared/i18n.js';
import { wireConfirm } from '../shared/dialogs.js';
import {
  account, onLogout, setupSession, showPassword, showView, wireAccount,
} from '../shared/session.js';
import { catLabel } from '../shared/hits.js';
import { onBacktestSubmit, renderBacktest } from './backtest.js';
import {
  actionLabel, enter, proceed, refused, renderOverview, resetData, selectTab, showForbidden,
  tabFromHash,
} from './page.js';
import {
  onApply, onDiscard, onProposalListClick, renderStage, renderStageCount,
} from './proposal.js';
import {
  loadRules, onRuleFormStage, onRuleFormSubmit, onRuleRowsChange, onRuleRowsClick,
  renderRuleFormMode, renderRules, stopRuleEdit,
} from './rules.js';
import {
  markSettingsChanges, onSettingsStage, onSettingsSubmit, renderSettings,
} from './settings.js';
import {
  ACTIONS, CATEGORIES, loadStage, MATCHES, ROLES, STAGE_KEY, state, TABS, TARGETS,
} from './state.js';
import { loadRuleStats, onStatsClick, renderRuleStats } from './stats.js';
import {
  loadTerms, onImportFile, onImportSubmit, onTermFormStage, onTermFormSubmit, onTermRowsChange,
  onTermRowsClick, readTermFilters, renderTerms, syncTermFilters, updateExportLinks,
} from './terms.js';
import {
  onCompareSubmit, onTestSubmit, renderCompare, renderTest, renderTestForm,
} from './testbox.js';
import {
  copySecret, hideSecret, onTokenFormSubmit, onTokenRowsClick, onUserFormSubmit, onUserRowsChange,
  onUserRowsClick, renderUsers,
} from './users.js';
import { loadVersions, onVersionsClick, renderVersions } from './versions.js';
import { onCandidatesClick, renderCandidates } from './candidates.js';
import { renderModelJob, wireModel } from './model.js';
import { ADMIN_AR } from './words-ar.js';
import { ADMIN_EN } from './words-en.js';

/* ---------------------------- language ---------------------------- */

/** After a language switch: the selects, and what is on screen, in the new language. */
function relabelAdmin() {
  fillAdminSelects();
  renderOverview();
  renderStageCount();
  if (state.terms.loaded) renderTerms();
  if (state.rules.loaded) { renderRules(); renderRuleFormMode(); }
  if (state.settings.view) renderSettings(true);
  renderTestForm();
  if (state.test) renderTest();
  renderStage();
  renderCompare();
  renderBacktest();
  if (state.versions.data) { renderVersions(); renderCandidates(); renderModelJob(); }
  if (state.stats.data) renderRuleStats();
  if (state.users.loaded) renderUsers();
  if (!hook('forbidden-view').hidden) showForbidden();
}

/** Fills every <select data-options="…">, keeping its value. */
function fillAdminSelects() {
  const cats = CATEGORIES.map(function (c) { return [c, catLabel(c)]; });
  const actions = ACTIONS.map(function (a) { return [a, actionLabel(a)]; });
  const sets = {
    'term-category': { options: cats, fallback: 'insult' },
    'term-category-optional': { options: [['', t('import.pickCategory')]].concat(cats), fallback: '' },
    'category-any': { options: [['', t('filters.any')]].concat(cats), fallback: '' },
    'rule-category': { options: cats, fallback: 'rule' },
    'action': { options: actions, fallback: 'score' },
    'action-optional': { options: [['', t('import.actionDefault')]].concat(actions), fallback: '' },
    'match': { options: MATCHES.map(function (m) { return [m, t('match.' + m)]; }), fallback: 'token' },
    'target': { options: TARGETS.map(function (x) { return [x, t('target.' + x)]; }), fallback: 'body' },
    'tristate': { options: [['', t('filters.any')], ['true', t('yes')], ['false', t('no')]], fallback: '' },
    'page-size': { options: [25, 50, 100, 200, 500].map(function (n) { return [String(n), formatNumber(n, 0)]; }), fallback: '50' },
    'role': { options: ROLES.map(function (r) { return [r, t('role.' + r)]; }), fallback: 'moderator' },
  };
  $all('select[data-options]').forEach(function (select) {
    const set = sets[select.getAttribute('data-options')];
    if (!set) return;
    const value = select.options.length ? select.value : set.fallback;
    fill(select, set.options, value);
  });
}

function onTabKey(event) {
  const tab = event.target.closest('[role="tab"]');
  if (!tab) return;
  const keys = { ArrowRight: language() === 'ar' ? -1 : 1, ArrowLeft: language() === 'ar' ? 1 : -1, Home: 'first', End: 'last' };
  const move = keys[event.key];
  if (move === undefined) return;
  event.preventDefault();
  const i = TABS.indexOf(tab.getAttribute('data-tab'));
  const next = move === 'first' ? 0 : move === 'last' ? TABS.length - 1 : (i + move + TABS.length) % TABS.length;
  selectTab(TABS[next]);
  $('[data-tab="' + TABS[next] + '"]').focus();
}

/* ------------------------------ start ------------------------------ */

useWords({ ar: ADMIN_AR, en: ADMIN_EN }, relabelAdmin);

setupSession({
  main: 'app',
  bar: 'overview',
  views: ['login', 'password', 'forbidden'],
  signedOut: function () { state.role = null; },
  // The role is known only from a login or a password change.
  session: function (session, via) {
    if (via === 'login') state.role = session && session.role;
    else if (session && session.role) state.role = session.role;
  },
  proceed: proceed,
  loggingOut: function () {
    hideSecret();
    resetData();
  },
  refused: refused,
  fieldsInToasts: true,
});

function wireAdmin() {
  wireAccount();
  hook('password-cancel').addEventListener('click', function () {
    if (account.signedIn) showView('app'); else enter();
  });
  hook('forbidden-password').addEventListener('click', function () { showPassword(true); });
  hook('forbidden-login').addEventListener('click', onLogout);

  $all('[data-tab]').forEach(function (b) {
    b.addEventListener('click', function () { selectTab(b.getAttribute('data-tab')); });
  });
  $('.tabs').addEventListener('keydown', onTabKey);
  window.addEventListener('hashchange', function () {
    const name = tabFromHash();
    if (name && account.signedIn && name !== state.tab) selectTab(name);
  });

  // Terms.
  const termForm = hook('term-form');
  termForm.addEventListener('submit', onTermFormSubmit);
  $('[data-action="stage"]', termForm).addEventListener('click', onTermFormStage);
  const filters = hook('term-filters');
  filters.addEventListener('submit', function (event) {
    event.preventDefault();
    readTermFilters();
    state.terms.offset = 0;
    loadTerms();
  });
  ['category', 'shadow', 'enabled', 'limit'].forEach(function (name) {
    filters.elements[name].addEventListener('change', function () {
      readTermFilters();
      state.terms.offset = 0;
      loadTerms();
    });
  });
  hook('terms-prev').addEventListener('click', function () {
    state.terms.offset = Math.max(0, state.terms.offset - state.terms.filters.limit);
    loadTerms();
  });
  hook('terms-next').addEventListener('click', function () {
    state.terms.offset += state.terms.filters.limit;
    loadTerms();
  });
  const termRows = hook('term-rows');
  termRows.addEventListener('click', onTermRowsClick);
  termRows.addEventListener('change', onTermRowsChange);
  termRows.addEventListener('keydown', function (event) {
    const row = event.target.closest('tr.editing');
    if (!row || event.target.tagName === 'BUTTON') return;
    if (event.key === 'Enter') { event.preventDefault(); $('[data-action="save-edit"]', row).click(); }
    if (event.key === 'Escape') { event.preventDefault(); $('[data-action="cancel-edit"]', row).click(); }
  });
  const importForm = hook('import-form');
  importForm.addEventListener('submit', onImportSubmit);
  importForm.elements.file.addEventListener('change', onImportFile);

  // Rules.
  const ruleForm = hook('rule-form');
  ruleForm.addEventListener('submit', onRuleFormSubmit);
  $('[data-action="stage"]', ruleForm).addEventListener('click', onRuleFormStage);
  $('[data-action="cancel-edit"]', ruleForm).addEventListener('click', function () { stopRuleEdit(); renderRules(); });
  const ruleRows = hook('rule-rows');
  ruleRows.addEventListener('click', onRuleRowsClick);
  ruleRows.addEventListener('change', onRuleRowsChange);
  hook('rules-refresh').addEventListener('click', loadRules);

  // Settings.
  const settingsForm = hook('settings-form');
  settingsForm.addEventListener('submit', onSettingsSubmit);
  settingsForm.addEventListener('input', markSettingsChanges);
  settingsForm.addEventListener('change', markSettingsChanges);
  $('[data-action="stage"]', settingsForm).addEventListener('click', onSettingsStage);
  $('[data-action="reset"]', settingsForm).addEventListener('click', function () { renderSettings(false); });

  // Test.
  hook('test-form').addEventListener('submit', onTestSubmit);

  // Proposal.
  hook('proposal-list').addEventListener('click', onProposalListClick);
  hook('proposal-apply').addEventListener('click', onApply);
  hook('proposal-discard').addEventListener('click', onDiscard);
  hook('proposal-test-form').addEventListener('submit', onCompareSubmit);
  hook('backtest-form').addEventListener('submit', onBacktestSubmit);

  // Versions.
  hook('version-rows').addEventListener('click', onVersionsClick);
  hook('candidates').addEventListener('click', onCandidatesClick);
  wireModel();
  hook('versions-refresh').addEventListener('click', loadVersions);
  hook('versions-limit').addEventListener('change', function (event) {
    state.versions.limit = Number(event.currentTarget.value) || 50;
    loadVersions();
  });

  // Statistics.
  const statsForm = hook('stats-form');
  statsForm.addEventListener('submit', function (event) { event.preventDefault(); loadRuleStats(); });
  statsForm.elements.q.addEventListener('input', renderRuleStats);
  statsForm.elements.harmful.addEventListener('change', renderRuleStats);
  hook('stats-table').addEventListener('click', onStatsClick);

  // Users and tokens.
  hook('user-form').addEventListener('submit', onUserFormSubmit);
  hook('token-form').addEventListener('submit', onTokenFormSubmit);
  const userRows = hook('user-rows');
  userRows.addEventListener('click', onUserRowsClick);
  userRows.addEventListener('change', onUserRowsChange);
  hook('token-rows').addEventListener('click', onTokenRowsClick);
  hook('secret-copy').addEventListener('click', copySecret);
  hook('secret-done').addEventListener('click', hideSecret);

  // Confirm dialog.
  wireConfirm();

  // Another tab of this page changed the staged change.
  window.addEventListener('storage', function (event) {
    if (event.key !== STAGE_KEY) return;
    state.stage = loadStage();
    renderStageCount();
    if (state.tab === 'proposal') renderStage();
  });
}

function bootAdmin() {
  wireAdmin();
  applyLanguage();
  syncTermFilters();
  updateExportLinks();
  renderStageCount();
  const username = hook('login').elements.username;
  if (account.user) username.value = account.user;
  enter();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bootAdmin);
else bootAdmin();
