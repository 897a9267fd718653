//! Terms and rules as admins write them: checked, normalized and refused with the reason
//! per field; settings merged from a partial change.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::errors::{FieldCode, FieldErrors};
use crate::filter::lexicon::{is_arabic_letter, validate_term};
use crate::filter::rules::{PatternError, check_pattern};
use crate::filter::spec::MatchMode;
use crate::filter::{Action, Category, FilterSettings, Language, Target};
use crate::store::filters::{StoredRule, StoredTerm};

use super::versions::{ADMIN_LIST, is_domain_category};

/// A term as an admin sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermInput {
    pub term: String,
    pub category: Category,
    pub weight: f32,
    pub action: Option<Action>,
    #[serde(rename = "match")]
    #[schema(value_type = Option<String>)]
    pub mode: Option<MatchMode>,
    pub shadow: Option<bool>,
    pub enabled: Option<bool>,
    /// Default [`ADMIN_LIST`].
    pub list: Option<String>,
    /// `ar`, `en` or `arabizi`; guessed from the letters when absent.
    #[schema(value_type = Option<String>)]
    pub language: Option<Language>,
    pub note: Option<String>,
}

/// Changes to one term; absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermPatch {
    pub category: Option<Category>,
    pub weight: Option<f32>,
    pub action: Option<Action>,
    #[serde(rename = "match")]
    #[schema(value_type = Option<String>)]
    pub mode: Option<MatchMode>,
    pub shadow: Option<bool>,
    pub enabled: Option<bool>,
    pub list: Option<String>,
    pub note: Option<String>,
}

/// A regex rule as an admin sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    pub pattern: String,
    pub weight: f32,
    pub action: Option<Action>,
    /// `body` (default), `name`, `email` or `url`.
    #[schema(value_type = Option<String>)]
    pub target: Option<Target>,
    pub description: Option<String>,
    pub shadow: Option<bool>,
    pub enabled: Option<bool>,
    /// Its name in hits (`rule:<name>`); made from the pattern when absent.
    pub name: Option<String>,
    /// Default `rule` (counts towards hold only); `spam_phrase`, `insult`… to count
    /// towards spam or abuse.
    pub category: Option<Category>,
}

/// Changes to one rule; absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePatch {
    pub pattern: Option<String>,
    pub weight: Option<f32>,
    pub action: Option<Action>,
    #[schema(value_type = Option<String>)]
    pub target: Option<Target>,
    pub description: Option<String>,
    pub shadow: Option<bool>,
    pub enabled: Option<bool>,
    pub category: Option<Category>,
}

/// Guesses a term's language: Arabic letters → `ar`; Latin with digits → Arabizi.
pub fn guess_language(term: &str) -> Language {
    if term.chars().any(is_arabic_letter) {
        Language::Ar
    } else if term.chars().any(|c| c.is_ascii_digit()) {
        Language::Arabizi
    } else {
        Language::En
    }
}

fn check_weight(weight: f32, errors: &mut FieldErrors) {
    if !weight.is_finite() || weight.abs() > 100.0 {
        errors.add_detail(
            "weight",
            FieldCode::Invalid,
            "a weight is a number between -100 and 100",
        );
    }
}

fn check_list(list: &str, errors: &mut FieldErrors) {
    let ok = !list.is_empty()
        && list.len() <= 64
        && list
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'));
    if !ok {
        errors.add_detail(
            "list",
            FieldCode::Invalid,
            "a list name is 1–64 ASCII letters, digits, '/', '_' or '-'",
        );
    }
}

/// The normalized key of a term in `category`, or why it is refused.
pub fn term_key(term: &str, category: Category) -> Result<String, (FieldCode, String)> {
    let term = term.trim();
    if term.is_empty() {
        return Err((FieldCode::Required, "empty entry".into()));
    }
    if term.chars().count() > 200 {
        return Err((
            FieldCode::TooLong { max: 200 },
            "over 200 characters".into(),
        ));
    }
    if is_domain_category(category) {
        let domain = term.to_ascii_lowercase();
        return if crate::filter::lists::is_domain(&domain) {
            Ok(domain)
        } else {
            Err((FieldCode::Invalid, format!("{term:?} is not a domain name")))
        };
    }
    let (stem, _) = split_mode(term);
    validate_term(stem).map_err(|detail| (FieldCode::TooShort, detail))
}

/// `fuck*` → (`fuck`, prefix); `بدو=` → (`بدو`, exact).
fn split_mode(term: &str) -> (&str, Option<MatchMode>) {
    match (term.strip_suffix('*'), term.strip_suffix('=')) {
        (Some(stem), _) => (stem.trim(), Some(MatchMode::Prefix)),
        (_, Some(stem)) => (stem.trim(), Some(MatchMode::Exact)),
        _ => (term, None),
    }
}

/// Checks an admin's term and makes the row to store.
pub fn new_term(input: &TermInput) -> Result<StoredTerm, FieldErrors> {
    let mut errors = FieldErrors::default();
    let key = match term_key(&input.term, input.category) {
        Ok(key) => key,
        Err((code, detail)) => {
            errors.add_detail("term", code, detail);
            String::new()
        }
    };
    check_weight(input.weight, &mut errors);
    let list = input.list.clone().unwrap_or_else(|| ADMIN_LIST.to_string());
    check_list(&list, &mut errors);
    if input.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        errors.add("note", FieldCode::TooLong { max: 500 });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (stem, marked) = split_mode(input.term.trim());
    let term = if is_domain_category(input.category) {
        key.clone()
    } else {
        stem.to_string()
    };
    Ok(StoredTerm {
        id: 0,
        language: input.language.unwrap_or_else(|| guess_language(&term)),
        term,
        key,
        list,
        category: input.category,
        weight: input.weight,
        action: capped(input.category, input.action.unwrap_or_default()),
        mode: marked.or(input.mode).unwrap_or_default(),
        shadow: input.shadow.unwrap_or(false),
        enabled: input.enabled.unwrap_or(true),
        note: input.note.clone().filter(|n| !n.trim().is_empty()),
        version: 0,
    })
}

/// Identity and dehumanizing terms never condemn alone: their action is at most `hold`.
fn capped(category: Category, action: Action) -> Action {
    if category.is_qualifier() {
        action.min(Action::Hold)
    } else {
        action
    }
}

/// A term with a patch applied, checked again.
pub fn patched_term(current: &StoredTerm, patch: &TermPatch) -> Result<StoredTerm, FieldErrors> {
    let input = TermInput {
        term: match current.mode {
            MatchMode::Prefix => format!("{}*", current.term),
            MatchMode::Exact => format!("{}=", current.term),
            _ => current.term.clone(),
        },
        category: patch.category.unwrap_or(current.category),
        weight: patch.weight.unwrap_or(current.weight),
        action: Some(patch.action.unwrap_or(current.action)),
        mode: Some(patch.mode.unwrap_or(current.mode)),
        shadow: Some(patch.shadow.unwrap_or(current.shadow)),
        enabled: Some(patch.enabled.unwrap_or(current.enabled)),
        list: Some(patch.list.clone().unwrap_or_else(|| current.list.clone())),
        language: Some(current.language),
        note: patch.note.clone().or_else(|| current.note.clone()),
    };
    let mut term = new_term(&input)?;
    if patch.mode.is_some() {
        term.mode = patch.mode.unwrap_or_default();
    }
    term.id = current.id;
    Ok(term)
}

/// Checks an admin's rule and makes the row to store.
pub fn new_rule(input: &RuleInput) -> Result<StoredRule, FieldErrors> {
    let mut errors = FieldErrors::default();
    if let Err(err) = check_pattern(&input.pattern) {
        let code = match err {
            PatternError::Empty => FieldCode::Required,
            PatternError::Invalid(_) => FieldCode::Invalid,
            PatternError::TooLarge => FieldCode::TooLarge,
            PatternError::Trivial(_) => FieldCode::TooBroad,
        };
        errors.add_detail("pattern", code, err.to_string());
    }
    check_weight(input.weight, &mut errors);
    let name = input
        .name
        .clone()
        .unwrap_or_else(|| default_rule_name(&input.pattern));
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if !name_ok {
        errors.add_detail(
            "name",
            FieldCode::Invalid,
            "a rule name is 1–64 ASCII letters, digits, '_' or '-'",
        );
    }
    if input
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        errors.add("description", FieldCode::TooLong { max: 500 });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let category = input.category.unwrap_or(Category::Rule);
    Ok(StoredRule {
        id: 0,
        name,
        pattern: input.pattern.clone(),
        weight: input.weight,
        action: capped(category, input.action.unwrap_or_default()),
        target: input.target.unwrap_or_default(),
        category,
        description: input.description.clone().unwrap_or_default(),
        shadow: input.shadow.unwrap_or(false),
        enabled: input.enabled.unwrap_or(true),
        version: 0,
    })
}

/// A rule with a patch applied, checked again.
pub fn patched_rule(current: &StoredRule, patch: &RulePatch) -> Result<StoredRule, FieldErrors> {
    let input = RuleInput {
        pattern: patch
            .pattern
            .clone()
            .unwrap_or_else(|| current.pattern.clone()),
        weight: patch.weight.unwrap_or(current.weight),
        action: Some(patch.action.unwrap_or(current.action)),
        target: Some(patch.target.unwrap_or(current.target)),
        description: Some(
            patch
                .description
                .clone()
                .unwrap_or_else(|| current.description.clone()),
        ),
        shadow: Some(patch.shadow.unwrap_or(current.shadow)),
        enabled: Some(patch.enabled.unwrap_or(current.enabled)),
        name: Some(current.name.clone()),
        category: Some(patch.category.unwrap_or(current.category)),
    };
    let mut rule = new_rule(&input)?;
    rule.id = current.id;
    Ok(rule)
}

/// `admin_` and a short hash of the pattern: stable, so the same pattern twice is a
/// duplicate.
fn default_rule_name(pattern: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(pattern.as_bytes());
    format!("admin_{}", crate::secrets::keys::hex(&digest[..4]))
}

/// Settings with a partial JSON object merged in, checked.
pub fn merged_settings(
    current: &FilterSettings,
    patch: &serde_json::Value,
) -> Result<FilterSettings, String> {
    let mut value = serde_json::to_value(current).map_err(|e| e.to_string())?;
    merge(&mut value, patch);
    let settings: FilterSettings =
        serde_json::from_value(value).map_err(|e| format!("settings: {e}"))?;
    settings.validate()?;
    Ok(settings)
}

fn merge(into: &mut serde_json::Value, patch: &serde_json::Value) {
    match (into, patch) {
        (serde_json::Value::Object(into), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                match into.get_mut(key) {
                    // Per-category actions are replaced whole, so one can be removed.
                    Some(slot) if key != "category_actions" => merge(slot, value),
                    _ => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (into, patch) => *into = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::filters::FilterState;
    use crate::tuning::proposal::Proposal;
    use crate::tuning::versions::compile;

    fn state() -> FilterState {
        FilterState {
            version: 1,
            settings: FilterSettings::default(),
            terms: Vec::new(),
            rules: Vec::new(),
        }
    }

    fn term(text: &str, category: Category) -> TermInput {
        TermInput {
            term: text.into(),
            category,
            weight: 3.0,
            ..Default::default()
        }
    }

    #[test]
    fn terms_are_refused_when_they_normalize_to_under_two_letters() {
        for bad in ["", "   ", "ـكَـ", "x", "ﻙ"] {
            let errors = new_term(&term(bad, Category::Insult)).unwrap_err();
            assert!(errors.0.contains_key("term"), "{bad:?} accepted");
        }
        let ok = new_term(&term("الكلب", Category::Insult)).unwrap();
        assert_eq!(ok.key, "الكلب");
        assert_eq!(ok.language, Language::Ar);
        assert_eq!(ok.list, ADMIN_LIST);
    }

    #[test]
    fn a_trailing_star_makes_a_prefix_entry_and_domains_are_lowercased() {
        let prefix = new_term(&term("scam*", Category::SpamPhrase)).unwrap();
        assert_eq!(
            (prefix.term.as_str(), prefix.mode),
            ("scam", MatchMode::Prefix)
        );
        let domain = new_term(&term("Spam-Shop.EXAMPLE", Category::DomainBlock)).unwrap();
        assert_eq!(domain.key, "spam-shop.example");
        assert!(new_term(&term("not a domain", Category::DomainBlock)).is_err());
    }

    #[test]
    fn identity_terms_cannot_be_given_more_than_hold() {
        let mut input = term("مصري", Category::Identity);
        input.action = Some(Action::Block);
        assert_eq!(new_term(&input).unwrap().action, Action::Hold);
    }

    #[test]
    fn rules_that_do_not_compile_or_match_trivially_are_refused_with_the_reason() {
        for (pattern, code) in [
            ("(unclosed", "invalid"),
            (".*", "too_broad"),
            ("\\d?", "too_broad"),
            ("", "required"),
            ("a{1000}{1000}", "too_large"),
        ] {
            let errors = new_rule(&RuleInput {
                pattern: pattern.into(),
                weight: 2.0,
                ..Default::default()
            })
            .unwrap_err();
            assert_eq!(errors.0["pattern"].code.as_str(), code, "{pattern:?}");
        }
        let rule = new_rule(&RuleInput {
            pattern: "واتس ?اب".into(),
            weight: 2.0,
            ..Default::default()
        })
        .unwrap();
        assert!(rule.name.starts_with("admin_"));
        assert_eq!(rule.category, Category::Rule);
    }

    #[test]
    fn settings_merge_partially_and_are_checked() {
        let current = FilterSettings::default();
        let merged = merged_settings(
            &current,
            &serde_json::json!({"hold": 3, "signals": {"link": 1}}),
        )
        .unwrap();
        assert_eq!(merged.hold, 3.0);
        assert_eq!(merged.signals.link, 1.0);
        assert_eq!(merged.signals.phone, current.signals.phone);
        assert!(merged_settings(&current, &serde_json::json!({"hold": -1})).is_err());
        assert!(merged_settings(&current, &serde_json::json!({"hodl": 1})).is_err());
        let actions = merged_settings(
            &current,
            &serde_json::json!({"category_actions": {"profanity": "hold"}}),
        )
        .unwrap();
        assert_eq!(actions.category_actions[&Category::Profanity], Action::Hold);
    }

    #[test]
    fn a_proposal_applies_in_memory_and_names_its_bad_entries() {
        let mut live = state();
        live.terms
            .push(new_term(&term("حمار", Category::Insult)).unwrap());
        live.terms[0].id = 7;
        let proposal = Proposal {
            add_terms: vec![term("كلب", Category::Insult), term("x", Category::Insult)],
            remove_terms: vec![7, 8],
            ..Default::default()
        };
        let errors = proposal.apply(&live).unwrap_err();
        let names: Vec<&str> = errors.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["remove_terms: 8", "add_terms[1].term"]);
        let good = Proposal {
            add_terms: vec![term("كلب", Category::Insult)],
            remove_terms: vec![7],
            ..Default::default()
        };
        let next = good.apply(&live).unwrap();
        assert_eq!(next.terms.len(), 1);
        assert_eq!(next.terms[0].term, "كلب");
        let filter = compile(&next).unwrap();
        assert_eq!(filter.term_count(), 1);
    }
}
