//! Every language speaks every message: the same keys as English, the same placeholders, and
//! the plural forms its own CLDR rules need. Every key the code uses is in the catalogue, and
//! every key in the catalogue is used. Bulk creation's texts are a catalogue of their own
//! (`locales/bulk/`), downloaded with its module: the page's code uses none of them; so are
//! the handover slips' (`locales/slips/`).
#![cfg(not(target_arch = "wasm32"))]

use mobile_worker_form::i18n::{
    bundled, bundled_from, placeholders, plural_category, Catalogue, Lang,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const PLURAL_SUFFIXES: [&str; 6] = ["_zero", "_one", "_two", "_few", "_many", "_other"];

/// A key without its plural suffix.
fn base(key: &str) -> &str {
    PLURAL_SUFFIXES
        .iter()
        .find_map(|s| key.strip_suffix(s))
        .unwrap_or(key)
}

/// Each message's keys, by base key.
fn messages(catalogue: &Catalogue) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for key in catalogue.keys() {
        out.entry(base(key).to_string())
            .or_default()
            .insert(key.to_string());
    }
    out
}

/// The plural categories `lang` uses for whole numbers.
fn categories(lang: Lang) -> BTreeSet<String> {
    (0..=1000)
        .chain([1_000_000, 2_000_000])
        .map(|n| plural_category(lang, n))
        .collect()
}

/// Every `"a.b_c"` in the Rust and JavaScript files under `dir`.
fn source_literals(dir: &str) -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "js") {
                // Every `"a.b_c"` in the file, wherever a quote starts one.
                let text = std::fs::read_to_string(&path).unwrap();
                let key_char =
                    |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c);
                for (i, _) in text.match_indices('"') {
                    let rest = &text[i + 1..];
                    let end = rest.find(|c: char| !key_char(c)).unwrap_or(rest.len());
                    let literal = &rest[..end];
                    if rest[end..].starts_with('"') && literal.contains('.') {
                        out.insert(literal.to_string());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut out);
    out
}

/// The page's catalogues, then bulk creation's, then the handover slips'.
const FOLDERS: [&str; 3] = ["locales", "locales/bulk", "locales/slips"];

#[test]
fn every_language_has_every_message_with_the_same_placeholders() {
    for folder in FOLDERS {
        every_language_has_every_message_in(folder);
    }
}

fn every_language_has_every_message_in(folder: &str) {
    let english = bundled_from(folder, Lang::En);
    let english_messages = messages(&english);
    for lang in Lang::ALL {
        let catalogue = bundled_from(folder, lang);
        let theirs = messages(&catalogue);
        let missing: Vec<_> = english_messages
            .keys()
            .filter(|k| !theirs.contains_key(*k))
            .collect();
        assert!(missing.is_empty(), "{}: missing {missing:?}", lang.code());
        let extra: Vec<_> = theirs
            .keys()
            .filter(|k| !english_messages.contains_key(*k))
            .collect();
        assert!(
            extra.is_empty(),
            "{}: not in English {extra:?}",
            lang.code()
        );
        let needed = categories(lang);
        for (message, english_keys) in &english_messages {
            // A plural message's placeholders are those of its `other` form.
            let reference = english_keys
                .iter()
                .find(|k| k.ends_with("_other"))
                .unwrap_or_else(|| english_keys.iter().next().unwrap());
            let expected = english.template(reference).map(placeholders).unwrap();
            let keys = &theirs[message];
            let plural = english_keys.iter().any(|k| k != message);
            if plural {
                for category in &needed {
                    assert!(
                        keys.contains(&format!("{message}_{category}")),
                        "{}: {message} lacks its “{category}” form",
                        lang.code()
                    );
                }
                if english_keys.contains(&format!("{message}_zero")) {
                    assert!(
                        keys.contains(&format!("{message}_zero")),
                        "{}: {message} lacks its “zero” form",
                        lang.code()
                    );
                }
            } else {
                assert_eq!(keys.len(), 1, "{}: {message} is not a plural", lang.code());
            }
            for key in keys {
                let mut found = placeholders(catalogue.template(key).unwrap());
                let mut wanted = expected.clone();
                // A plural form may leave the number out ("one group", "two groups").
                if plural {
                    found.retain(|p| *p != "count");
                    wanted.retain(|p| *p != "count");
                }
                assert_eq!(found, wanted, "{}: {key}", lang.code());
                assert!(
                    !catalogue.template(key).unwrap().trim().is_empty(),
                    "{}: {key} is empty",
                    lang.code()
                );
            }
        }
    }
}

#[test]
fn every_key_the_code_uses_is_in_the_catalogue_and_every_key_is_used() {
    let page = messages(&bundled(Lang::En));
    let bulk = messages(&bundled_from("locales/bulk", Lang::En));
    let both: Vec<_> = page.keys().filter(|k| bulk.contains_key(*k)).collect();
    assert!(both.is_empty(), "in both catalogues: {both:?}");
    let namespaces: BTreeSet<&str> = page
        .keys()
        .chain(bulk.keys())
        .filter_map(|k| k.split('.').next())
        .collect();
    let keys = |literals: &BTreeSet<String>| -> BTreeSet<String> {
        literals
            .iter()
            .filter(|l| namespaces.contains(l.split('.').next().unwrap()))
            .cloned()
            .collect()
    };
    let (page_code, bulk_code) = (source_literals("src"), source_literals("bulk/src"));
    // The page downloads only its own catalogue; bulk creation's module, both.
    let unknown: Vec<_> = keys(&page_code)
        .into_iter()
        .filter(|k| !page.contains_key(k))
        .collect();
    assert!(
        unknown.is_empty(),
        "used by src/ but not in locales/en.json: {unknown:?}"
    );
    let unknown: Vec<_> = keys(&bulk_code)
        .into_iter()
        .filter(|k| !page.contains_key(k) && !bulk.contains_key(k))
        .collect();
    assert!(
        unknown.is_empty(),
        "used by bulk/src/ but in no catalogue: {unknown:?}"
    );
    let unused: Vec<_> = page
        .keys()
        .filter(|k| !page_code.contains(*k) && !bulk_code.contains(*k))
        .collect();
    assert!(
        unused.is_empty(),
        "in locales/en.json but never used: {unused:?}"
    );
    let unused: Vec<_> = bulk.keys().filter(|k| !bulk_code.contains(*k)).collect();
    assert!(
        unused.is_empty(),
        "in locales/bulk/en.json but never used by bulk/src/: {unused:?}"
    );
}

/// The handover module (`handover/`) asks for its texts by the part after `slips.`.
#[test]
fn every_text_of_the_slips_is_used_by_the_handover_module() {
    let slips = messages(&bundled_from("locales/slips", Lang::En));
    let page = messages(&bundled(Lang::En));
    let sheet = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("handover/src/sheet.rs"),
    )
    .unwrap();
    for key in slips.keys() {
        assert!(!page.contains_key(key), "{key} is in both catalogues");
        let part = key.strip_prefix("slips.").unwrap();
        assert!(
            sheet.contains(&format!("\"{part}\"")),
            "{key} is never used"
        );
    }
}

#[test]
fn rules_read_right_in_french_and_arabic() {
    use mobile_worker_form::i18n::Message;
    let fr = bundled(Lang::Fr);
    let ar = bundled(Lang::Ar);
    let loaded = |n| Message::new("list.groups.loaded").count(n);
    // French treats 0 and 1 alike, but the catalogue's own zero form wins for 0.
    assert_ne!(fr.render(&loaded(1)), fr.render(&loaded(2)));
    assert_ne!(fr.render(&loaded(0)), fr.render(&loaded(1)));
    assert_eq!(
        fr.render(&loaded(0)),
        fr.template("list.groups.loaded_zero").unwrap()
    );
    // Arabic's two, few and many forms all differ from each other.
    let forms: BTreeSet<String> = [1, 2, 3, 11, 100].map(|n| ar.render(&loaded(n))).into();
    assert_eq!(forms.len(), 5, "{forms:?}");
}
