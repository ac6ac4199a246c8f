//! The interface's languages: which one the page speaks, and the catalogue of its words.
//!
//! Every word the page shows is a [`Message`]: a key into the catalogue of the interface
//! language, with named arguments. The rules and the reading of HQ's answers build messages,
//! never sentences, so the same verdict reads right in every language and a translator can
//! change any word without touching code.
//!
//! Catalogues are `locales/<code>.json`, one per language, in i18next's JSON form (a flat
//! object; `{{name}}` placeholders; plural forms as `key_one`, `key_other`, … by the CLDR
//! categories), which translation tools read as they are. English is the source. Only the
//! active language's file is downloaded. Plural categories and numbers come from the
//! browser's own CLDR data (`Intl.PluralRules`, `Intl.NumberFormat`), which costs the page no
//! bytes.
//!
//! May import: `json`. Every later stage speaks through it.

use crate::json::Json;
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// The interface languages, in the order the switcher offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    Es,
    Pt,
    Sw,
    Hi,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::En,
        Lang::Fr,
        Lang::Es,
        Lang::Pt,
        Lang::Sw,
        Lang::Hi,
        Lang::Ar,
    ];

    /// The BCP 47 code, also the catalogue's file name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Pt => "pt",
            Lang::Sw => "sw",
            Lang::Hi => "hi",
            Lang::Ar => "ar",
        }
    }

    /// The language by its code; a region or script (`fr-SN`, `pt_BR`) is ignored, as the
    /// interface has one variant of each language.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// Each language's name in itself, as language pickers everywhere show them: a reader
    /// finds their own language whatever language the page is in.
    pub fn autonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::Pt => "Português",
            Lang::Sw => "Kiswahili",
            Lang::Hi => "हिन्दी",
            Lang::Ar => "العربية",
        }
    }

    /// `rtl` for Arabic, `ltr` otherwise: the page's `dir`.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }
}

/// The localStorage key of the operator's choice (`start.js` reads it too).
pub const REMEMBERED: &str = "mobile-worker-form.ui-language";

/// Where a choice of language can come from, strongest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LanguageChoice {
    /// `ui_language` in `config.json`: the page speaks only this.
    pub fixed: Option<Lang>,
    /// `ui_languages` in `config.json`: the page offers only these (all when empty).
    pub offered: Vec<Lang>,
    /// Set by an embedding admin portal.
    pub portal: Option<Lang>,
    /// The operator's own choice from the switcher, remembered from an earlier visit.
    pub remembered: Option<Lang>,
    /// `navigator.languages`, most preferred first.
    pub browser: Vec<String>,
}

impl LanguageChoice {
    /// The languages the switcher offers: one when fixed.
    pub fn offer(&self) -> Vec<Lang> {
        match self.fixed {
            Some(lang) => vec![lang],
            None if self.offered.is_empty() => Lang::ALL.to_vec(),
            None => self.offered.clone(),
        }
    }

    /// The language to speak: the fixed one; else the portal's, the remembered one, then the
    /// browser's first preference by primary subtag, among those offered; else English if
    /// offered, else the first offered.
    pub fn pick(&self) -> Lang {
        let offer = self.offer();
        let offered = |l: &Lang| offer.contains(l);
        self.portal
            .into_iter()
            .chain(self.remembered)
            .chain(self.browser.iter().filter_map(|c| Lang::from_code(c)))
            .find(offered)
            .or_else(|| Some(Lang::En).filter(offered))
            .unwrap_or(offer[0])
    }
}

/// A value a message puts into its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Shown exactly as given (a username, HQ's own words, a file name).
    Text(String),
    /// A number, written the locale's way; a `count` also picks the plural form.
    Number(u64),
    /// Characters the operator must remove: each quoted, invisible ones by code point.
    Chars(Vec<char>),
    /// Another message, in the same language.
    Message(Box<Message>),
}

/// Something the page says: a catalogue key and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Message {
            key,
            args: Vec::new(),
        }
    }

    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, Arg::Text(value.into())));
        self
    }

    pub fn number(mut self, name: &'static str, value: usize) -> Self {
        self.args.push((name, Arg::Number(value as u64)));
        self
    }

    /// The number that picks the plural form, as `{{count}}`.
    pub fn count(self, value: usize) -> Self {
        self.number("count", value)
    }

    pub fn chars(mut self, name: &'static str, chars: Vec<char>) -> Self {
        self.args.push((name, Arg::Chars(chars)));
        self
    }

    pub fn message(mut self, name: &'static str, message: Message) -> Self {
        self.args.push((name, Arg::Message(Box::new(message))));
        self
    }

    fn plural_count(&self) -> Option<u64> {
        self.args.iter().find_map(|(name, arg)| match (name, arg) {
            (&"count", Arg::Number(n)) => Some(*n),
            _ => None,
        })
    }
}

/// Why a catalogue file could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("locales/{file}.json could not be loaded: {why}")]
    Unavailable { file: &'static str, why: String },
    #[error("locales/{file}.json is not a flat JSON object of texts: {why}")]
    Malformed { file: &'static str, why: String },
}

/// One language's texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    lang: Lang,
    texts: HashMap<String, String>,
}

impl Catalogue {
    /// Reads a `locales/<code>.json` file.
    pub fn parse(lang: Lang, json: &str) -> Result<Self, CatalogueError> {
        let malformed = |why: String| CatalogueError::Malformed {
            file: lang.code(),
            why,
        };
        let Json::Object(pairs) = Json::parse(json).map_err(|e| malformed(e.0))? else {
            return Err(malformed("not an object".into()));
        };
        let texts = pairs
            .into_iter()
            .map(|(key, text)| match text {
                Json::Text(text) => Ok((key, text)),
                _ => Err(malformed(format!("\"{key}\" is not text"))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Catalogue { lang, texts })
    }

    /// This catalogue with the texts of `more` (a part of the page loaded with its code, such
    /// as bulk creation's `locales/bulk/`).
    pub fn with(mut self, more: Catalogue) -> Self {
        self.texts.extend(more.texts);
        self
    }

    /// A catalogue with no texts, until the real one arrives.
    pub fn empty(lang: Lang) -> Self {
        Catalogue {
            lang,
            texts: HashMap::new(),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text of `key` with no arguments.
    pub fn get(&self, key: &'static str) -> String {
        self.render(&Message::new(key))
    }

    /// The message in this language. A key missing from the catalogue shows as itself
    /// (the catalogue tests keep that from happening).
    pub fn render(&self, message: &Message) -> String {
        let template = self
            .texts
            .get(message.key)
            .or_else(|| {
                // As i18next: `_zero`, where a catalogue has it, for 0 in any language; then
                // the CLDR category; then `_other`.
                let count = message.plural_count()?;
                let form = |suffix: &str| self.texts.get(&format!("{}_{suffix}", message.key));
                (count == 0)
                    .then(|| form("zero"))
                    .flatten()
                    .or_else(|| form(&plural_category(self.lang, count)))
                    .or_else(|| form("other"))
            })
            .map(String::as_str)
            .unwrap_or(message.key);
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                rest = &rest[start..];
                break;
            };
            let name = after[..end].trim();
            match message.args.iter().find(|(n, _)| *n == name) {
                Some((_, arg)) => out.push_str(&self.argument(arg)),
                None => out.push_str(&rest[start..start + 2 + end + 2]),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn argument(&self, arg: &Arg) -> String {
        // In a right-to-left sentence, a left-to-right name or HQ's English words are set
        // apart (Unicode's first-strong isolate), so their full stops and brackets stay theirs.
        let isolate = |text: String| {
            if self.lang.dir() == "rtl" {
                format!("\u{2068}{text}\u{2069}")
            } else {
                text
            }
        };
        match arg {
            Arg::Text(text) => isolate(text.clone()),
            Arg::Number(n) => format_number(self.lang, *n),
            Arg::Message(message) => self.render(message),
            Arg::Chars(chars) => {
                let separator = self.get("list.separator");
                isolate(
                    chars
                        .iter()
                        .map(|c| self.shown_char(*c))
                        .collect::<Vec<_>>()
                        .join(&separator),
                )
            }
        }
    }

    /// A character as a message can show it: invisible ones (controls, zero-width and other
    /// format characters, unusual spaces) by their code point, since quoting them shows
    /// nothing.
    fn shown_char(&self, c: char) -> String {
        let invisible = c.is_control()
            || (c.is_whitespace() && c != ' ')
            || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{1c}'..='\u{1f}');
        if invisible {
            self.render(&Message::new("char.invisible").text("code", format!("U+{:04X}", c as u32)))
        } else {
            self.render(&Message::new("char.visible").text("char", c.to_string()))
        }
    }

    /// Every key, for the catalogue tests.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }

    /// The raw template of `key`, for the catalogue tests.
    pub fn template(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }
}

/// Host tests read messages in English.
#[cfg(test)]
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&english(self))
    }
}

#[cfg(test)]
impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        english(self) == *other
    }
}

/// The interface language's catalogue, shared by everything on the page (leptos' newtype
/// context). Reading it in a view or a memo tracks it, so a change of language redraws every
/// text at once and nothing else.
#[derive(Clone, Copy)]
pub struct Texts(RwSignal<Arc<Catalogue>>);

impl Texts {
    pub fn new(catalogue: Catalogue) -> Self {
        Texts(RwSignal::new(Arc::new(catalogue)))
    }

    /// `message` in the current language.
    pub fn render(&self, message: &Message) -> String {
        self.0.with(|c| c.render(message))
    }

    /// The text of `key`, which takes no arguments.
    pub fn get(&self, key: &'static str) -> String {
        self.0.with(|c| c.get(key))
    }

    pub fn lang(&self) -> Lang {
        self.0.with(|c| c.lang())
    }

    /// Speak another language from now on.
    pub fn set(&self, catalogue: Catalogue) {
        self.0.set(Arc::new(catalogue));
    }
}

/// The `{{name}}` placeholders of a template, sorted.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split("{{")
        .skip(1)
        .filter_map(|part| part.split_once("}}").map(|(name, _)| name.trim()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The CLDR plural category (`zero`, `one`, `two`, `few`, `many`, `other`) of `n`.
#[cfg(target_arch = "wasm32")]
pub fn plural_category(lang: Lang, n: u64) -> String {
    let locales = js_sys::Array::of1(&lang.code().into());
    js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new())
        .select(n as f64)
        .into()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn plural_category(lang: Lang, n: u64) -> String {
    use intl_pluralrules::{PluralRuleType, PluralRules};
    let rules = PluralRules::create(
        lang.code()
            .parse::<unic_langid::LanguageIdentifier>()
            .expect("a valid language code"),
        PluralRuleType::CARDINAL,
    )
    .expect("CLDR has rules for every interface language");
    rules
        .select(n)
        .map(|c| format!("{c:?}").to_ascii_lowercase())
        .unwrap_or_else(|_| "other".into())
}

/// `n` written the locale's way (grouping, and the locale's own digits where it has them).
#[cfg(target_arch = "wasm32")]
pub fn format_number(lang: Lang, n: u64) -> String {
    let locales = js_sys::Array::of1(&lang.code().into());
    js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new())
        .format()
        .call1(&wasm_bindgen::JsValue::UNDEFINED, &(n as f64).into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| n.to_string())
}

/// Off the browser (host tests) numbers are grouped in threes with commas, as in English.
#[cfg(not(target_arch = "wasm32"))]
pub fn format_number(_lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The catalogues as files, for host tests: the page itself downloads one at a time.
#[cfg(not(target_arch = "wasm32"))]
pub fn bundled(lang: Lang) -> Catalogue {
    bundled_from("locales", lang)
}

/// A catalogue of `folder` (`locales`, or `locales/bulk` for bulk creation's texts), for host
/// tests.
#[cfg(not(target_arch = "wasm32"))]
pub fn bundled_from(folder: &str, lang: Lang) -> Catalogue {
    let path = format!(
        "{}/{folder}/{}.json",
        env!("CARGO_MANIFEST_DIR"),
        lang.code()
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Catalogue::parse(lang, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// English, as unit tests read the rules' verdicts.
#[cfg(test)]
pub fn english(message: &Message) -> String {
    thread_local! {
        static EN: Catalogue =
            Catalogue::parse(Lang::En, include_str!("../../locales/en.json")).unwrap();
    }
    EN.with(|en| en.render(message))
}

pub mod browser {
    //! The browser's side: its preferred languages, the remembered choice, the page's
    //! `lang` and `dir`, and fetching a catalogue.
    use super::{Catalogue, CatalogueError, Lang, REMEMBERED};

    /// `navigator.languages`, most preferred first.
    pub fn preferred() -> Vec<String> {
        web_sys::window()
            .map(|w| {
                w.navigator()
                    .languages()
                    .iter()
                    .filter_map(|l| l.as_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// The language the operator chose on an earlier visit.
    pub fn remembered() -> Option<Lang> {
        Lang::from_code(&storage()?.get_item(REMEMBERED).ok()??)
    }

    /// Keeps the operator's choice for the next visit (only the language code is stored).
    pub fn remember(lang: Lang) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(REMEMBERED, lang.code());
        }
    }

    /// `<html lang dir>`, so screen readers pronounce the page right and the layout mirrors.
    pub fn set_page_language(lang: Lang) {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
            let _ = root.set_attribute("dir", lang.dir());
        }
    }

    /// Fetches `locales/<code>.json` from beside the page, or takes the answer `start.js`
    /// asked for when it chose this language.
    pub async fn load(lang: Lang) -> Result<Catalogue, CatalogueError> {
        let file = lang.code();
        let early = format!("mobileWorkerFormTexts:{file}");
        let text = crate::page_file::fetch(&format!("locales/{file}.json"), Some(&early))
            .await
            .map_err(|why| CatalogueError::Unavailable { file, why })?;
        Catalogue::parse(lang, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(browser: &[&str]) -> LanguageChoice {
        LanguageChoice {
            browser: browser.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_browser_preference_is_matched_by_primary_subtag_then_english() {
        assert_eq!(choice(&["fr-SN", "en"]).pick(), Lang::Fr);
        assert_eq!(choice(&["de-DE", "pt-BR", "en"]).pick(), Lang::Pt);
        assert_eq!(choice(&["de", "ja"]).pick(), Lang::En);
        assert_eq!(choice(&[]).pick(), Lang::En);
        assert_eq!(choice(&["sw_TZ"]).pick(), Lang::Sw);
    }

    #[test]
    fn a_fixed_language_wins_and_an_offer_restricts_every_source() {
        let fixed = LanguageChoice {
            fixed: Some(Lang::Fr),
            portal: Some(Lang::Ar),
            remembered: Some(Lang::Es),
            ..choice(&["hi"])
        };
        assert_eq!(fixed.pick(), Lang::Fr);
        assert_eq!(fixed.offer(), [Lang::Fr]);

        let offered = LanguageChoice {
            offered: vec![Lang::Pt, Lang::Es],
            remembered: Some(Lang::Fr),
            ..choice(&["ar", "es"])
        };
        assert_eq!(offered.pick(), Lang::Es, "remembered fr is not offered");
        let none_match = LanguageChoice {
            offered: vec![Lang::Pt, Lang::Es],
            ..choice(&["ar"])
        };
        assert_eq!(
            none_match.pick(),
            Lang::Pt,
            "no English on offer: the first offered"
        );
    }

    #[test]
    fn the_portal_beats_the_remembered_choice_which_beats_the_browser() {
        let mut c = LanguageChoice {
            portal: Some(Lang::Sw),
            remembered: Some(Lang::Es),
            ..choice(&["fr"])
        };
        assert_eq!(c.pick(), Lang::Sw);
        c.portal = None;
        assert_eq!(c.pick(), Lang::Es);
        c.remembered = None;
        assert_eq!(c.pick(), Lang::Fr);
    }

    fn catalogue(lang: Lang, json: &str) -> Catalogue {
        Catalogue::parse(lang, json).unwrap()
    }

    #[test]
    fn arguments_fill_placeholders_and_unknown_ones_stay_visible() {
        let c = catalogue(
            Lang::En,
            r#"{"a": "Hello {{name}}, {{ name }}!", "b": "{{missing}} and {{", "list.separator": ", ",
                "char.visible": "“{{char}}”", "char.invisible": "the invisible character {{code}}",
                "c": "remove {{chars}}", "d": "Nested: {{inner}}"}"#,
        );
        assert_eq!(
            c.render(&Message::new("a").text("name", "Amina")),
            "Hello Amina, Amina!"
        );
        assert_eq!(c.render(&Message::new("b")), "{{missing}} and {{");
        assert_eq!(
            c.render(&Message::new("c").chars("chars", vec!['é', '\u{200b}'])),
            "remove “é”, the invisible character U+200B"
        );
        assert_eq!(
            c.render(&Message::new("d").message("inner", Message::new("a").text("name", "x"))),
            "Nested: Hello x, x!"
        );
        assert_eq!(c.render(&Message::new("nope")), "nope");
    }

    #[test]
    fn plural_forms_follow_each_languages_cldr_rules() {
        let fr = catalogue(
            Lang::Fr,
            r#"{"n_one": "{{count}} groupe", "n_many": "{{count}} de groupes", "n_other": "{{count}} groupes"}"#,
        );
        // French treats 0 and 1 as singular.
        assert_eq!(fr.render(&Message::new("n").count(0)), "0 groupe");
        assert_eq!(fr.render(&Message::new("n").count(1)), "1 groupe");
        assert_eq!(fr.render(&Message::new("n").count(2)), "2 groupes");
        let ar = catalogue(
            Lang::Ar,
            r#"{"n_zero": "z", "n_one": "o", "n_two": "t", "n_few": "f", "n_many": "m", "n_other": "x"}"#,
        );
        let forms: Vec<String> = [0, 1, 2, 3, 11, 100]
            .iter()
            .map(|n| ar.render(&Message::new("n").count(*n)))
            .collect();
        assert_eq!(forms, ["z", "o", "t", "f", "m", "x"]);
        let en = catalogue(
            Lang::En,
            r#"{"n_one": "one", "n_other": "{{count}} others"}"#,
        );
        assert_eq!(en.render(&Message::new("n").count(0)), "0 others");
        assert_eq!(en.render(&Message::new("n").count(1234)), "1,234 others");
    }

    #[test]
    fn placeholders_are_listed_once_each() {
        assert_eq!(placeholders("{{b}} {{a}} {{ b }}"), ["a", "b"]);
        assert!(placeholders("none").is_empty());
    }
}
