//! `raqib wordlists check`: the word lists as the service would load them.

use crate::config::Config;

/// `raqib wordlists check`.
pub fn check(config: &Config) -> Result<(), String> {
    use crate::filter::{Filter, Source, lists};
    let source = Source::dir_or_embedded(std::path::Path::new(&config.wordlists));
    println!("word lists: {}", source.describe());
    let loaded = lists::load(&source).map_err(|errors| {
        for error in &errors {
            eprintln!("{error}");
        }
        format!("{} error(s) in the word lists", errors.len())
    })?;
    for warning in &loaded.warnings {
        println!("warning: {warning}");
    }
    for list in &loaded.lists {
        let n = loaded.terms.iter().filter(|t| t.list == list.name).count();
        println!(
            "  {:<20} {:<17} {:>5} entries  {}",
            list.name,
            list.category.as_str(),
            n,
            list.file
        );
    }
    println!(
        "  blocked domains: {}, allowed domains: {}, disposable e-mail domains: {}, rules: {}",
        loaded.blocked_domains.len(),
        loaded.allowed_domains.len(),
        loaded.disposable_domains.len(),
        loaded.rules.len()
    );
    let models = crate::filter::models::Models::shipped();
    for (name, model, tuning) in [
        ("abuse", &models.abuse, &config.filter.models.abuse),
        ("spam", &models.spam, &config.filter.models.spam),
    ] {
        match model {
            Some(_) => println!(
                "  learned {name} model: built in, counts from p ≥ {:.2} ({} points{})",
                tuning.threshold,
                tuning.points,
                if tuning.certain < 1.0 {
                    format!(", decides alone from p ≥ {:.2}", tuning.certain)
                } else {
                    String::new()
                }
            ),
            None => println!(
                "  learned {name} model: none (wordlists/models/{name}.bin is empty or invalid)"
            ),
        }
    }
    let started = std::time::Instant::now();
    let filter = Filter::compile(&loaded, config.filter.clone())?;
    println!(
        "compiled {} entries in {:.0} ms: ok",
        filter.term_count(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let civil = source.civil_words();
    let inside = filter.inside_civil_words(&civil, 5);
    println!(
        "  {} frequent civil words checked; {} entries fire inside one seen 5 times or more{}",
        civil.len(),
        inside.len(),
        if inside.is_empty() {
            ""
        } else {
            " (mark them exact with a trailing `=`):"
        }
    );
    for found in &inside {
        println!(
            "    warning: {} fires inside «{}» ({} times in civil texts)",
            found.rule, found.word, found.count
        );
    }
    Ok(())
}
