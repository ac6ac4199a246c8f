//! `cargo xtask size`: the release page's bytes, raw, gzip and brotli, per kind of file and
//! against the budget; and the compression the release build writes beside each file.

use crate::tidy::{check_budget, read_budget, BUDGET_FILE};
use crate::tools::setup;
use crate::{root, Result};
use std::fs;
use std::io::Write;
use std::path::Path;

pub fn size() -> Result {
    let tools = setup(false)?;
    tools.release_build()?;
    let dist = root().join("dist");
    let sizes = measure(&dist)?;
    let budget = match check_budget(&sizes, &read_budget()?) {
        Ok(()) => format!("Within the budget in `{BUDGET_FILE}`."),
        Err(over) => over,
    };
    let doc = size_doc(
        &sizes,
        &locale_sizes(&dist)?,
        &when_used_sizes(&dist)?,
        &budget,
    );
    let path = root().join(SIZE_DOC);
    fs::write(&path, &doc).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{doc}");
    println!("\n(written to {SIZE_DOC})");
    Ok(())
}

/// The size figures' page in the docs, written afresh by `cargo xtask size`.
pub const SIZE_DOC: &str = "docs/size.md";
const SIZE_TEMPLATE: &str = include_str!("size/template.md");

/// `docs/size.md`: the template's words with the figures of this build put in.
pub fn size_doc(
    initial: &[(String, [usize; 3])],
    locales: &[(String, [usize; 3])],
    when_used: &[(String, [usize; 3])],
    budget: &str,
) -> String {
    let table = |rows| size_table(rows).trim_matches('\n').to_string();
    SIZE_TEMPLATE
        .replace("{{initial}}", &table(initial))
        .replace("{{locales}}", &table(locales))
        .replace("{{when_used}}", &table(when_used))
        .replace("{{budget}}", budget)
}

/// The kinds of file the initial download is made of. `locale` is one catalogue of
/// `locales/`, the largest: a page downloads its own language's only.
pub const KINDS: [&str; 6] = ["wasm", "js", "css", "html", "json", "locale"];

/// Raw, gzip (-9) and brotli (q 11) bytes of each kind of file in `dist`, as a page costs on
/// first load; the precompressed `.br` and `.gz` copies are not counted twice.
/// Files of `dist/` the page loads only when they are used (the password scorer's worker,
/// bulk creation's module, its Excel reader, the handover slips' module and styles), which
/// are no part of the initial download.
pub const LOADED_WHEN_USED: [&str; 5] = [
    "mobile-worker-scorer",
    "mobile-worker-bulk",
    "mobile-worker-xlsx",
    "mobile-worker-handover",
    "slips.css",
];

pub fn loaded_when_used(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let name = n.to_string_lossy();
        LOADED_WHEN_USED
            .iter()
            .any(|prefix| name.starts_with(prefix))
    })
}

/// Raw, gzip and brotli bytes of each file loaded only when used.
pub fn when_used_sizes(dist: &Path) -> Result<Vec<(String, [usize; 3])>> {
    file_sizes(dist, |path| {
        loaded_when_used(path) && path.extension().is_some_and(|e| e == "js" || e == "wasm")
    })
}

/// Raw, gzip and brotli bytes of each file of `dir` that `keep` accepts, by name (none for a
/// folder that is not there).
pub fn file_sizes(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<(String, [usize; 3])>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut sizes = Vec::new();
    for path in entries.flatten().map(|e| e.path()).filter(|p| keep(p)) {
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        sizes.push((name.into_owned(), compressed_sizes(&bytes)));
    }
    sizes.sort();
    Ok(sizes)
}

pub fn measure(dist: &Path) -> Result<Vec<(String, [usize; 3])>> {
    let mut totals = [[0usize; 3]; KINDS.len()];
    let entries = fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if loaded_when_used(&path) {
            continue;
        }
        let Some(i) = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(|e| KINDS.iter().position(|k| *k == e))
        else {
            continue;
        };
        let bytes = fs::read(&path).map_err(|e| e.to_string())?;
        let sizes = compressed_sizes(&bytes);
        for (total, size) in totals[i].iter_mut().zip(sizes) {
            *total += size;
        }
    }
    if let Some((_, largest)) = locale_sizes(dist)?
        .into_iter()
        .max_by_key(|(_, s)| (s[2], s[0]))
    {
        totals[KINDS.len() - 1] = largest;
    }
    let mut rows: Vec<(String, [usize; 3])> = KINDS
        .iter()
        .zip(totals)
        .map(|(k, t)| (k.to_string(), t))
        .collect();
    let mut sum = [0usize; 3];
    for (_, row) in &rows {
        for (s, v) in sum.iter_mut().zip(row) {
            *s += v;
        }
    }
    rows.push(("total".into(), sum));
    Ok(rows)
}

/// Raw, gzip and brotli bytes of each language's catalogue, `locales/<code>.json`.
pub fn locale_sizes(dist: &Path) -> Result<Vec<(String, [usize; 3])>> {
    file_sizes(&dist.join("locales"), |path| {
        path.extension().is_some_and(|e| e == "json")
    })
}

pub fn size_table(sizes: &[(String, [usize; 3])]) -> String {
    let w = sizes.iter().map(|(k, _)| k.len() + 1).fold(8, usize::max);
    let mut out = format!(
        "\n{:<w$}{:>12}{:>12}{:>12}\n",
        "file", "raw", "gzip", "brotli"
    );
    for (kind, row) in sizes {
        out += &format!("{kind:<w$}{:>12}{:>12}{:>12}\n", row[0], row[1], row[2]);
    }
    out
}

/// Raw, gzip and brotli bytes per kind, as a table.
#[cfg(test)]
pub fn size_report(dist: &Path) -> Result<String> {
    Ok(size_table(&measure(dist)?))
}

pub fn compressed_sizes(bytes: &[u8]) -> [usize; 3] {
    let [gzip, brotli] = compress(bytes);
    [bytes.len(), gzip.len(), brotli.len()]
}

pub fn compress_dir(dir: &Path) -> Result {
    compress_files(dir, false)
}

/// `catalogues`: `dir` is `locales/` or a folder in it, whose JSON files are the page's.
pub fn compress_files(dir: &Path, catalogues: bool) -> Result {
    for entry in fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let path = entry.path();
        let kind = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        // The catalogues are part of the page; config.json beside them is the operator's.
        if path.is_dir() && (catalogues || path.file_name().is_some_and(|n| n == "locales")) {
            compress_files(&path, true)?;
            continue;
        }
        if !(["wasm", "js", "css", "html"].contains(&kind) || (catalogues && kind == "json")) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| e.to_string())?;
        let [gzip, brotli] = compress(&bytes);
        fs::write(format!("{}.gz", path.display()), gzip).map_err(|e| e.to_string())?;
        fs::write(format!("{}.br", path.display()), brotli).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// gzip at its best level and brotli at quality 11.
pub fn compress(bytes: &[u8]) -> [Vec<u8>; 2] {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("gzip into memory");
    let gzip = gz.finish().expect("gzip into memory");
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("brotli into memory");
    [gzip, br]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::env;

    #[test]
    fn compressed_copies_are_written_beside_the_page_files_but_not_config() {
        let dir = env::temp_dir().join(format!("xtask-compress-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let text = "mobile worker ".repeat(100);
        fs::write(dir.join("app.wasm"), &text).unwrap();
        fs::write(dir.join("config.json"), "{}").unwrap();
        fs::create_dir_all(dir.join("locales")).unwrap();
        fs::write(dir.join("locales/fr.json"), &text).unwrap();
        fs::create_dir_all(dir.join("locales/bulk")).unwrap();
        fs::write(dir.join("locales/bulk/fr.json"), &text).unwrap();
        compress_dir(&dir).unwrap();
        assert!(dir.join("locales/fr.json.br").exists());
        assert!(dir.join("locales/bulk/fr.json.gz").exists());
        let br = fs::read(dir.join("app.wasm.br")).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
        assert!(dir.join("app.wasm.gz").exists());
        assert!(!dir.join("config.json.br").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn compression_shrinks_repetitive_text() {
        let text = "mobile worker ".repeat(1000);
        let [raw, gzip, brotli] = compressed_sizes(text.as_bytes());
        assert_eq!(raw, 14_000);
        assert!(gzip < raw / 20 && brotli < raw / 20, "{gzip} {brotli}");
    }

    #[test]
    fn the_size_page_holds_every_table_and_the_template_words() {
        let row = |name: &str, n| (name.to_string(), [n, n / 2, n / 3]);
        let doc = size_doc(
            &[row("wasm", 900), row("total", 900)],
            &[row("fr.json", 60)],
            &[row("mobile-worker-bulk_bg.wasm", 3000)],
            "Within the budget.",
        );
        assert!(!doc.contains("{{"), "a placeholder is left: {doc}");
        let line = |start: &str| doc.lines().find(|l| l.starts_with(start)).unwrap_or("");
        assert!(line("wasm").ends_with(" 300"), "{doc}");
        assert!(line("fr.json").ends_with(" 20"), "{doc}");
        assert!(
            line("mobile-worker-bulk_bg.wasm").ends_with(" 1000"),
            "{doc}"
        );
        assert!(doc.contains("\nWithin the budget.\n"), "{doc}");
    }

    #[test]
    fn the_size_page_in_docs_was_written_from_this_template() {
        let written = fs::read_to_string(root().join(SIZE_DOC)).unwrap();
        for line in SIZE_TEMPLATE.lines().filter(|l| !l.contains("{{")) {
            assert!(
                written.lines().any(|w| w == line),
                "{SIZE_DOC} lacks the template's line {line:?}: run `cargo xtask size`"
            );
        }
    }

    #[test]
    fn size_report_sums_each_kind_and_the_total() {
        let dir = env::temp_dir().join(format!("xtask-size-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.js"), "x".repeat(100)).unwrap();
        fs::write(dir.join("b.js"), "y".repeat(50)).unwrap();
        fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        fs::write(dir.join("notes.txt"), "ignored").unwrap();
        fs::create_dir_all(dir.join("locales")).unwrap();
        fs::write(dir.join("locales/en.json"), "z".repeat(20)).unwrap();
        fs::write(dir.join("locales/ar.json"), "z".repeat(30)).unwrap();
        let report = size_report(&dir).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let row = |name: &str| {
            report
                .lines()
                .find(|l| l.starts_with(name))
                .unwrap()
                .split_whitespace()
                .nth(1)
                .unwrap()
                .to_string()
        };
        assert_eq!(row("js"), "150");
        assert_eq!(row("html"), "9");
        // One catalogue is downloaded: the largest is counted.
        assert_eq!(row("locale"), "30");
        assert_eq!(row("total"), "189");
    }
}
