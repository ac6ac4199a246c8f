//! Rules the tree keeps, checked by the host tests: the size budget; the app's stages, each
//! importing only those before it (`docs/architecture.md`); no source file over 700 lines and
//! no function over 100.

use crate::size::KINDS;
use crate::{root, Result};
use std::fs;
#[cfg(test)]
use std::path::Path;

/// The initial download's budget, brotli bytes per kind and in all, kept in the repository.
pub const BUDGET_FILE: &str = "size-budget.txt";

/// `kind bytes` lines; `#` starts a comment.
pub fn parse_budget(text: &str) -> Result<Vec<(String, usize)>> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (kind, bytes) = l
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("{BUDGET_FILE}: \"{l}\" is not `kind bytes`"))?;
            let bytes = bytes
                .trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{BUDGET_FILE}: \"{l}\" is not `kind bytes`"))?;
            Ok((kind.to_string(), bytes))
        })
        .collect()
}

pub fn read_budget() -> Result<Vec<(String, usize)>> {
    let text =
        fs::read_to_string(root().join(BUDGET_FILE)).map_err(|e| format!("{BUDGET_FILE}: {e}"))?;
    parse_budget(&text)
}

/// `Err` when the brotli total is over the budget's, naming every kind that grew.
pub fn check_budget(sizes: &[(String, [usize; 3])], budget: &[(String, usize)]) -> Result {
    let brotli = |kind: &str| sizes.iter().find(|(k, _)| k == kind).map(|(_, s)| s[2]);
    let allowed = |kind: &str| budget.iter().find(|(k, _)| k == kind).map(|(_, b)| *b);
    let total = brotli("total").unwrap_or(0);
    let limit = allowed("total").ok_or(format!("{BUDGET_FILE} has no total"))?;
    if total <= limit {
        return Ok(());
    }
    let mut grew = String::new();
    for kind in KINDS {
        if let (Some(now), Some(was)) = (brotli(kind), allowed(kind)) {
            if now > was {
                grew += &format!(
                    "\n  {kind}: {now} bytes brotli, budget {was} (+{})",
                    now - was
                );
            }
        }
    }
    Err(format!(
        "the initial download is {total} bytes brotli, over the budget of {limit} in {BUDGET_FILE} by {}. What grew:{grew}\nCode only some users need belongs in a part loaded when it is used.",
        total - limit
    ))
}

/// The modules of `src/` (its top-level files; `components` as one) and, for each, the
/// modules it names as `crate::…`.
#[cfg(test)]
pub fn module_imports(src: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let mut modules = Vec::new();
    for entry in fs::read_dir(src).map_err(|e| e.to_string())?.flatten() {
        let path = entry.path();
        let (name, text) = if path.is_dir() {
            let mut text = String::new();
            for file in fs::read_dir(&path).map_err(|e| e.to_string())?.flatten() {
                text += &fs::read_to_string(file.path()).unwrap_or_default();
            }
            (entry.file_name().to_string_lossy().into_owned(), text)
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).map_err(|e| e.to_string())?)
        } else {
            continue;
        };
        if name == "lib" {
            continue;
        }
        let mut named: Vec<String> = text
            .split("crate::")
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .filter(|m: &String| !m.is_empty() && *m != name)
            .collect();
        // `use crate::{a, b::c}` names several at once.
        for group in text.split("crate::{").skip(1) {
            let inside = group.split('}').next().unwrap_or_default();
            named.extend(inside.split(',').filter_map(|part| {
                let m: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                (!m.is_empty() && m != name).then_some(m)
            }));
        }
        named.sort();
        named.dedup();
        modules.push((name, named));
    }
    modules.sort();
    Ok(modules)
}

/// A chain of imports that comes back to where it started, if there is one.
#[cfg(test)]
pub fn import_cycle(modules: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        modules: &[(String, Vec<String>)],
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == at) {
            let mut cycle = path[i..].to_vec();
            cycle.push(at.to_string());
            return Some(cycle);
        }
        if done.iter().any(|d| d == at) {
            return None;
        }
        path.push(at.to_string());
        let next = modules
            .iter()
            .find(|(m, _)| m == at)
            .map(|(_, n)| n.clone());
        for n in next.unwrap_or_default() {
            if let Some(cycle) = visit(&n, modules, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.push(at.to_string());
        None
    }
    let mut done = Vec::new();
    modules
        .iter()
        .find_map(|(m, _)| visit(m, modules, &mut Vec::new(), &mut done))
}

/// The app's stages along the data's path (`docs/architecture.md`): each module of `src/`
/// may import only the ones before it.
#[cfg(test)]
pub const STAGES: [&str; 10] = [
    "json",
    "page_file",
    "i18n",
    "config",
    "worker",
    "hq",
    "portal",
    "form",
    "components",
    "start",
];

/// Every `.rs` file under `dir`, but build output.
#[cfg(test)]
pub fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() && !name.starts_with('.') && name != "target" && name != "node_modules" {
            files.extend(rust_files(&path));
        } else if name.ends_with(".rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Each function of `text` over `max` lines: its name, first line and length (rustfmt's
/// layout: a body ends at the closing brace at the function's own indentation).
#[cfg(test)]
pub fn long_functions(text: &str, max: usize) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let after = [
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "fn ",
            "async fn ",
            "pub async fn ",
        ]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p));
        let Some(after) = after else { continue };
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = (i..lines.len())
            .find(|&j| lines[j].contains('{') || lines[j].trim_end().ends_with(';'))
        else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') || lines[open].trim_end().ends_with('}') {
            continue;
        }
        let close = (open + 1..lines.len()).find(|&j| {
            lines[j].starts_with(indent)
                && matches!(lines[j][indent.len()..].trim_end(), "}" | "};" | "},")
        });
        if let Some(close) = close {
            if close - i + 1 > max {
                long.push((name, i + 1, close - i + 1));
            }
        }
    }
    long
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_module_of_the_app_imports_in_a_circle() {
        let modules = module_imports(&root().join("src")).unwrap();
        assert!(modules.len() > 5, "{modules:?}");
        if let Some(cycle) = import_cycle(&modules) {
            panic!("src/ imports in a circle: {}", cycle.join(" → "));
        }
    }

    #[test]
    fn the_budget_names_what_grew() {
        let sizes = vec![
            ("wasm".to_string(), [0, 0, 120]),
            ("js".to_string(), [0, 0, 10]),
            ("total".to_string(), [0, 0, 130]),
        ];
        let budget = parse_budget("# brotli\nwasm 100\njs 12\ntotal 125 # all\n").unwrap();
        let err = check_budget(&sizes, &budget).unwrap_err();
        assert!(
            err.contains("130 bytes brotli, over the budget of 125"),
            "{err}"
        );
        assert!(
            err.contains("wasm: 120 bytes brotli, budget 100 (+20)"),
            "{err}"
        );
        assert!(!err.contains("js:"), "{err}");
        let roomy = parse_budget("total 1_000").unwrap();
        assert_eq!(check_budget(&sizes, &roomy), Ok(()));
        assert!(parse_budget("total lots").is_err());
    }

    #[test]
    fn the_shipped_budget_reads() {
        let budget = read_budget().unwrap();
        assert!(budget.iter().any(|(k, _)| k == "total"), "{budget:?}");
    }

    #[test]
    fn an_import_circle_is_found() {
        let modules = vec![
            ("a".to_string(), vec!["b".to_string()]),
            ("b".to_string(), vec!["c".to_string()]),
            ("c".to_string(), vec!["a".to_string()]),
        ];
        assert_eq!(import_cycle(&modules).unwrap(), ["a", "b", "c", "a"]);
        assert_eq!(import_cycle(&modules[..2]), None);
    }

    #[test]
    fn each_stage_imports_only_the_stages_before_it() {
        let modules = module_imports(&root().join("src")).unwrap();
        for (module, imports) in &modules {
            let at = STAGES.iter().position(|s| s == module).unwrap_or_else(|| {
                panic!("src/{module} is no stage of STAGES: put it in its place")
            });
            for import in imports {
                let before = STAGES[..at].contains(&import.as_str());
                assert!(
                    before,
                    "src/{module} imports {import}, which comes after it"
                );
            }
        }
    }

    #[test]
    fn no_source_file_outside_tests_is_over_700_lines() {
        for folder in [
            "src",
            "bulk/src",
            "scorer/src",
            "first-view/src",
            "xtask/src",
        ] {
            for file in rust_files(&root().join(folder)) {
                if file.file_name().is_some_and(|n| n == "tests.rs") {
                    continue;
                }
                let lines = fs::read_to_string(&file).unwrap().lines().count();
                assert!(lines <= 700, "{}: {lines} lines", file.display());
            }
        }
    }

    #[test]
    fn no_function_is_over_100_lines() {
        let mut long = Vec::new();
        for file in rust_files(&root()) {
            let text = fs::read_to_string(&file).unwrap();
            for (name, line, length) in long_functions(&text, 100) {
                long.push(format!("{}:{line} {name}: {length} lines", file.display()));
            }
        }
        assert!(long.is_empty(), "{}", long.join("\n"));
    }

    #[test]
    fn a_long_function_is_found() {
        let body = "    x();\n".repeat(5);
        let text =
            format!("fn short() {{\n    x();\n}}\n\npub fn long(\n    a: u8,\n) {{\n{body}}}\n");
        assert_eq!(long_functions(&text, 5), [("long".to_string(), 5, 9)]);
        assert!(long_functions(&text, 9).is_empty());
    }
}
