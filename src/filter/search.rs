//! The words a comment is found by in the moderation queue's search. A comment's search
//! key is the words of its text key, then each Arabic word again without a proclitic
//! («والمنتخب» is also «المنتخب» and «منتخب»), so a moderator finds a word however it was
//! attached. The database indexes the key (SQLite FTS5, PostgreSQL full-text search with
//! the `simple` configuration: both split on the spaces of the key); a query is the words
//! of its own text key, each matched as a whole word or the start of one, all of them in
//! the same comment.

use std::collections::HashSet;

use super::lexicon::PREFIXES;
use super::normalize::text_key;

/// Words of a query that count; the rest are ignored (each is one more index lookup).
pub const MAX_QUERY_WORDS: usize = 8;

/// The search key of a comment whose text key is `text_key`.
pub fn search_key(text_key: &str) -> String {
    let mut key = String::with_capacity(text_key.len() + text_key.len() / 2);
    key.push_str(text_key);
    // A long comment has hundreds of words: a set, not a list, to skip those already there.
    let mut seen: HashSet<&str> = text_key.split(' ').collect();
    for word in text_key.split(' ') {
        if !word.chars().any(is_arabic) {
            continue;
        }
        for prefix in PREFIXES {
            let Some(rest) = word.strip_prefix(prefix) else {
                continue;
            };
            if rest.chars().count() < 2 || !seen.insert(rest) {
                continue;
            }
            key.push(' ');
            key.push_str(rest);
        }
    }
    key
}

/// The words of a moderator's query, normalized as comments are (harakat, letter forms,
/// digits), letters and digits only, at most [`MAX_QUERY_WORDS`].
pub fn query_words(query: &str) -> Vec<String> {
    let key = text_key(query);
    let mut words: Vec<String> = Vec::new();
    for word in key.as_str().split(' ') {
        let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if !word.is_empty() && !words.contains(&word) && words.len() < MAX_QUERY_WORDS {
            words.push(word);
        }
    }
    words
}

fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attached_word_is_also_found_bare() {
        let key = search_key(text_key("والمنتخب لعب بالأمس").as_str());
        let words: Vec<&str> = key.split(' ').collect();
        for expected in ["والمنتخب", "المنتخب", "منتخب", "لعب", "بالامس", "امس"]
        {
            assert!(words.contains(&expected), "{expected} in {key}");
        }
        assert!(!words.contains(&"ب"), "one letter is not a word: {key}");
        assert_eq!(
            search_key("match report"),
            "match report",
            "Latin words stay"
        );
    }

    #[test]
    fn a_query_is_its_normalized_words() {
        assert_eq!(query_words("  المُنتخبُ , Match!! "), ["المنتخب", "match"]);
        assert_eq!(query_words("!!! ..."), Vec::<String>::new());
        assert_eq!(query_words("a b c d e f g h i j").len(), MAX_QUERY_WORDS);
        assert_eq!(
            query_words("كلمة كلمه"),
            ["كلمه"],
            "one word, however its end is written"
        );
    }
}
