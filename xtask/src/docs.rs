//! The README and `docs/` kept whole: every link between them leads to a file that exists and,
//! when it names a heading, to a heading that exists; and `docs/architecture.md` names every
//! stage of `src/` and only paths that exist.

use crate::root;
use std::fs;
use std::path::{Path, PathBuf};

/// The README and every page of `docs/`.
pub fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    if let Ok(entries) = fs::read_dir(root().join("docs")) {
        pages.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md")),
        );
    }
    pages.sort();
    pages
}

/// The targets of the Markdown links and images of `text`, outside code blocks and spans.
pub fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join("");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    found
}

/// A heading's anchor as GitHub writes it: lower case, punctuation dropped, spaces as `-`.
pub fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of every heading of `text`, outside code blocks.
pub fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            found.push(anchor(line.trim_start_matches('#')));
        }
    }
    found
}

/// Each link of the page at `page` that leads nowhere, with why.
pub fn broken_links(page: &Path, text: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for link in links(text) {
        if link.contains("://") || link.starts_with("mailto:") {
            continue;
        }
        let (file, heading) = link.split_once('#').unwrap_or((&link, ""));
        let target = if file.is_empty() {
            page.to_path_buf()
        } else {
            page.parent().unwrap_or(Path::new(".")).join(file)
        };
        let Ok(target_text) = fs::read(&target) else {
            broken.push(format!("{link}: no file {}", target.display()));
            continue;
        };
        let is_page = target.extension().is_some_and(|e| e == "md");
        let text = String::from_utf8_lossy(&target_text);
        if !heading.is_empty() && is_page && !anchors(&text).iter().any(|a| a == heading) {
            broken.push(format!("{link}: no heading #{heading} there"));
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tidy::STAGES;

    #[test]
    fn every_link_between_the_readme_and_docs_leads_somewhere() {
        let pages = pages();
        assert!(pages.len() > 5, "docs/ is missing: {pages:?}");
        let mut broken = Vec::new();
        for page in &pages {
            let text = fs::read_to_string(page).unwrap();
            for why in broken_links(page, &text) {
                broken.push(format!("{}: {why}", page.display()));
            }
        }
        assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    }

    #[test]
    fn a_broken_link_is_found() {
        let page = root().join("README.md");
        let text = "[a](docs/nowhere.md) [b](docs/rules.md#no-such-heading) `[c](x.md)`\n\
                    ```\n[d](y.md)\n```\n[e](https://example.org) [f](docs/rules.md)";
        let broken = broken_links(&page, text);
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert!(broken[0].starts_with("docs/nowhere.md: no file"));
        assert!(broken[1].contains("no heading #no-such-heading"));
    }

    #[test]
    fn anchors_are_written_as_github_writes_them() {
        assert_eq!(
            anchor(" Project policies: `\"project\"`"),
            "project-policies-project"
        );
        assert_eq!(anchor("The two commands"), "the-two-commands");
    }

    #[test]
    fn the_architecture_page_matches_the_tree() {
        let text = fs::read_to_string(root().join("docs/architecture.md")).unwrap();
        for stage in STAGES {
            let dir = root().join("src").join(stage);
            let named = if dir.is_dir() {
                format!("`src/{stage}/`")
            } else {
                format!("`src/{stage}.rs`")
            };
            assert!(
                text.contains(&named),
                "docs/architecture.md does not name {named}"
            );
        }
        // Every path it names in code spans exists.
        for span in text.split('`').skip(1).step_by(2) {
            let is_path = [
                "src/",
                "bulk/",
                "scorer/",
                "tests/",
                "xtask/",
                "first-view/",
            ]
            .iter()
            .any(|p| span.starts_with(p))
                && !span.contains(' ');
            if is_path {
                assert!(
                    root().join(span).exists(),
                    "docs/architecture.md names {span}, which is not in the tree"
                );
            }
        }
    }
}
