//! Email addresses: a real check of the address form (RFC 5321/5322 dot-atom local part,
//! RFC 6531 UTF-8 local parts, IDN domains through UTS #46), and the canonical form used
//! for hashes, bans, reputation and limits.

use super::errors::FieldCode;

/// An email address as the reader typed it, with the domain lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    display: String,
    canonical: String,
}

/// Longest address a mail system is required to handle (RFC 5321 path limit less the brackets).
const MAX_ADDRESS: usize = 254;
const MAX_LOCAL: usize = 64;

/// Domains whose mailboxes ignore dots in the local part.
const DOTLESS_DOMAINS: [&str; 2] = ["gmail.com", "googlemail.com"];

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldCode::Required);
        }
        if trimmed.len() > MAX_ADDRESS {
            return Err(FieldCode::TooLong { max: MAX_ADDRESS });
        }
        // Nothing in an address may display as nothing: it would be stored as typed and
        // slip past every check that reads the address (disposable domains, bans).
        if trimmed
            .chars()
            .any(|c| c.is_control() || crate::domain::unicode::is_invisible(c))
        {
            return Err(FieldCode::InvalidCharacters);
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(FieldCode::Invalid)?;
        if !valid_local_part(local) {
            return Err(FieldCode::Invalid);
        }
        let ascii_domain = ascii_domain(domain).ok_or(FieldCode::Invalid)?;
        let display = format!("{local}@{}", domain.to_lowercase());
        let canonical = canonical_address(local, &ascii_domain);
        Ok(Email { display, canonical })
    }

    /// The address to store and show to moderators.
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// Lower-cased, `+tag` removed, dots removed for Gmail, domain in ASCII (punycode).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The ASCII domain of the canonical form.
    pub fn domain(&self) -> &str {
        self.canonical
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("")
    }
}

/// RFC 5322 `atext`, plus any non-ASCII character that is not a space or control (RFC 6531).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!#$%&'*+-/=?^_`{|}~".contains(c)
        || (!c.is_ascii()
            && !c.is_whitespace()
            && !c.is_control()
            && !crate::domain::unicode::is_invisible(c))
}

/// A dot-atom: atoms of `atext` separated by single dots. Quoted local parts are refused:
/// they are legal but no reader of a comment form has one, and they hide abuse.
fn valid_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= MAX_LOCAL
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

/// The domain in ASCII if it is a plausible public host name: at least two labels of
/// letters, digits and inner hyphens, a non-numeric top-level label, no IP literals.
fn ascii_domain(domain: &str) -> Option<String> {
    if domain.is_empty() || domain.starts_with('[') {
        return None;
    }
    let ascii = idna::domain_to_ascii(domain).ok()?;
    let ascii = ascii.strip_suffix('.').unwrap_or(&ascii).to_string();
    if ascii.is_empty() || ascii.len() > 253 {
        return None;
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !labels.iter().all(label_ok) {
        return None;
    }
    let tld = labels.last()?;
    if tld.len() < 2 || tld.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(ascii.to_ascii_lowercase())
}

fn canonical_address(local: &str, ascii_domain: &str) -> String {
    let mut local = local.to_lowercase();
    if let Some((before_tag, _)) = local.split_once('+') {
        local = before_tag.to_string();
    }
    let domain = match ascii_domain {
        "googlemail.com" => "gmail.com",
        other => other,
    };
    if DOTLESS_DOMAINS.contains(&domain) {
        local.retain(|c| c != '.');
    }
    format!("{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_accepted_with_their_canonical_form() {
        let cases = [
            (
                "ahmed@example.com",
                "ahmed@example.com",
                "ahmed@example.com",
                "plain",
            ),
            (
                " Ahmed@Example.COM ",
                "Ahmed@example.com",
                "ahmed@example.com",
                "domain lower-cased, local kept",
            ),
            (
                "sara+news@example.org",
                "sara+news@example.org",
                "sara@example.org",
                "plus tag removed",
            ),
            (
                "J.Smith@Gmail.com",
                "J.Smith@gmail.com",
                "jsmith@gmail.com",
                "gmail ignores dots",
            ),
            (
                "j.smith+x@googlemail.com",
                "j.smith+x@googlemail.com",
                "jsmith@gmail.com",
                "googlemail is gmail",
            ),
            (
                "a.b@example.com",
                "a.b@example.com",
                "a.b@example.com",
                "dots kept elsewhere",
            ),
            (
                "user@موقع.السعودية",
                "user@موقع.السعودية",
                "user@xn--4gbrim.xn--mgberp4a5d4ar",
                "IDN domain",
            ),
            (
                "محمد@example.com",
                "محمد@example.com",
                "محمد@example.com",
                "UTF-8 local part",
            ),
            (
                "o'brien@example.ie",
                "o'brien@example.ie",
                "o'brien@example.ie",
                "apostrophe",
            ),
            (
                "x@sub.domain.co.uk",
                "x@sub.domain.co.uk",
                "x@sub.domain.co.uk",
                "subdomains",
            ),
        ];
        for (input, display, canonical, why) in cases {
            let email = Email::parse(input).unwrap_or_else(|e| panic!("{why}: {e:?}"));
            assert_eq!(email.as_str(), display, "{why}");
            assert_eq!(email.canonical(), canonical, "{why}");
        }
    }

    #[test]
    fn invalid_addresses_are_refused() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let cases = [
            ("", FieldCode::Required, "empty"),
            ("   ", FieldCode::Required, "blank"),
            ("plainaddress", FieldCode::Invalid, "no at sign"),
            ("@example.com", FieldCode::Invalid, "no local part"),
            ("ahmed@", FieldCode::Invalid, "no domain"),
            ("ahmed@localhost", FieldCode::Invalid, "single label"),
            ("ahmed@example", FieldCode::Invalid, "no top-level domain"),
            ("a..b@example.com", FieldCode::Invalid, "double dot"),
            (".ab@example.com", FieldCode::Invalid, "leading dot"),
            ("ab.@example.com", FieldCode::Invalid, "trailing dot"),
            ("a b@example.com", FieldCode::Invalid, "space"),
            ("a@b@example.com", FieldCode::Invalid, "two at signs"),
            (
                "\"quoted\"@example.com",
                FieldCode::Invalid,
                "quoted local part",
            ),
            ("ahmed@[127.0.0.1]", FieldCode::Invalid, "IP literal"),
            (
                "ahmed@1.2.3.4",
                FieldCode::Invalid,
                "numeric top-level label",
            ),
            (
                "ahmed@-bad.com",
                FieldCode::Invalid,
                "label starts with hyphen",
            ),
            (
                "ahmed@exa_mple.com",
                FieldCode::Invalid,
                "underscore in domain",
            ),
            ("ahmed@example..com", FieldCode::Invalid, "empty label"),
            (
                "ah\u{200B}med@example.com",
                FieldCode::InvalidCharacters,
                "invisible character",
            ),
            (
                long_local.as_str(),
                FieldCode::Invalid,
                "local part over 64",
            ),
        ];
        for (input, code, why) in cases {
            assert_eq!(Email::parse(input), Err(code), "{why}");
        }
    }
}

#[cfg(test)]
mod invisible_emails {
    use super::*;

    #[test]
    fn an_address_with_a_character_that_displays_as_nothing_is_refused() {
        for email in [
            "reader@mailinator\u{200B}.com",
            "reader@exa\u{200D}mple.com",
            "rea\u{200B}der@example.com",
            "reader@example.com\u{FEFF}",
            "reader@\u{202E}example.com",
            "reader@ex\u{00AD}ample.com",
        ] {
            assert_eq!(
                Email::parse(email),
                Err(FieldCode::InvalidCharacters),
                "{email:?}"
            );
        }
    }
}
