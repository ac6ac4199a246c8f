//! The release page made small: its JavaScript and CSS minified, its `index.html` without
//! comments and the white space between tags, and each changed file's `integrity` hash on its
//! tag put right. Done here rather than by trunk, whose JavaScript minifier cannot read
//! wasm-bindgen's glue (`export default`) or `import()` and warns on every build.

use base64::Engine;
use sha2::{Digest, Sha384};
use std::fs;
use std::path::Path;

type Result<T = ()> = std::result::Result<T, String>;

/// Minifies the `.js` and `.css` files of `dir` (a staged release build) and its `index.html`.
pub fn page(dir: &Path) -> Result {
    let index_path = dir.join("index.html");
    let mut index = fs::read_to_string(&index_path).map_err(|e| e.to_string())?;
    for entry in fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("js") | Some("css") => fs::read_to_string(&path).map_err(|e| e.to_string())?,
            _ => continue,
        };
        let small = if name.ends_with(".js") {
            minifier::js::minify(&text).to_string()
        } else {
            minifier::css::minify(&text)
                .map_err(|e| format!("{name}: {e}"))?
                .to_string()
        };
        fs::write(&path, &small).map_err(|e| e.to_string())?;
        index = with_integrity(&index, &name, small.as_bytes());
    }
    fs::write(&index_path, html(&index)).map_err(|e| e.to_string())
}

/// `index` with the `integrity` of each tag that names `file` (those that have one) set for
/// `bytes`.
fn with_integrity(index: &str, file: &str, bytes: &[u8]) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes));
    let named = format!("/{file}\"");
    let mut out = String::with_capacity(index.len());
    let mut rest = index;
    while let Some(at) = rest.find(&named) {
        let end = at + rest[at..].find('>').unwrap_or(rest.len() - at);
        let start = rest[..at].rfind('<').unwrap_or(0);
        let tag = &rest[start..end];
        let fixed = match tag.find("integrity=\"sha384-") {
            Some(attr) => {
                let value = attr + "integrity=\"sha384-".len();
                let close = value + tag[value..].find('"').unwrap_or(tag.len() - value);
                format!("{}{hash}{}", &tag[..value], &tag[close..])
            }
            None => tag.to_string(),
        };
        out.push_str(&rest[..start]);
        out.push_str(&fixed);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `html` without comments, and without the white space between two tags or at the start and
/// end of a line. Only for the page's own `index.html`, which has no `<pre>` or `<textarea>`.
fn html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    out.push_str(rest);
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut joined = String::with_capacity(out.len());
    for line in lines {
        // Between two tags nothing; elsewhere (a tag's attributes on lines of their own, text
        // run over lines) the one space HTML would make of the line break.
        let between_tags = joined.ends_with('>') && line.starts_with('<');
        if !(joined.is_empty() || between_tags) {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_follows_the_changed_file_on_its_own_tag_only() {
        let index = r#"<script id="files" data-js="./app-1.js"></script><link href="./app-1.js" integrity="sha384-old" rel="modulepreload"><script src="./start-2.js" integrity="sha384-keep" async></script>"#;
        let changed = with_integrity(index, "app-1.js", b"let a;");
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"let a;"));
        assert!(
            changed.contains(&format!("integrity=\"sha384-{expected}\" rel")),
            "{changed}"
        );
        assert!(changed.starts_with(r#"<script id="files" data-js="./app-1.js"></script>"#));
        assert!(changed.contains("sha384-keep"), "{changed}");
        assert_eq!(with_integrity(index, "other.js", b""), index);
    }

    #[test]
    fn comments_and_white_space_between_tags_go_attributes_and_text_stay() {
        let page = "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <!-- a comment\n spanning lines -->\n    <link\n      rel=\"x\"\n      href=\"y\"\n    />\n  </head>\n  <body>\n    <noscript>Needs\n      JavaScript.</noscript>\n  </body>\n</html>\n";
        assert_eq!(
            html(page),
            "<!doctype html><html lang=\"en\"><head><link rel=\"x\" href=\"y\" /></head><body><noscript>Needs JavaScript.</noscript></body></html>"
        );
    }
}
