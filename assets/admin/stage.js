/*
 * raqib admin/stage.js: the staged change (the proposal) as data, and other pure helpers of
 * the admin page (no DOM: node can import this module as it is). A staged change lives in
 * this browser (localStorage) until it is applied through the ordinary calls or discarded;
 * the API's Proposal (src/tuning/mod.rs) is what the test box and the back-test take.
 */

/** An empty staged change. */
export function emptyStage() {
  return {
    base: null,          // the filter version when the first item was staged
    addTerms: [],        // TermInput
    changeTerms: [],     // {id, label, patch: TermPatch, input: TermInput}
    removeTerms: [],     // {id, label}
    addRules: [],        // RuleInput
    changeRules: [],     // {id, label, patch: RulePatch, input: RuleInput}
    removeRules: [],     // {id, label}
    settings: null,      // a partial settings object
  };
}

export function stageSize(stage) {
  return stage.addTerms.length + stage.changeTerms.length + stage.removeTerms.length
    + stage.addRules.length + stage.changeRules.length + stage.removeRules.length
    + (stage.settings ? 1 : 0);
}

/**
 * The staged change as the API's Proposal (src/tuning/mod.rs). The API has no "change a term"
 * in a proposal, so a changed term is the live one removed and its edited copy added (the
 * same for rules); applying the stage uses PATCH instead.
 */
export function proposalOf(stage) {
  const p = {
    add_terms: stage.addTerms.concat(stage.changeTerms.map(function (c) { return c.input; })),
    remove_terms: stage.removeTerms.map(function (r) { return r.id; })
      .concat(stage.changeTerms.map(function (c) { return c.id; })),
    add_rules: stage.addRules.concat(stage.changeRules.map(function (c) { return c.input; })),
    remove_rules: stage.removeRules.map(function (r) { return r.id; })
      .concat(stage.changeRules.map(function (c) { return c.id; })),
  };
  if (stage.settings) p.settings = stage.settings;
  return p;
}

/** A TermInput for a stored term with a TermPatch applied. */
export function termInputOf(term, patch) {
  const p = patch || {};
  const pick = function (key) { return p[key] !== undefined ? p[key] : term[key]; };
  const input = {
    term: term.term,
    category: pick('category'),
    weight: Number(pick('weight')),
    action: pick('action'),
    match: pick('match'),
    shadow: !!pick('shadow'),
    enabled: !!pick('enabled'),
    list: pick('list'),
    language: term.language,
  };
  const note = pick('note');
  if (note) input.note = note;
  return input;
}

/** A RuleInput for a stored rule with a RulePatch applied. */
export function ruleInputOf(rule, patch) {
  const p = patch || {};
  const ruleField = function (key) { return p[key] !== undefined ? p[key] : rule[key]; };
  return {
    pattern: ruleField('pattern'),
    weight: Number(ruleField('weight')),
    action: ruleField('action'),
    target: ruleField('target'),
    category: ruleField('category'),
    description: ruleField('description') || '',
    shadow: !!ruleField('shadow'),
    enabled: !!ruleField('enabled'),
    name: rule.name,
  };
}

/** Merges a settings patch into another, as the server does (category_actions replaced whole). */
export function mergeSettings(into, patch) {
  const out = JSON.parse(JSON.stringify(into || {}));
  Object.keys(patch || {}).forEach(function (key) {
    const value = patch[key];
    if (key !== 'category_actions' && value && typeof value === 'object' && !Array.isArray(value)
      && out[key] && typeof out[key] === 'object') {
      out[key] = mergeSettings(out[key], value);
    } else {
      out[key] = JSON.parse(JSON.stringify(value));
    }
  });
  return out;
}

/** The import's 422 detail ("line 3: …; line 9: …") as one message per line. */
export function splitLineErrors(detail) {
  return String(detail || '').split(/;\s+(?=line \d+:)/).filter(function (s) { return s.trim(); });
}

/** `list:<list>:<term>` → {list, term}; `rule:<name>` → {rule}; else null. */
export function parseRuleId(id) {
  id = String(id || '');
  if (id.indexOf('list:') === 0) {
    const rest = id.slice(5);
    const colon = rest.indexOf(':');
    if (colon > 0) return { list: rest.slice(0, colon), term: rest.slice(colon + 1) };
  }
  if (id.indexOf('rule:') === 0) return { rule: id.slice(5) };
  return null;
}
