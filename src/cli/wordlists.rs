//! `raqib wordlists`: check the word lists as the service would load them, and train the
//! learned abuse model from labelled JSON Lines.

use std::path::PathBuf;

use crate::config::Config;

/// `raqib wordlists train-model`.
pub fn train_model(
    inputs: &[PathBuf],
    half: Option<u8>,
    ham_rate: f32,
    calibrate: &[PathBuf],
    out: &std::path::Path,
) -> Result<(), String> {
    use super::score::{Half, labelled_texts};
    use crate::filter::learned::{Labelled, Training, train};
    let half = match half {
        Some(1) => Half::First,
        Some(_) => Half::Second,
        None => Half::All,
    };
    let mut texts = Vec::new();
    for path in inputs {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let read = labelled_texts(std::io::BufReader::new(file), half)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let calibrates = calibrate.is_empty() || calibrate.contains(path);
        println!(
            "{}: {} labelled lines{}",
            path.display(),
            read.len(),
            if calibrates {
                " (sets the cut-off)"
            } else {
                ""
            }
        );
        texts.extend(read.into_iter().map(|(text, abusive)| Labelled {
            text,
            abusive,
            calibrates,
        }));
    }
    if !(0.0..1.0).contains(&ham_rate) {
        return Err("--ham-rate must be at least 0 and below 1".into());
    }
    let training = Training {
        ham_rate,
        ..Training::default()
    };
    let (model, calibration) =
        train(&texts, training).ok_or("training needs both abuse and ham lines")?;
    println!(
        "trained on {} of the {} texts (the rest have too few Arabic letters); cut-off {:.3}: in {}-fold cross-validation it flags {:.1}% of the offensive and {:.1}% of the civil texts of the calibrating files",
        calibration.texts,
        texts.len(),
        calibration.threshold,
        training.folds,
        calibration.abuse_flagged * 100.0,
        calibration.ham_flagged * 100.0
    );
    std::fs::write(out, model.to_bytes()).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote {} (rebuild raqib to ship it)", out.display());
    Ok(())
}

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
    match crate::filter::learned::AbuseModel::shipped() {
        Some(model) => println!(
            "  learned abuse model: built in, cut-off {:.3}, weight {}",
            model.threshold, config.filter.signals.abuse_model
        ),
        None => {
            println!("  learned abuse model: none (wordlists/abuse_model.bin is empty or invalid)")
        }
    }
    let started = std::time::Instant::now();
    let filter = Filter::compile(&loaded, config.filter.clone())?;
    println!(
        "compiled {} entries in {:.0} ms: ok",
        filter.term_count(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
