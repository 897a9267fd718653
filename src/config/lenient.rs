//! Deserializers that accept a value the way an operator writes it in the environment:
//! a comma list for a list, an empty string for "unset". Each config section uses them,
//! so they live apart from [`super`]'s `Config` (no section depends on the whole).

use serde::{Deserialize, Deserializer};

/// A list, or one comma-separated string (as environment variables give it).
pub fn lenient_list<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Form {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Form::deserialize(de)? {
        Form::List(items) => items,
        Form::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Accepts a string, or a number or boolean written where a string was meant
/// (`RAQIB_SECRET_KEY=1234…` arrives from the environment as a number).
pub fn lenient_string<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Lenient {
        S(String),
        U(u128),
        I(i128),
        F(f64),
        B(bool),
    }
    Ok(match Lenient::deserialize(de)? {
        Lenient::S(s) => s,
        Lenient::U(n) => n.to_string(),
        Lenient::I(n) => n.to_string(),
        Lenient::F(n) => n.to_string(),
        Lenient::B(b) => b.to_string(),
    })
}

pub fn lenient_option_string<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "lenient_string")] String);
    let value: Option<Wrap> = Option::deserialize(de)?;
    Ok(value.map(|w| w.0).filter(|s| !s.is_empty()))
}
