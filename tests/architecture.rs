//! The architecture rules of the source tree, checked by reading the files (standard library
//! only; the crate itself is not linked).
//!
//! Each violation has a stable key (no line numbers) and a detail for humans:
//!
//! 1. `cycle: A <-> B …`: no import cycles among `src/` files. Edges come from `use`
//!    declarations and inline `crate::`/`super::`/`self::` paths (`raqib::` in the binaries,
//!    `child::` for a module the file declares with `mod child;`), resolved to the longest
//!    module prefix backed by a file. `mod x;` itself is not an edge. Each strongly connected
//!    component of more than one file is one violation, including a `mod.rs` that uses its
//!    children while a child uses items of that `mod.rs` (shared items need a file of their own).
//! 2. `arrow: FILE -> TARGET`: forbidden references between layers (first path component under
//!    `src/`) and to external crates; see [`FORBIDDEN`] and [`ONLY_FROM`].
//! 3. `long-fn: FILE::NAME`: no function in `src/http/` longer than 80 lines.
//! 4. `store-macro: FILE`, `store-positional: FILE`: no `macro_rules!` and no positional
//!    `try_get(N)` in `src/store/`.
//! 5. `long-file: FILE`: no source file over 700 lines.
//! 6. `top-level-files`: at most 12 `.rs` files directly in `src/`.
//! 7. `long-asset: FILE`: no page asset (js, css, html) in `assets/` over 1,200 lines.
//! 8. `page-dup-fn: NAME`: no function name defined in two of the pages' scripts.
//! 9. `design-ref: FILE`: no comments pointing at sections of the design document.
//!
//! The Rust rules ignore comments, string and char literals, and `#[cfg(test)]` items.
//!
//! Baseline: `tests/architecture_baseline.txt` lists the keys of known debt, one per line. The
//! test fails on any violation not listed there, and on any listed key that no longer occurs,
//! so the list only shrinks. `ARCHITECTURE_WRITE_BASELINE=1` rewrites it from the current tree.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

// The rules. A target is a layer (the first path component under `src/`, or `lib`, `main`) or
// one of the watched external crates. A layer may always refer to itself.

/// Layers that must not refer to some targets: (layer, forbidden targets).
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("domain", &["http", "error", "store"]),
    (
        "filter",
        &["http", "store", "error", "sqlx", "axum", "learning"],
    ),
    (
        "learning",
        &[
            "http",
            "store",
            "error",
            "sqlx",
            "axum",
            "moderation",
            "app",
        ],
    ),
    ("store", &["http", "auth", "axum"]),
];

/// Targets only some layers may refer to: (target, the layers allowed to).
const ONLY_FROM: &[(&str, &[&str])] = &[
    ("axum", &["http", "server", "app", "main", "lib"]),
    ("sqlx", &["store", "app", "main"]),
    ("error", &["http", "server", "app", "main", "lib"]),
    ("http", &["http", "server", "app", "main", "lib"]),
];

/// External crates whose use is a target of the two tables above.
const WATCHED_CRATES: &[&str] = &["axum", "sqlx"];
/// The library's crate name, as `src/main.rs` and `src/bin/*` spell it.
const LIB_NAME: &str = "raqib";
const MAX_HTTP_FN_LINES: usize = 80;
const MAX_SOURCE_LINES: usize = 700;
const MAX_TOP_LEVEL_FILES: usize = 12;
const MAX_ASSET_LINES: usize = 1200;
const BASELINE: &str = "tests/architecture_baseline.txt";
const BASELINE_HEADER: &str = "\
# Known architecture debt: one violation key per line, checked by tests/architecture.rs.
# A violation listed here is tolerated; any other fails the test. The list may only shrink:
# once a violation is fixed, the test fails until its line is removed here.
# Regenerate (to drop fixed debt, never to admit new debt):
#   ARCHITECTURE_WRITE_BASELINE=1 cargo test --test architecture
";

/// One broken rule: `key` is stable across unrelated edits, `detail` says where and why.
#[derive(Debug)]
struct Violation {
    key: String,
    detail: String,
}

fn violation(key: String, detail: String) -> Violation {
    Violation { key, detail }
}

/// The files the rules read, by path relative to the crate root with `/` separators.
#[derive(Default)]
struct Tree {
    /// `src/**/*.rs`.
    sources: BTreeMap<String, String>,
    /// `tests/**/*.rs` but this file, for the design-reference rule only.
    tests: BTreeMap<String, String>,
    /// The files under `assets/`, subfolders included.
    assets: BTreeMap<String, String>,
}

impl Tree {
    fn load(root: &Path) -> Tree {
        let mut tree = Tree::default();
        collect(root, "src", true, &mut tree.sources);
        collect(root, "tests", true, &mut tree.tests);
        collect(root, "assets", true, &mut tree.assets);
        tree.sources.retain(|path, _| path.ends_with(".rs"));
        tree.tests
            .retain(|path, _| path.ends_with(".rs") && path != "tests/architecture.rs");
        tree
    }
}

/// Reads the files under `root/dir` (recursively if asked) into `into`.
fn collect(root: &Path, dir: &str, recursive: bool, into: &mut BTreeMap<String, String>) {
    let Ok(entries) = fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = format!("{dir}/{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            if recursive {
                collect(root, &name, true, into);
            }
        } else if let Ok(bytes) = fs::read(entry.path()) {
            into.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
}

/// Every violation in `tree`, sorted by key.
fn check(tree: &Tree) -> Vec<Violation> {
    let modules = Modules(
        tree.sources
            .keys()
            .filter_map(|f| Some((module_path(f)?, f.clone())))
            .collect(),
    );
    let refs: BTreeMap<&str, FileRefs> = tree
        .sources
        .iter()
        .map(|(f, text)| (f.as_str(), scan_refs(f, text, &modules)))
        .collect();
    let mut out = cycles(&refs);
    out.extend(arrows(tree, &refs));
    for (file, text) in &tree.sources {
        let toks = code_tokens(text);
        if file.starts_with("src/http/") {
            out.extend(long_fns(file, &toks));
        }
        if file.starts_with("src/store/") {
            out.extend(store_rules(file, &toks));
        }
        let lines = text.lines().count();
        if lines > MAX_SOURCE_LINES {
            let detail = format!("{lines} lines (limit {MAX_SOURCE_LINES})");
            out.push(violation(format!("long-file: {file}"), detail));
        }
    }
    let top: Vec<&str> = tree
        .sources
        .keys()
        .filter_map(|f| f.strip_prefix("src/").filter(|f| !f.contains('/')))
        .collect();
    if top.len() > MAX_TOP_LEVEL_FILES {
        let detail = format!(
            "{} files (limit {MAX_TOP_LEVEL_FILES}): {}",
            top.len(),
            top.join(" ")
        );
        out.push(violation("top-level-files".into(), detail));
    }
    for (file, text) in &tree.assets {
        let lines = text.lines().count();
        if [".js", ".css", ".html"]
            .iter()
            .any(|ext| file.ends_with(ext))
            && lines > MAX_ASSET_LINES
        {
            let detail = format!("{lines} lines (limit {MAX_ASSET_LINES})");
            out.push(violation(format!("long-asset: {file}"), detail));
        }
    }
    out.extend(page_duplicates(&tree.assets));
    let everything = tree.sources.iter().chain(&tree.tests).chain(&tree.assets);
    out.extend(everything.filter_map(|(file, text)| design_refs(file, text)));
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

// Lexing: blank out comments and literals, then split into tokens that know their line.

/// `text` with comments, string literals and char literals replaced by spaces (newlines kept,
/// so every line keeps its number). Lifetimes such as `'a` stay.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        let end = match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => Some(
                c[i..]
                    .iter()
                    .position(|&x| x == '\n')
                    .map_or(c.len(), |p| i + p),
            ),
            '/' if c.get(i + 1) == Some(&'*') => Some(block_comment_end(&c, i)),
            '"' => Some(string_end(&c, i + 1)),
            '\'' => char_literal_end(&c, i),
            ch if is_word_char(ch) => {
                let j = i + c[i..].iter().take_while(|&&x| is_word_char(x)).count();
                let word: String = c[i..j].iter().collect();
                let literal = match (word.as_str(), c.get(j)) {
                    ("r" | "br" | "cr", Some('"' | '#')) => raw_string_end(&c, j),
                    ("b" | "c", Some('"')) => Some(string_end(&c, j + 1)),
                    ("b", Some('\'')) => char_literal_end(&c, j),
                    _ => None,
                };
                if literal.is_none() {
                    out.push_str(&word);
                    i = j;
                    continue;
                }
                literal
            }
            _ => None,
        };
        let Some(end) = end.map(|end| end.min(c.len())) else {
            out.push(c[i]);
            i += 1;
            continue;
        };
        out.extend(c[i..end].iter().map(|&x| if x == '\n' { x } else { ' ' }));
        i = end;
    }
    out
}

fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// The end of the (possibly nested) block comment starting at `i`.
fn block_comment_end(c: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i + 1 < c.len() {
        match (c[i], c[i + 1]) {
            ('/', '*') => depth += 1,
            ('*', '/') if depth == 1 => return i + 2,
            ('*', '/') => depth -= 1,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    c.len()
}

/// The end of a string whose contents start at `i`, just after the opening quote.
fn string_end(c: &[char], mut i: usize) -> usize {
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    c.len()
}

/// The end of a raw string whose hashes or quote start at `i`; `None` for a raw identifier.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    let hashes = c[i..].iter().take_while(|&&x| x == '#').count();
    if c.get(i + hashes) != Some(&'"') {
        return None;
    }
    let closes = |j: &usize| {
        c[*j] == '"'
            && c.get(j + 1..j + 1 + hashes)
                .is_some_and(|s| s.iter().all(|&x| x == '#'))
    };
    Some(
        (i + hashes + 1..c.len())
            .find(closes)
            .map_or(c.len(), |j| j + 1 + hashes),
    )
}

/// The end of the char literal at `i`, or `None` when the quote starts a lifetime or label.
fn char_literal_end(c: &[char], i: usize) -> Option<usize> {
    if c.get(i + 1) == Some(&'\\') {
        let close = c.get(i + 3..)?.iter().position(|&x| x == '\'')?;
        return Some(i + 3 + close + 1);
    }
    (c.get(i + 2) == Some(&'\'') && c.get(i + 1) != Some(&'\'')).then_some(i + 3)
}

/// A word (identifier, keyword, number, lifetime), `::`, or one punctuation character.
#[derive(Clone, Debug)]
struct Tok {
    text: String,
    line: usize,
}

fn tokenize(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut toks = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let start = i;
        let word = |k: usize| c.get(k).is_some_and(|&x| is_word_char(x));
        if c[i].is_whitespace() {
            line += usize::from(c[i] == '\n');
            i += 1;
            continue;
        } else if word(i) || (c[i] == '\'' && word(i + 1)) {
            i += 1 + c[i + 1..].iter().take_while(|&&x| is_word_char(x)).count();
        } else {
            i += if c[i] == ':' && c.get(i + 1) == Some(&':') {
                2
            } else {
                1
            };
        }
        toks.push(Tok {
            text: c[start..i].iter().collect(),
            line,
        });
    }
    toks
}

/// The text of token `i`, or `""` past the end.
fn text(toks: &[Tok], i: usize) -> &str {
    toks.get(i).map_or("", |t| t.text.as_str())
}

fn is_ident(word: &str) -> bool {
    word.starts_with(|ch: char| ch.is_alphabetic() || ch == '_')
}

/// The tokens of a Rust file's code, without comments, literals and `#[cfg(test)]` items.
fn code_tokens(source: &str) -> Vec<Tok> {
    let toks = tokenize(&strip(source));
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if let Some(after) = attribute_end(&toks, i) {
            let attr: String = toks[i..after].iter().map(|t| t.text.as_str()).collect();
            if attr == "#[cfg(test)]" || attr.starts_with("#[cfg(all(test,") {
                i = item_end(&toks, after);
                continue;
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// The index after the outer attribute `#[…]` starting at `i`, if one does.
fn attribute_end(toks: &[Tok], i: usize) -> Option<usize> {
    let is_attribute = text(toks, i) == "#" && text(toks, i + 1) == "[";
    is_attribute.then(|| matching(toks, i + 1).map_or(toks.len(), |k| k + 1))
}

/// The index of the bracket closing the one (`(`, `[`, `{` or `<`) at `open`.
fn matching(toks: &[Tok], open: usize) -> Option<usize> {
    let close = match text(toks, open) {
        "(" => ")",
        "[" => "]",
        "{" => "}",
        _ => ">",
    };
    let mut depth = 0;
    for (k, tok) in toks.iter().enumerate().skip(open) {
        if tok.text == toks[open].text {
            depth += 1;
        } else if tok.text == close {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// Where the item (or function body) starting at `i` ends: the index after its `;` at the
/// outer level, or of its block's opening `{` when `block` (else after the block).
fn item_end_or_block(toks: &[Tok], i: usize, block: bool) -> Option<usize> {
    let mut depth = 0;
    for (k, tok) in toks.iter().enumerate().skip(i) {
        match tok.text.as_str() {
            "(" | "[" => depth += 1,
            ")" | "]" => depth -= 1,
            ";" if depth <= 0 => return (!block).then_some(k + 1),
            "{" if depth <= 0 && block => return Some(k),
            "{" if depth <= 0 => return Some(matching(toks, k).map_or(toks.len(), |m| m + 1)),
            "}" if depth <= 0 => return (!block).then_some(k),
            _ => {}
        }
    }
    (!block).then_some(toks.len())
}

/// The index after the item whose attributes or keywords start at `i`.
fn item_end(toks: &[Tok], mut i: usize) -> usize {
    while let Some(after) = attribute_end(toks, i) {
        i = after;
    }
    item_end_or_block(toks, i, false).unwrap_or(toks.len())
}

// References between files (rules 1 and 2).

/// The module path of a library file (`["crate", "store", "rows"]`); `None` for the binaries.
fn module_path(file: &str) -> Option<Vec<String>> {
    let rel = file.strip_prefix("src/")?.strip_suffix(".rs")?;
    if rel == "main" || rel.starts_with("bin/") {
        return None;
    }
    let mut path = vec!["crate".to_string()];
    if rel != "lib" {
        path.extend(rel.split('/').filter(|s| *s != "mod").map(String::from));
    }
    Some(path)
}

/// The layer of a source file: its first path component under `src/`.
fn layer(file: &str) -> &str {
    let rel = file.strip_prefix("src/").unwrap_or(file);
    rel.split('/').next().unwrap_or(rel).trim_end_matches(".rs")
}

/// The library's module paths that are backed by a file, and the file.
struct Modules(BTreeMap<Vec<String>, String>);

/// What one file refers to, each with the first line that does.
#[derive(Default, Debug)]
struct FileRefs {
    files: BTreeMap<String, usize>,
    crates: BTreeMap<String, usize>,
}

impl FileRefs {
    /// Records a use of the crate `name` when it is watched.
    fn add_crate(&mut self, name: Option<&String>, line: usize) {
        if let Some(name) = name.filter(|n| WATCHED_CRATES.contains(&n.as_str())) {
            self.crates.entry(name.clone()).or_insert(line);
        }
    }
}

/// What is needed to resolve the paths written in one file.
struct Scope<'a> {
    file: &'a str,
    modules: &'a Modules,
    /// The file's module path; `None` in a binary.
    own: Option<Vec<String>>,
    /// Child modules declared in the file by `mod x;`.
    children: BTreeSet<String>,
}

impl Scope<'_> {
    /// Records in `refs` the file or crate `path` points at; `inline` names the inline modules
    /// the path is written in, and a leading `"::"` segment marks a global path (`::redis::…`).
    fn record(&self, path: &[String], inline: &[String], line: usize, refs: &mut FileRefs) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let absolute = match (&self.own, first.as_str()) {
            (_, "::") => return refs.add_crate(rest.first(), line),
            (None, "crate" | "self" | "super") => return,
            (Some(_), "crate") => path.to_vec(),
            (Some(own), "self" | "super") => {
                let mut base = [own.as_slice(), inline].concat();
                let supers = path.iter().take_while(|s| *s == "super").count();
                if base.len() <= supers {
                    return;
                }
                base.truncate(base.len() - supers);
                [base.as_slice(), &path[supers.max(1)..]].concat()
            }
            (Some(own), child) if inline.is_empty() && self.children.contains(child) => {
                [own.as_slice(), path].concat()
            }
            (None, LIB_NAME) => [&["crate".to_string()], rest].concat(),
            _ => return refs.add_crate(Some(first), line),
        };
        let resolved = (1..=absolute.len())
            .rev()
            .find_map(|n| self.modules.0.get(&absolute[..n]));
        if let Some(target) = resolved.filter(|t| *t != self.file) {
            refs.files.entry(target.clone()).or_insert(line);
        }
    }
}

/// The references of one source file.
fn scan_refs(file: &str, source: &str, modules: &Modules) -> FileRefs {
    let toks = code_tokens(source);
    let mut children = BTreeSet::new();
    let mut depth = 0;
    for (i, tok) in toks.iter().enumerate() {
        depth += i32::from(tok.text == "{") - i32::from(tok.text == "}");
        if tok.text == "mod" && depth == 0 && text(&toks, i + 2) == ";" {
            children.insert(text(&toks, i + 1).to_string());
        }
    }
    let scope = Scope {
        file,
        modules,
        own: module_path(file),
        children,
    };
    let mut refs = FileRefs::default();
    // One entry per open brace: the name of the inline module it opens, if it opens one.
    let mut frames: Vec<Option<String>> = Vec::new();
    let mut pending_mod = None;
    let mut i = 0;
    while i < toks.len() {
        let inline: Vec<String> = frames.iter().flatten().cloned().collect();
        match toks[i].text.as_str() {
            "mod" if text(&toks, i + 2) == "{" => pending_mod = Some(toks[i + 1].text.clone()),
            "{" => frames.push(pending_mod.take()),
            "}" => _ = frames.pop(),
            "use" => {
                let mut paths = Vec::new();
                i += 1;
                use_tree(&toks, &mut i, &[], &mut paths);
                for (path, line) in paths {
                    scope.record(&path, &inline, line, &mut refs);
                }
                continue;
            }
            word if is_ident(word) && text(&toks, i + 1) == "::" => {
                let before = |n: usize| if i >= n { text(&toks, i - n) } else { "" };
                let global = before(1) == "::";
                // Not a later segment of a path (`a::crate`), nor `pub(in crate::x)`.
                let later = global && (is_ident(before(2)) || matches!(before(2), ">" | ")"));
                let skip = later || before(1) == "in";
                let mut path = if global {
                    vec!["::".to_string()]
                } else {
                    vec![]
                };
                path.push(word.to_string());
                while text(&toks, i + 1) == "::" && is_ident(text(&toks, i + 2)) {
                    path.push(toks[i + 2].text.clone());
                    i += 2;
                }
                // Outside `use`, a path's last segment names an item (a function, a type, a
                // macro), never a module: `signals::links(x)` calls a function of `signals`.
                if !skip && path.len() > 1 {
                    path.pop();
                    scope.record(&path, &inline, toks[i].line, &mut refs);
                }
            }
            _ => {}
        }
        i += 1;
    }
    refs
}

/// Parses the use tree at `*i`, pushing each path it names (and its line) onto `out`, and
/// leaves `*i` after it (after the `;` at the top level).
fn use_tree(toks: &[Tok], i: &mut usize, prefix: &[String], out: &mut Vec<(Vec<String>, usize)>) {
    let mut path = prefix.to_vec();
    let line = toks.get(*i).map_or(0, |t| t.line);
    loop {
        match text(toks, *i) {
            "::" if path.is_empty() => path.push("::".into()),
            "{" => {
                *i += 1;
                while !matches!(text(toks, *i), "}" | ";" | "") {
                    if text(toks, *i) == "," {
                        *i += 1;
                    } else {
                        let at = *i;
                        use_tree(toks, i, &path, out);
                        *i += usize::from(*i == at);
                    }
                }
                path.clear();
            }
            "::" => {}
            "self" if !path.is_empty() => {}
            "as" => *i += 1,
            "*" => {}
            word if is_ident(word) => path.push(word.to_string()),
            _ => break,
        }
        *i += 1;
    }
    if !path.is_empty() {
        out.push((path, line));
    }
    if prefix.is_empty() {
        while !matches!(text(toks, *i), ";" | "") {
            *i += 1;
        }
        *i += 1;
    }
}

/// The nodes reachable from `start` along `adj` within `within`, each with the node it was
/// first reached from (breadth first, so the paths are shortest).
fn reach(
    adj: &[Vec<usize>],
    start: usize,
    within: &dyn Fn(usize) -> bool,
) -> BTreeMap<usize, usize> {
    let mut previous = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in adj[v].iter().filter(|&&w| within(w)) {
            if let Entry::Vacant(slot) = previous.entry(w) {
                slot.insert(v);
                queue.push_back(w);
            }
        }
    }
    previous
}

/// Rule 1: one violation per strongly connected component of more than one file, found as
/// the files that reach each other (the graph is small).
fn cycles(refs: &BTreeMap<&str, FileRefs>) -> Vec<Violation> {
    let nodes: Vec<&str> = refs.keys().copied().collect();
    let adj: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            refs[n]
                .files
                .keys()
                .filter_map(|t| nodes.iter().position(|m| m == t))
                .collect()
        })
        .collect();
    let reached: Vec<BTreeMap<usize, usize>> = (0..nodes.len())
        .map(|v| reach(&adj, v, &|_| true))
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for start in 0..nodes.len() {
        let members: BTreeSet<usize> = reached[start]
            .keys()
            .copied()
            .filter(|&w| reached[w].contains_key(&start))
            .collect();
        if members.len() < 2 || !seen.insert(members.clone()) {
            continue;
        }
        // A shortest cycle through the first member, walked back from it to itself.
        let previous = reach(&adj, start, &|w| members.contains(&w));
        let (mut path, mut at) = (vec![start], previous[&start]);
        while at != start {
            path.push(at);
            at = previous[&at];
        }
        path.push(start);
        path.reverse();
        let mut detail = format!("{} files; e.g. ", members.len());
        for pair in path.windows(2) {
            let line = refs[nodes[pair[0]]].files[nodes[pair[1]]];
            let _ = write!(detail, "{}:{line} -> ", nodes[pair[0]]);
        }
        detail.push_str(nodes[start]);
        let names: Vec<&str> = members.iter().map(|&k| nodes[k]).collect();
        out.push(violation(format!("cycle: {}", names.join(" <-> ")), detail));
    }
    out
}

/// Rule 2: one violation per (file, forbidden target), with the first line that refers to it.
fn arrows(tree: &Tree, refs: &BTreeMap<&str, FileRefs>) -> Vec<Violation> {
    let forbidden = |from: &str, to: &str| {
        let denied = FORBIDDEN
            .iter()
            .any(|(l, targets)| *l == from && targets.contains(&to));
        let limited = ONLY_FROM
            .iter()
            .any(|(t, allowed)| *t == to && !allowed.contains(&from));
        from != to && (denied || limited)
    };
    let mut out = Vec::new();
    for (file, refs) in refs {
        let mut first: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        let files = refs
            .files
            .iter()
            .map(|(f, line)| (layer(f), *line, f.as_str()));
        let crates = refs
            .crates
            .iter()
            .map(|(c, line)| (c.as_str(), *line, c.as_str()));
        for (to, line, via) in files
            .chain(crates)
            .filter(|(to, ..)| forbidden(layer(file), to))
        {
            let slot = first.entry(to).or_insert((line, via));
            *slot = (*slot).min((line, via));
        }
        for (to, (line, via)) in first {
            let code = tree.sources[*file]
                .lines()
                .nth(line - 1)
                .unwrap_or("")
                .trim();
            let detail = format!("{file}:{line} (-> {via}): {code}");
            out.push(violation(format!("arrow: {file} -> {to}"), detail));
        }
    }
    out
}

// Rules 3 and 4: long HTTP functions; macros and positional columns in the store.

fn long_fns(file: &str, toks: &[Tok]) -> Vec<Violation> {
    let mut flagged: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        if tok.text != "fn" || !is_ident(text(toks, i + 1)) {
            continue;
        }
        let body = item_end_or_block(toks, i + 2, true).and_then(|open| matching(toks, open));
        let lines = body.map_or(0, |close| toks[close].line - tok.line + 1);
        if lines > MAX_HTTP_FN_LINES {
            let name = toks[i + 1].text.as_str();
            let n = flagged.entry(name).or_insert(0);
            *n += 1;
            let suffix = if *n > 1 {
                format!("#{n}")
            } else {
                String::new()
            };
            let detail = format!(
                "{lines} lines (limit {MAX_HTTP_FN_LINES}) at {file}:{}",
                tok.line
            );
            out.push(violation(
                format!("long-fn: {file}::{name}{suffix}"),
                detail,
            ));
        }
    }
    out
}

fn store_rules(file: &str, toks: &[Tok]) -> Vec<Violation> {
    let (mut macros, mut positional) = (Vec::new(), Vec::new());
    for (i, tok) in toks.iter().enumerate() {
        if tok.text == "macro_rules" && text(toks, i + 1) == "!" {
            macros.push(tok.line);
        }
        if tok.text == "try_get" {
            let mut open = i + 1;
            if text(toks, open) == "::" && text(toks, open + 1) == "<" {
                open = matching(toks, open + 1).map_or(open, |k| k + 1);
            }
            let number = text(toks, open + 1).starts_with(|ch: char| ch.is_ascii_digit());
            if text(toks, open) == "(" && number {
                positional.push(tok.line);
            }
        }
    }
    let mut out = Vec::new();
    for (rule, lines) in [("store-macro", macros), ("store-positional", positional)] {
        if let Some(first) = lines.first() {
            let detail = format!("{} occurrences, first at {file}:{first}", lines.len());
            out.push(violation(format!("{rule}: {file}"), detail));
        }
    }
    out
}

// Rules 8 and 9: the pages' scripts, and references to design sections.

/// Rule 8: names of functions defined in more than one `assets/*.js`.
fn page_duplicates(assets: &BTreeMap<String, String>) -> Vec<Violation> {
    let mut defined: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (file, script) in assets.iter().filter(|(f, _)| f.ends_with(".js")) {
        for name in js_function_names(script) {
            defined.entry(name).or_default().push(file);
        }
    }
    let duplicates = defined.into_iter().filter(|(_, files)| files.len() > 1);
    duplicates
        .map(|(name, files)| violation(format!("page-dup-fn: {name}"), files.join(" ")))
        .collect()
}

/// Functions a script defines, line by line: `function f(`, `function* f(`,
/// `const f = function`, `const f = (…) =>`, `const f = x =>` (also `async`, `let`, `var`).
fn js_function_names(script: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in script.lines() {
        if ["//", "*", "/*"]
            .iter()
            .any(|c| line.trim_start().starts_with(c))
        {
            continue;
        }
        // The line as words (identifiers, numbers) and single punctuation characters.
        let mut w: Vec<String> = Vec::new();
        let mut in_word = false;
        for ch in line.chars() {
            let word_char = ch.is_alphanumeric() || ch == '_' || ch == '$';
            match w.last_mut() {
                Some(last) if in_word && word_char => last.push(ch),
                _ if !ch.is_whitespace() => w.push(ch.to_string()),
                _ => {}
            }
            in_word = word_char;
        }
        let at = |k: usize| w.get(k).map_or("", String::as_str);
        let ident =
            |k: usize| at(k).starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$');
        let arrow = |k: usize| at(k) == "=" && at(k + 1) == ">";
        for k in 0..w.len() {
            let n = if at(k + 1) == "*" { k + 2 } else { k + 1 };
            if at(k) == "function" && ident(n) && at(n + 1) == "(" {
                names.insert(at(n).to_string());
            }
            if !matches!(at(k), "const" | "let" | "var") || !ident(k + 1) || at(k + 2) != "=" {
                continue;
            }
            let v = if at(k + 3) == "async" { k + 4 } else { k + 3 };
            let mut depth = 0;
            let params_end = (v..w.len()).find(|&m| {
                depth += i32::from(at(m) == "(") - i32::from(at(m) == ")");
                depth == 0
            });
            let parens = at(v) == "(" && params_end.is_some_and(|m| arrow(m + 1));
            if at(v) == "function" || parens || (ident(v) && arrow(v + 1)) {
                names.insert(at(k + 1).to_string());
            }
        }
    }
    names
}

/// Rule 9: `DESIGN §` or `DESIGN.md §` (spaces optional) anywhere in the file.
fn design_refs(file: &str, text: &str) -> Option<Violation> {
    let points_at_section = |rest: &str| {
        let rest = rest.trim_start();
        rest.strip_prefix(".md")
            .unwrap_or(rest)
            .trim_start()
            .starts_with('§')
    };
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .flat_map(|(n, line)| {
            line.split("DESIGN")
                .skip(1)
                .filter(|r| points_at_section(r))
                .map(move |_| n + 1)
        })
        .collect();
    let detail = format!(
        "{} references, first at {file}:{}",
        hits.len(),
        hits.first()?
    );
    Some(violation(format!("design-ref: {file}"), detail))
}

// The test, and the baseline.

#[test]
fn the_source_tree_keeps_its_architecture_rules() {
    let root = Path::new(option_env!("CARGO_MANIFEST_DIR").unwrap_or("."));
    let tree = Tree::load(root);
    assert!(
        !tree.sources.is_empty(),
        "no sources under {}",
        root.join("src").display()
    );
    let violations = check(&tree);
    let keys: BTreeSet<&str> = violations.iter().map(|v| v.key.as_str()).collect();
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &violations {
        *by_rule
            .entry(v.key.split(':').next().unwrap_or(""))
            .or_default() += 1;
    }
    let baseline_path = root.join(BASELINE);
    if std::env::var("ARCHITECTURE_WRITE_BASELINE").is_ok_and(|v| v == "1") {
        let mut file = String::from(BASELINE_HEADER);
        for v in &violations {
            println!("{}\n    {}", v.key, v.detail);
            file.extend([v.key.as_str(), "\n"]);
        }
        fs::write(&baseline_path, file).expect("write the baseline");
        println!(
            "architecture: wrote {} keys to {BASELINE}; by rule: {by_rule:?}",
            keys.len()
        );
        return;
    }
    let baseline: BTreeSet<String> = fs::read_to_string(&baseline_path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let known = violations
        .iter()
        .filter(|v| baseline.contains(&v.key))
        .count();
    println!(
        "architecture: {} violations, {known} in baseline; by rule: {by_rule:?}",
        violations.len()
    );
    let mut report = String::new();
    for v in violations.iter().filter(|v| !baseline.contains(&v.key)) {
        let _ = writeln!(report, "new: {}\n    {}", v.key, v.detail);
    }
    for key in baseline.iter().filter(|k| !keys.contains(k.as_str())) {
        let _ = writeln!(report, "fixed: remove this line from {BASELINE}: {key}");
    }
    assert!(report.is_empty(), "architecture rules broken:\n{report}");
}

mod parser {
    use super::*;

    /// The violations of an in-memory tree of sources.
    fn check_sources(files: &[(&str, &str)]) -> Vec<Violation> {
        let sources = files
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
        check(&Tree {
            sources,
            ..Tree::default()
        })
    }

    /// The files `file` refers to, in an in-memory tree.
    fn edges(files: &[(&str, &str)], file: &str) -> Vec<String> {
        let modules = files
            .iter()
            .filter_map(|(f, _)| Some((module_path(f)?, f.to_string())));
        let text = files.iter().find(|(f, _)| *f == file).expect("the file").1;
        scan_refs(file, text, &Modules(modules.collect()))
            .files
            .into_keys()
            .collect()
    }

    fn keys(violations: &[Violation]) -> Vec<&str> {
        violations.iter().map(|v| v.key.as_str()).collect()
    }

    #[test]
    fn nested_use_braces_resolve_to_the_longest_file_backed_module() {
        let x = "pub(crate) use crate::a::{\n    self as aa, b::*,\n    c::{d::D, e},\n};";
        let tree = [("src/lib.rs", ""), ("src/a/mod.rs", ""), ("src/a/b.rs", "")];
        let tree = [
            &tree[..],
            &[
                ("src/a/c/mod.rs", ""),
                ("src/a/c/d.rs", ""),
                ("src/x.rs", x),
            ],
        ];
        let expected = [
            "src/a/b.rs",
            "src/a/c/d.rs",
            "src/a/c/mod.rs",
            "src/a/mod.rs",
        ];
        assert_eq!(edges(&tree.concat(), "src/x.rs"), expected);
    }

    #[test]
    fn super_shifts_inside_inline_modules_and_declared_children_resolve() {
        let b = "mod kid;\nuse kid::K;\nfn f() -> super::T { ::kid::g() }\n\
                 mod inner {\n    fn g() -> super::super::c::T { todo!() }\n}";
        let tree = [("src/lib.rs", ""), ("src/a/mod.rs", ""), ("src/a/b.rs", b)];
        let tree = [
            &tree[..],
            &[
                ("src/a/b/kid.rs", ""),
                ("src/a/c.rs", ""),
                ("src/kid.rs", ""),
            ],
        ];
        let expected = ["src/a/b/kid.rs", "src/a/c.rs", "src/a/mod.rs"];
        assert_eq!(edges(&tree.concat(), "src/a/b.rs"), expected);
    }

    #[test]
    fn comments_strings_raw_strings_and_test_items_are_not_edges() {
        let x = "// crate::a::A\n/* /* crate::a */ */ const S: &str = \"crate::a\\\" crate::a\";\n\
                 const R: &str = r#\"crate::a \" crate::a\"#;\nconst C: char = '\"';\n\
                 fn f<'a>(x: &'a crate::b::B) -> char { crate::a('\\'') }\n\
                 #[cfg(test)]\nuse crate::a::{A, B};\n#[cfg(test)]\nmod tests { use crate::a::A; }";
        let tree = [
            ("src/lib.rs", ""),
            ("src/a.rs", ""),
            ("src/b.rs", ""),
            ("src/x.rs", x),
        ];
        // `crate::a(…)` calls a function of the crate root, not the module `a`.
        assert_eq!(edges(&tree, "src/x.rs"), ["src/b.rs", "src/lib.rs"]);
    }

    #[test]
    fn a_two_file_cycle_is_one_violation_and_mod_declarations_are_not_edges() {
        let v = check_sources(&[
            ("src/lib.rs", "pub mod a;\npub mod b;"),
            ("src/a.rs", "use crate::b::B;"),
            (
                "src/b.rs",
                "pub struct B;\nfn f() -> crate::a::A { todo!() }",
            ),
            ("src/s/mod.rs", "mod rows;\npub struct Shared;"),
            ("src/s/rows.rs", "use super::Shared;"),
        ]);
        assert_eq!(keys(&v), ["cycle: src/a.rs <-> src/b.rs"]);
        assert_eq!(
            v[0].detail,
            "2 files; e.g. src/a.rs:1 -> src/b.rs:2 -> src/a.rs"
        );
    }

    #[test]
    fn arrows_and_positional_columns_are_found() {
        let v = check_sources(&[
            ("src/lib.rs", ""),
            (
                "src/store/mod.rs",
                "let n = row.try_get::<i64, _>(3)?;\nrow.try_get(\"n\")?;",
            ),
            (
                "src/filter/mod.rs",
                "fn f() { sqlx::query(\"\"); }\nuse crate::store::Store;",
            ),
            ("src/main.rs", "use raqib::store::Store;\nuse axum::Router;"),
        ]);
        let expected = [
            "arrow: src/filter/mod.rs -> sqlx",
            "arrow: src/filter/mod.rs -> store",
        ];
        assert_eq!(
            keys(&v),
            [&expected[..], &["store-positional: src/store/mod.rs"]].concat()
        );
    }

    #[test]
    fn an_http_function_of_81_lines_is_too_long_and_80_is_not() {
        let body = "    let _ = || {};\n";
        let f = |n: usize| {
            format!(
                "fn f{n}() -> Result<(), E>\nwhere\n    E: Sized,\n{{\n{}}}\n",
                body.repeat(n - 5)
            )
        };
        let source = format!("{}{}", f(80), f(81));
        let v = check_sources(&[("src/lib.rs", ""), ("src/http/x.rs", &source)]);
        assert_eq!(keys(&v), ["long-fn: src/http/x.rs::f81"]);
    }

    #[test]
    fn scripts_sharing_a_function_name_and_design_references_are_found() {
        let a = "async function load(x) {}\nconst esc = (s) => s;\nlet one = 1;";
        let b = "const load = async x => x;\nvar esc = function () {};\n// function one() {}";
        let assets = BTreeMap::from(
            [("assets/a.js", a), ("assets/b.js", b)].map(|(f, t)| (f.into(), t.into())),
        );
        assert_eq!(
            keys(&page_duplicates(&assets)),
            ["page-dup-fn: esc", "page-dup-fn: load"]
        );
        let v = design_refs("x", "see DESIGN.md  §4 and DESIGN § 2").expect("two references");
        assert_eq!(v.detail, "2 references, first at x:1");
        assert!(design_refs("x", "DESIGN.md").is_none());
    }
}
