//! Leptos links `server_fn` with its browser side whatever the app uses, and with it
//! `wasm-streams`, whose three stream classes wasm-bindgen exports to JavaScript. An export is
//! never dead code to the compiler, so each module carries the classes (about 14 KB of wasm and
//! 1 KB of glue) though the page has no server functions and never builds a stream. The
//! release build drops those exports from the module and the classes from its glue, then lets
//! wasm-opt remove what nothing reaches any more: about 1.7 KB brotli less of the first
//! download, and as much of bulk creation's module.

use crate::exports::{each_module, map_exports, read_leb, write_leb};
use std::path::Path;
use std::process::Command;

type Result<T = ()> = std::result::Result<T, String>;

/// wasm-streams' classes, as wasm-bindgen names them in the glue.
const CLASSES: [&str; 3] = [
    "IntoUnderlyingByteSource",
    "IntoUnderlyingSink",
    "IntoUnderlyingSource",
];

/// What the modules use, named, as wasm-opt must be told: with `--all-features` it writes
/// encodings browsers cannot read yet.
const FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-sign-ext",
    "--enable-mutable-globals",
];

/// Drops the classes from every `*_bg.wasm` of `dir` whose glue has them all.
pub fn drop_dir(dir: &Path) -> Result {
    let changed = each_module(dir, |wasm, glue| {
        let Some(glue) = without_classes(glue) else {
            return Ok(None);
        };
        Ok(Some((map_exports(wasm, kept_exports)?, glue)))
    })?;
    for wasm in changed {
        crate::run(
            Command::new("wasm-opt")
                .args(FEATURES)
                .arg("--remove-unused-module-elements")
                .arg(&wasm)
                .arg("-o")
                .arg(&wasm),
        )?;
    }
    Ok(())
}

/// Whether an export belongs to one of the classes (`intounderlyingsink_write`,
/// `__wbg_intounderlyingsink_free`).
fn is_class_export(name: &str) -> bool {
    CLASSES
        .iter()
        .any(|class| name.contains(&class.to_ascii_lowercase()))
}

/// `glue` without the classes and their finalization registries; `None` if it does not hold
/// them as wasm-bindgen writes them, or still names them elsewhere.
fn without_classes(glue: &str) -> Option<String> {
    let mut glue = glue.to_string();
    for class in CLASSES {
        let start = glue.find(&format!("export class {class} {{"))?;
        let last = format!(
            "if (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n"
        );
        let end = start + glue[start..].find(&last)? + last.len();
        glue.replace_range(start..end, "");
        let registry =
            format!("const {class}Finalization = (typeof FinalizationRegistry === 'undefined')\n");
        let start = glue.find(&registry)?;
        let end = start + glue[start..].find(");\n")? + 3;
        glue.replace_range(start..end, "");
    }
    let lower = glue.to_ascii_lowercase();
    let named = CLASSES
        .iter()
        .any(|class| lower.contains(&class.to_ascii_lowercase()));
    (!named).then_some(glue)
}

fn kept_exports(body: &[u8]) -> Result<Vec<u8>> {
    let mut at = 0;
    let count = read_leb(body, &mut at)?;
    let mut kept = Vec::new();
    let mut entries = Vec::new();
    for _ in 0..count {
        let start = at;
        let len = read_leb(body, &mut at)? as usize;
        let name = body.get(at..at + len).ok_or("truncated name")?;
        let name = String::from_utf8_lossy(name).into_owned();
        at += len + 1;
        read_leb(body, &mut at)?;
        if !is_class_export(&name) {
            kept.push(());
            entries.extend_from_slice(&body[start..at]);
        }
    }
    let mut out = Vec::new();
    write_leb(kept.len() as u32, &mut out);
    out.extend(entries);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::export_section_module;

    const GLUE: &str = "import { a } from './a.js';\n\nexport class IntoUnderlyingByteSource {\n    free() {}\n}\nif (Symbol.dispose) IntoUnderlyingByteSource.prototype[Symbol.dispose] = IntoUnderlyingByteSource.prototype.free;\n\nexport class IntoUnderlyingSink {\n}\nif (Symbol.dispose) IntoUnderlyingSink.prototype[Symbol.dispose] = IntoUnderlyingSink.prototype.free;\n\nexport class IntoUnderlyingSource {\n}\nif (Symbol.dispose) IntoUnderlyingSource.prototype[Symbol.dispose] = IntoUnderlyingSource.prototype.free;\n\nexport function start() { wasm.start(); }\nconst IntoUnderlyingByteSourceFinalization = (typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingbytesource_free(ptr, 1));\nconst IntoUnderlyingSinkFinalization = (typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingsink_free(ptr, 1));\nconst IntoUnderlyingSourceFinalization = (typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingsource_free(ptr, 1));\nlet wasm;\n";

    #[test]
    fn the_classes_leave_the_glue_and_nothing_else_does() {
        let glue = without_classes(GLUE).unwrap();
        assert_eq!(
            glue,
            "import { a } from './a.js';\n\n\n\n\nexport function start() { wasm.start(); }\nlet wasm;\n"
        );
        // A glue that uses a class elsewhere, or lacks one, is left alone.
        let used = format!("{GLUE}new IntoUnderlyingSink();\n");
        assert_eq!(without_classes(&used), None);
        assert_eq!(without_classes("export function start() {}"), None);
    }

    #[test]
    fn the_classes_exports_leave_the_module() {
        let all = export_section_module(&[
            ("start", 200),
            ("intounderlyingsink_write", 201),
            ("__wbg_intounderlyingsource_free", 202),
            ("memory", 203),
        ]);
        let kept = map_exports(&all, kept_exports).unwrap();
        // The same entries, function indices as they were.
        let expected = export_section_module(&[("start", 200), ("memory", 203)]);
        assert_eq!(kept, expected);
    }
}
