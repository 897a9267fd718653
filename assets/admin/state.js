/*
 * raqib admin/state.js: what the admin page knows (the overview, each screen's list and
 * edits, the last test and back-test, the staged change) and the fixed lists it offers
 * (categories, actions, match kinds, targets, roles, tabs, signals), as in the server's
 * src/filter/model.rs and src/filter/settings.rs.
 */

import { store } from '../shared/dom.js';
import { emptyStage } from './stage.js';

export const F = '/api/v1/admin/filter';
// src/filter/model.rs, word-list categories first.
export const CATEGORIES = ['profanity', 'insult', 'hate', 'threat', 'identity', 'dehumanizing', 'warning', 'spam_phrase', 'contact', 'obfuscation',
  'domain_block', 'domain_allow', 'disposable_email', 'link', 'phone', 'repetition', 'duplicate',
  'honeypot', 'timing', 'reputation', 'rule'];
export const ACTIONS = ['score', 'hold', 'spam', 'block'];
export const MATCHES = ['token', 'phrase', 'prefix', 'exact'];
export const TARGETS = ['body', 'name', 'email', 'url'];
export const ROLES = ['moderator', 'admin'];
export const CLASSES = ['ok', 'hold', 'spam', 'block'];
export const TABS = ['terms', 'rules', 'settings', 'test', 'proposal', 'versions', 'stats', 'users'];
// src/filter/settings.rs, SignalWeights, in its order; unknown keys from the server follow.
export const SIGNALS = ['link', 'phone', 'spelled_phone', 'email_in_text', 'obfuscated_link', 'hidden_characters',
  'mixed_script', 'split_letters', 'repeated_word', 'shouting', 'emoji_flood', 'disposable_email',
  'honeypot', 'too_fast', 'too_fast_ms', 'duplicate_other', 'duplicate_same', 'trusted_author',
  'trusted_after', 'known_spammer', 'identity_boost', 'group_dehumanizing', 'abuse_model'];
export const INTEGER_SIGNALS = ['too_fast_ms', 'trusted_after'];
export const STAGE_KEY = 'raqib.admin.stage';
// An approved share at or above these marks a rule as harmful / suspect in the statistics.
export const HARMFUL_SHARE = 0.5;
export const SUSPECT_SHARE = 0.2;

export const state = {
  role: null,                          // known only right after a login
  tab: null,
  overview: null,
  terms: {
    filters: { q: '', category: '', list: '', shadow: '', enabled: '', limit: 50 },
    offset: 0, total: 0, items: [], loaded: false, editing: null, flash: null, seq: 0,
  },
  rules: { items: [], loaded: false, editing: null, flash: null },
  settings: { view: null, loaded: false },
  test: null,                          // {request, result}
  compare: null,                       // {request, live, proposed}
  backtest: null,                      // the last report
  versions: { data: null, open: new Set(), details: new Map(), limit: 50 },
  stats: { data: null, sort: 'hits_30d', loaded: false },
  users: { list: [], tokens: [], loaded: false },
  stage: loadStage(),
  applying: false,
};

export function loadStage() {
  const stage = emptyStage();
  try {
    const saved = JSON.parse(store.get(STAGE_KEY) || 'null');
    if (saved && typeof saved === 'object') {
      Object.keys(stage).forEach(function (key) {
        if (Array.isArray(stage[key]) && Array.isArray(saved[key])) stage[key] = saved[key];
      });
      if (saved.settings && typeof saved.settings === 'object') stage.settings = saved.settings;
      if (typeof saved.base === 'number') stage.base = saved.base;
    }
  } catch (e) { /* a broken saved stage is dropped */ }
  return stage;
}
