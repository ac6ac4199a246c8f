//! Rules the tree keeps, checked by the host tests: the size budget, and no import cycles
//! among the app's modules.

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
}
