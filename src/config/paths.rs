//! Files named by the configuration.

use std::path::PathBuf;

/// The file behind a `sqlite://` URL, or None for an in-memory database.
pub fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" || path.starts_with(":memory:") {
        return None;
    }
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://raqib.db"),
            Some(PathBuf::from("raqib.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/raqib/raqib.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/raqib/raqib.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
