//! Stored filter versions and the word lists: compiling a version into a filter, reading it
//! back as word lists, and the first version seeded from the shipped lists.

use crate::filter::lexicon::validate_term;
use crate::filter::spec::MatchMode;
use crate::filter::{
    Action, Category, Filter, FilterSettings, Language, RuleSpec, TermSpec, WordLists,
};
use crate::store::filters::{FilterEdit, FilterOp, FilterState, StoredRule, StoredTerm};

/// The list admins' terms go to when they name none.
pub const ADMIN_LIST: &str = "admin";

/// Categories whose entries are domains rather than words.
pub fn is_domain_category(category: Category) -> bool {
    matches!(
        category,
        Category::DomainBlock | Category::DomainAllow | Category::DisposableEmail
    )
}

/// Compiles the filter a stored state describes (enabled entries only), with the shipped
/// models ([`super::models::compile_stored`] reads the site's own).
pub fn compile(state: &FilterState) -> Result<Filter, String> {
    Filter::compile(&word_lists(state), state.settings.clone())
}

/// Compiles the filter a stored state describes, with `models`.
pub fn compile_with(
    state: &FilterState,
    models: std::sync::Arc<crate::filter::models::Models>,
) -> Result<Filter, String> {
    Filter::compile_with(&word_lists(state), state.settings.clone(), models)
}

/// The word lists a stored state describes.
pub fn word_lists(state: &FilterState) -> WordLists {
    let mut lists = WordLists::default();
    for t in state.terms.iter().filter(|t| t.enabled) {
        match t.category {
            Category::DomainBlock => {
                lists.blocked_domains.insert(t.key.clone(), t.weight);
            }
            Category::DomainAllow => lists.allowed_domains.push(t.key.clone()),
            Category::DisposableEmail => {
                lists.disposable_domains.insert(t.key.clone());
            }
            _ => lists.terms.push(TermSpec {
                list: t.list.clone(),
                term: t.term.clone(),
                category: t.category,
                language: t.language,
                weight: t.weight,
                action: t.action,
                mode: t.mode,
                shadow: t.shadow,
            }),
        }
    }
    lists.rules = state
        .rules
        .iter()
        .filter(|r| r.enabled)
        .map(|r| RuleSpec {
            id: r.name.clone(),
            pattern: r.pattern.clone(),
            weight: r.weight,
            action: r.action,
            target: r.target,
            category: r.category,
            description: r.description.clone(),
            shadow: r.shadow,
        })
        .collect();
    lists
}

/// The first version: every shipped entry and rule, and the config's settings.
pub fn seed_edit(lists: &WordLists, settings: &FilterSettings, now: i64) -> FilterEdit {
    let mut ops = Vec::new();
    let term = |term: &str, key: String, list: &str, category, language, weight| StoredTerm {
        id: 0,
        term: term.to_string(),
        key,
        list: list.to_string(),
        category,
        language,
        weight,
        action: Action::Score,
        mode: MatchMode::Token,
        shadow: false,
        enabled: true,
        note: None,
        version: 0,
    };
    for spec in &lists.terms {
        let key = validate_term(&spec.term).unwrap_or_else(|_| spec.term.clone());
        ops.push(FilterOp::AddTerm(StoredTerm {
            action: spec.action,
            mode: spec.mode,
            shadow: spec.shadow,
            ..term(
                &spec.term,
                key,
                &spec.list,
                spec.category,
                spec.language,
                spec.weight,
            )
        }));
    }
    let list_of = |category: Category| {
        lists
            .lists
            .iter()
            .find(|l| l.category == category)
            .map(|l| l.name.clone())
            .unwrap_or_else(|| category.as_str().to_string())
    };
    for (domain, weight) in &lists.blocked_domains {
        let list = list_of(Category::DomainBlock);
        ops.push(FilterOp::AddTerm(term(
            domain,
            domain.clone(),
            &list,
            Category::DomainBlock,
            Language::En,
            *weight,
        )));
    }
    for domain in &lists.allowed_domains {
        let list = list_of(Category::DomainAllow);
        ops.push(FilterOp::AddTerm(term(
            domain,
            domain.clone(),
            &list,
            Category::DomainAllow,
            Language::En,
            0.0,
        )));
    }
    let mut disposable: Vec<&String> = lists.disposable_domains.iter().collect();
    disposable.sort();
    for domain in disposable {
        let list = list_of(Category::DisposableEmail);
        ops.push(FilterOp::AddTerm(term(
            domain,
            domain.clone(),
            &list,
            Category::DisposableEmail,
            Language::En,
            0.0,
        )));
    }
    for rule in &lists.rules {
        ops.push(FilterOp::AddRule(StoredRule {
            id: 0,
            name: rule.id.clone(),
            pattern: rule.pattern.clone(),
            weight: rule.weight,
            action: rule.action,
            target: rule.target,
            category: rule.category,
            description: rule.description.clone(),
            shadow: rule.shadow,
            enabled: true,
            version: 0,
        }));
    }
    ops.push(FilterOp::Settings(settings.clone()));
    FilterEdit {
        by: "system".into(),
        now,
        summary: format!(
            "seeded from the shipped word lists: {} terms and domains, {} rules",
            ops.len() - lists.rules.len() - 1,
            lists.rules.len()
        ),
        action: "filter.seed".into(),
        detail: serde_json::json!({"terms": lists.terms.len(), "rules": lists.rules.len()}),
        ops,
        check_duplicates: false,
        if_current: Some(0),
    }
}
