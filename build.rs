//! Embeds the shipped word lists (`wordlists/`) and the pages' scripts and stylesheets
//! (`assets/`) into the binary, so `raqib` started outside the repository still has them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // `sqlx::migrate!` embeds `migrations/`; a build script that names what it watches
    // must name that too, or an edited migration would not be built in.
    println!("cargo:rerun-if-changed=migrations");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    embed_wordlists(&root);
    embed_assets(&root);
}

/// Every `.js` and `.css` file under `assets/`, served at its path relative to `assets/`.
fn embed_assets(root: &Path) {
    let dir = root.join("assets");
    println!("cargo:rerun-if-changed=assets");
    let mut files = Vec::new();
    collect(&dir, &["js", "css"], &mut files);
    files.sort();
    let mut out = String::from(
        "/// The pages' scripts and stylesheets: (URL path, contents).\npub static EMBEDDED_ASSETS: &[(&str, &str)] = &[\n",
    );
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("out dir"));
    for mut file in files {
        let relative = file
            .strip_prefix(&dir)
            .expect("inside assets")
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "frame.css" {
            file = frame_css(&dir, &out_dir);
        }
        let _ = writeln!(
            out,
            "    (\"/{relative}\", include_str!({:?})),",
            file.display().to_string()
        );
    }
    out.push_str("];\n");
    let target = out_dir.join("embedded_assets.rs");
    std::fs::write(target, out).expect("write embedded assets");
}

/// The frame's stylesheet: the widget's (the CSS string of `widget/style.js`), then the
/// frame page's own rules (`frame.css`), written to `OUT_DIR`.
fn frame_css(assets: &Path, out_dir: &Path) -> PathBuf {
    let script = std::fs::read_to_string(assets.join("widget/style.js")).expect("widget style");
    let start = script
        .find("const CSS = `")
        .expect("the widget's CSS string")
        + 13;
    let end = start
        + script[start..]
            .find('`')
            .expect("the end of the CSS string");
    let own = std::fs::read_to_string(assets.join("frame.css")).expect("frame.css");
    let target = out_dir.join("frame.css");
    std::fs::write(&target, format!("{}\n{own}", &script[start..end])).expect("write frame.css");
    target
}

fn embed_wordlists(root: &Path) {
    let dir = root.join("wordlists");
    println!("cargo:rerun-if-changed=wordlists");
    let mut files = Vec::new();
    collect(&dir, &["txt", "toml"], &mut files);
    files.sort();
    let mut out = String::from(
        "/// The shipped word lists: (path relative to `wordlists/`, contents).\npub static EMBEDDED_WORDLISTS: &[(&str, &str)] = &[\n",
    );
    for file in files {
        let relative = file
            .strip_prefix(&dir)
            .expect("inside wordlists")
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            out,
            "    ({relative:?}, include_str!({:?})),",
            file.display().to_string()
        );
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("embedded_wordlists.rs");
    std::fs::write(target, out).expect("write embedded word lists");
}

fn collect(dir: &Path, extensions: &[&str], files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, extensions, files);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e))
        {
            files.push(path);
        }
    }
}
