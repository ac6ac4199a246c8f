//! wasm-bindgen names each closure shim it exports after its full Rust type (a couple of
//! hundred characters), and the glue calls it by that name, so both files carry every such
//! name. The release build gives each export longer than [`LONG`] a short name, in the wasm's
//! export section and in its glue alike: about 300 bytes less of the first download.

use std::fs;
use std::path::Path;

type Result<T = ()> = std::result::Result<T, String>;

/// Exports with names longer than this are renamed; wasm-bindgen's own (`__wbindgen_malloc`)
/// and the app's (`start`) are shorter and stay as they are.
const LONG: usize = 40;

/// Shortens the long export names of every `*_bg.wasm` in `dir` and of its glue.
pub fn shorten_dir(dir: &Path) -> Result {
    each_module(dir, |wasm, glue| shorten(wasm, glue).map(Some)).map(|_| ())
}

/// Runs `change` on every `*_bg.wasm` of `dir` with its glue (the `.js` of the same name
/// without `_bg`), and writes back what it returns (`None`: left as it is). The paths of the
/// modules changed.
pub(crate) fn each_module(
    dir: &Path,
    mut change: impl FnMut(&[u8], &str) -> Result<Option<(Vec<u8>, String)>>,
) -> Result<Vec<std::path::PathBuf>> {
    let mut changed = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix("_bg.wasm") else {
            continue;
        };
        let glue_path = dir.join(format!("{stem}.js"));
        let Ok(glue) = fs::read_to_string(&glue_path) else {
            continue;
        };
        let wasm = fs::read(entry.path()).map_err(|e| e.to_string())?;
        let Some((wasm, glue)) = change(&wasm, &glue).map_err(|e| format!("{name}: {e}"))? else {
            continue;
        };
        fs::write(entry.path(), wasm).map_err(|e| e.to_string())?;
        fs::write(&glue_path, glue).map_err(|e| e.to_string())?;
        changed.push(entry.path());
    }
    Ok(changed)
}

/// `wasm` with its export section's body replaced by what `exports` makes of it.
pub(crate) fn map_exports(
    wasm: &[u8],
    mut exports: impl FnMut(&[u8]) -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a wasm module".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = read_leb(wasm, &mut at)? as usize;
        let body = wasm.get(at..at + size).ok_or("truncated section")?;
        at += size;
        let body = if id == 7 {
            exports(body)?
        } else {
            body.to_vec()
        };
        out.push(id);
        write_leb(
            u32::try_from(body.len()).map_err(|e| e.to_string())?,
            &mut out,
        );
        out.extend(body);
    }
    Ok(out)
}

pub(crate) fn read_leb(bytes: &[u8], at: &mut usize) -> Result<u32> {
    let (mut value, mut shift) = (0u32, 0);
    loop {
        let byte = *bytes.get(*at).ok_or("truncated")?;
        *at += 1;
        value |= u32::from(byte & 0x7f)
            .checked_shl(shift)
            .ok_or("bad number")?;
        if byte < 0x80 {
            return Ok(value);
        }
        shift += 7;
    }
}

pub(crate) fn write_leb(mut value: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// `wasm` and `glue` with each long export the glue names renamed `__x0`, `__x1`, ….
pub fn shorten(wasm: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    let mut renamed: Vec<(String, String)> = Vec::new();
    let out = map_exports(wasm, |body| exports(body, glue, &mut renamed))?;
    // Longest first: one name may begin another (`…_true_`, `…_true__1_`).
    renamed.sort_by_key(|(long, _)| std::cmp::Reverse(long.len()));
    let mut glue = glue.to_string();
    for (long, short) in &renamed {
        glue = glue.replace(long.as_str(), short);
    }
    Ok((out, glue))
}

/// The export section `body`, its long names that `glue` uses renamed (noted in `renamed`).
fn exports(body: &[u8], glue: &str, renamed: &mut Vec<(String, String)>) -> Result<Vec<u8>> {
    let mut at = 0;
    let count = read_leb(body, &mut at)?;
    let mut names = Vec::new();
    let mut entries = Vec::new();
    for _ in 0..count {
        let len = read_leb(body, &mut at)? as usize;
        let name = body.get(at..at + len).ok_or("truncated name")?;
        let name = String::from_utf8(name.to_vec()).map_err(|e| e.to_string())?;
        at += len;
        let start = at;
        at += 1;
        read_leb(body, &mut at)?;
        names.push(name.clone());
        entries.push((name, body[start..at].to_vec()));
    }
    let mut out = Vec::new();
    write_leb(count, &mut out);
    for (name, rest) in entries {
        let mut name = name;
        if name.len() > LONG && glue.contains(&name) {
            let short = (0..)
                .map(|n| format!("__x{n}"))
                .find(|s| !names.contains(s) && !glue.contains(s.as_str()))
                .ok_or("no short name")?;
            names.push(short.clone());
            renamed.push((name, short.clone()));
            name = short;
        }
        write_leb(name.len() as u32, &mut out);
        out.extend(name.as_bytes());
        out.extend(rest);
    }
    Ok(out)
}

/// A module of only an export section: each name exports the function of its index.
#[cfg(test)]
pub(crate) fn export_section_module(entries: &[(&str, u32)]) -> Vec<u8> {
    let mut section = Vec::new();
    write_leb(entries.len() as u32, &mut section);
    for (name, index) in entries {
        write_leb(name.len() as u32, &mut section);
        section.extend(name.as_bytes());
        section.push(0);
        write_leb(*index, &mut section);
    }
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.push(7);
    write_leb(section.len() as u32, &mut wasm);
    wasm.extend(section);
    wasm
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module of only an export section naming `names` (functions 0, 1, …).
    fn module(names: &[&str]) -> Vec<u8> {
        let entries: Vec<(&str, u32)> = names.iter().zip(0..).map(|(n, i)| (*n, i)).collect();
        export_section_module(&entries)
    }

    #[test]
    fn long_export_names_are_shortened_alike_in_the_module_and_its_glue() {
        let long = format!("closure_{}_true_", "x".repeat(60));
        let longer = format!("{long}_1_");
        let glue = format!("wasm.{long}(a); wasm.{longer}(b); wasm.start(); wasm.__x0_kept;");
        let names = ["start", long.as_str(), longer.as_str()];
        let (wasm, glue) = shorten(&module(&names), &glue).unwrap();
        assert_eq!(wasm, module(&["start", "__x1", "__x2"]));
        assert_eq!(
            glue,
            "wasm.__x1(a); wasm.__x2(b); wasm.start(); wasm.__x0_kept;"
        );
        // A long export the glue never names is left alone.
        let (wasm, _) = shorten(&module(&names), "wasm.start()").unwrap();
        assert_eq!(wasm, module(&names));
        assert!(shorten(b"not wasm", "").is_err());
    }
}
