//! JSON as the page reads and writes it: `config.json`, the catalogues, the draft it keeps,
//! portal messages, HQ's answers and lists, and the request it sends.
//!
//! The browser already carries a JSON parser, so the page brings none of its own: in the
//! browser a text is read by `JSON.parse` and its value copied into a [`Json`]; off the browser
//! (host tests) serde_json reads it. Everything after that, the reading of each document with
//! the place of each mistake, is plain Rust shared by both. Writing is a few lines here, since
//! what the page writes is only objects, lists, text, whole numbers and flags.

/// A JSON value. A key written twice in an object keeps its last value, as `JSON.parse` does
/// (a browser cannot tell it was written twice). The order of an object's keys is the
/// parser's: as written off the browser, integer-like keys first in it.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Deeper than this is no document the page reads, and could exhaust its stack.
pub const MAX_DEPTH: usize = 64;

/// Why a text is not JSON, in the parser's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotJson(pub String);

fn too_deep() -> NotJson {
    NotJson(format!("nested more than {MAX_DEPTH} deep"))
}

impl Json {
    /// Reads a JSON text.
    pub fn parse(text: &str) -> Result<Json, NotJson> {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let value = js_sys::JSON::parse(text).map_err(|e| {
                NotJson(
                    e.dyn_into::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                        .unwrap_or_default(),
                )
            })?;
            Json::from_js(&value, 0)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| NotJson(e.to_string()))?;
            Json::from_serde(&value, 0)
        }
    }

    /// Most values of a page are texts, so they are asked about first: each question is a
    /// call into JavaScript.
    #[cfg(target_arch = "wasm32")]
    fn from_js(value: &wasm_bindgen::JsValue, depth: usize) -> Result<Json, NotJson> {
        use wasm_bindgen::JsCast;
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(if let Some(text) = value.as_string() {
            Json::Text(whole_text(text, value)?)
        } else if let Some(n) = value.as_f64() {
            Json::Number(n)
        } else if let Some(b) = value.as_bool() {
            Json::Bool(b)
        } else if let Some(list) = value.dyn_ref::<js_sys::Array>() {
            let mut items = Vec::with_capacity(list.length() as usize);
            for item in list.iter() {
                items.push(Json::from_js(&item, depth + 1)?);
            }
            Json::List(items)
        } else if value.is_object() {
            let mut pairs = Vec::new();
            for pair in js_sys::Object::entries(value.unchecked_ref()).iter() {
                let pair: js_sys::Array = pair.unchecked_into();
                let key = pair.get(0);
                let key = whole_text(key.as_string().unwrap_or_default(), &key)?;
                pairs.push((key, Json::from_js(&pair.get(1), depth + 1)?));
            }
            Json::Object(pairs)
        } else {
            Json::Null
        })
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn from_serde(value: &serde_json::Value, depth: usize) -> Result<Json, NotJson> {
        use serde_json::Value;
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Json::Text(s.clone()),
            Value::Array(items) => Json::List(
                items
                    .iter()
                    .map(|v| Json::from_serde(v, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), Json::from_serde(v, depth + 1)?)))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// The value at `key` of an object (`None` for anything else).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(pairs) => pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Json]> {
        match self {
            Json::List(items) => Some(items),
            _ => None,
        }
    }

    /// A list of texts, each copied; `None` unless every item is text.
    pub fn as_texts(&self) -> Option<Vec<String>> {
        self.as_list()?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// A whole number from 0 to 2⁵³, the largest JSON keeps exactly everywhere.
    pub fn as_whole(&self) -> Option<u64> {
        match self {
            Json::Number(n) if n.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(n) => {
                Some(*n as u64)
            }
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// An object of `pairs` (built for writing).
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list of texts (built for writing).
    pub fn texts<S: AsRef<str>>(items: &[S]) -> Json {
        Json::List(items.iter().map(|s| Json::from(s.as_ref())).collect())
    }

    /// The JSON text, without spaces.
    pub fn write(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => write_number(*n, out),
            Json::Text(s) => write_text(s, out),
            Json::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_to(out);
                }
                out.push(']');
            }
            Json::Object(pairs) => {
                out.push('{');
                for (i, (key, value)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_text(key, out);
                    out.push(':');
                    value.write_to(out);
                }
                out.push('}');
            }
        }
    }
}

/// `text`, read from the JavaScript text `value`. Off the browser serde_json refuses an escaped
/// half of a character (`"\\ud800"`); `JSON.parse` takes it and reading it as Rust text turns
/// it into U+FFFD, so a text with U+FFFD is checked (rarely: one more call into JavaScript)
/// and such a text refused, not changed into something else.
#[cfg(target_arch = "wasm32")]
fn whole_text(text: String, value: &wasm_bindgen::JsValue) -> Result<String, NotJson> {
    use wasm_bindgen::JsCast;
    if text.contains('\u{fffd}') && !value.unchecked_ref::<js_sys::JsString>().is_valid_utf16() {
        Err(NotJson(
            "a text holds half of a character (an unpaired surrogate)".into(),
        ))
    } else {
        Ok(text)
    }
}

fn write_number(n: f64, out: &mut String) {
    if !n.is_finite() {
        // As JSON.stringify writes them: JSON has no such numbers.
        out.push_str("null");
    } else if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
        out.push_str(&(n as i64).to_string());
    } else {
        // Fractions are never written by the page itself; the browser's shortest form keeps
        // a float formatter out of the download.
        #[cfg(target_arch = "wasm32")]
        out.push_str(
            &js_sys::JSON::stringify(&n.into())
                .map(String::from)
                .unwrap_or_default(),
        );
        #[cfg(not(target_arch = "wasm32"))]
        out.push_str(&n.to_string());
    }
}

fn write_text(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::Text(s.to_string())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::Text(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Json {
        Json::Number(n as f64)
    }
}

/// What a value should have been, and where: `user_fields[1].regex`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrong {
    pub at: String,
    pub expected: Expected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Object,
    List,
    Text,
    Flag,
    WholeNumber,
    /// A key that must be there.
    Present,
    /// The key is not one the document has.
    KnownKey,
    /// A list longer than the document allows.
    FewerItems,
}

/// `at.part`, or `part` at the top.
pub fn join(at: &str, part: &str) -> String {
    if at.is_empty() {
        part.to_string()
    } else {
        format!("{at}.{part}")
    }
}

/// An object's keys, read by name with the place of each mistake. A missing key is absent;
/// `null` is a value of the wrong type, except where a reader asks for [`Fields::given`]: a
/// `null` where a list or a flag belongs must not quietly mean less than its writer meant.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    at: &'a str,
    pairs: &'a [(String, Json)],
}

impl Json {
    /// This value as an object with no keys but `known` (a misspelt key would silently mean
    /// less than its writer meant). `at` is its place, for the mistakes.
    pub fn fields<'a>(&'a self, at: &'a str, known: &[&str]) -> Result<Fields<'a>, Wrong> {
        let Json::Object(pairs) = self else {
            return Err(wrong(at.to_string(), Expected::Object));
        };
        match pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((unknown, _)) => Err(wrong(join(at, unknown), Expected::KnownKey)),
            None => Ok(Fields { at, pairs }),
        }
    }
}

fn wrong(at: String, expected: Expected) -> Wrong {
    Wrong { at, expected }
}

impl<'a> Fields<'a> {
    /// The place of `key`.
    pub fn place(&self, key: &str) -> String {
        join(self.at, key)
    }

    /// The value at `key`, `null` included.
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The value at `key`, unless absent or `null`: for keys where `null` means "none".
    pub fn given(&self, key: &str) -> Option<&'a Json> {
        self.get(key).filter(|v| !v.is_null())
    }

    /// Text, where `null` means none.
    pub fn nullable_text(&self, key: &str) -> Result<Option<&'a str>, Wrong> {
        match self.given(key) {
            None => Ok(None),
            Some(_) => self.text(key),
        }
    }

    /// Each key and its value, in the order written.
    pub fn pairs(&self) -> impl Iterator<Item = (&'a str, &'a Json)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v))
    }

    fn typed<T>(
        &self,
        key: &str,
        read: impl Fn(&'a Json) -> Option<T>,
        expected: Expected,
    ) -> Result<Option<T>, Wrong> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => read(value)
                .map(Some)
                .ok_or_else(|| wrong(self.place(key), expected)),
        }
    }

    pub fn text(&self, key: &str) -> Result<Option<&'a str>, Wrong> {
        self.typed(key, Json::as_str, Expected::Text)
    }

    /// Text that must be there.
    pub fn required_text(&self, key: &str) -> Result<&'a str, Wrong> {
        self.text(key)?
            .ok_or_else(|| wrong(self.place(key), Expected::Present))
    }

    /// `true` or `false`; absent is `false`.
    pub fn flag(&self, key: &str) -> Result<bool, Wrong> {
        Ok(self
            .typed(key, Json::as_bool, Expected::Flag)?
            .unwrap_or(false))
    }

    pub fn whole(&self, key: &str) -> Result<Option<u64>, Wrong> {
        self.typed(key, Json::as_whole, Expected::WholeNumber)
    }

    /// A list of at most `max` items; absent is empty.
    pub fn list(&self, key: &str, max: usize) -> Result<&'a [Json], Wrong> {
        match self.typed(key, Json::as_list, Expected::List)? {
            Some(items) if items.len() > max => Err(wrong(self.place(key), Expected::FewerItems)),
            items => Ok(items.unwrap_or_default()),
        }
    }

    /// Each text of a list of at most `max`, with its place.
    pub fn texts(&self, key: &str, max: usize) -> Result<Vec<(String, &'a str)>, Wrong> {
        let at = self.place(key);
        self.list(key, max)?
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let place = format!("{at}[{i}]");
                match item.as_str() {
                    Some(text) => Ok((place, text)),
                    None => Err(wrong(place, Expected::Text)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_whole_and_written_back_as_json() {
        let text = r#"{"a":[1,2.5,-3,true,false,null],"b":{"c":"d\"e\\f\n\u0001é😀"},"a2":{}}"#;
        let value = Json::parse(text).unwrap();
        assert_eq!(
            value.get("a").unwrap().as_list().unwrap()[1],
            Json::Number(2.5)
        );
        let written = value.write();
        let again: serde_json::Value = serde_json::from_str(&written).unwrap();
        let first: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(again, first);
        assert_eq!(Json::from(12u64).write(), "12");
        assert_eq!(Json::Number(f64::NAN).write(), "null");
    }

    #[test]
    fn every_control_character_is_escaped() {
        let all: String = (0u8..0x80).map(char::from).collect();
        let written = Json::from(all.as_str()).write();
        assert!(written.chars().all(|c| c >= ' '));
        let read: String = serde_json::from_str(&written).unwrap();
        assert_eq!(read, all);
    }

    #[test]
    fn broken_and_too_deep_texts_are_not_json() {
        assert!(Json::parse("{\"a\": ").is_err());
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(Json::parse(&deep).unwrap_err().0.contains("nested"));
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&fine).is_ok());
    }

    #[test]
    fn whole_numbers_are_whole_and_in_range() {
        let n = |t: &str| Json::parse(t).unwrap().as_whole();
        assert_eq!(n("12"), Some(12));
        assert_eq!(n("12.5"), None);
        assert_eq!(n("-1"), None);
        assert_eq!(n("1e300"), None);
        assert_eq!(n("\"12\""), None);
    }

    #[test]
    fn fields_name_each_mistake_with_its_place() {
        let value = Json::parse(r#"{"a": {"b": [1, "x"], "n": null, "f": "yes"}}"#).unwrap();
        let top = value.fields("", &["a"]).unwrap();
        let a = top.get("a").unwrap().fields("a", &["b", "n", "f"]).unwrap();
        assert_eq!(
            a.texts("b", 10).unwrap_err(),
            wrong("a.b[0]".into(), Expected::Text)
        );
        assert_eq!(
            a.list("b", 1).unwrap_err(),
            wrong("a.b".into(), Expected::FewerItems)
        );
        assert_eq!(a.text("n"), Err(wrong("a.n".into(), Expected::Text)));
        assert_eq!(a.nullable_text("n"), Ok(None));
        assert_eq!(a.text("gone"), Ok(None));
        assert_eq!(
            a.required_text("gone").unwrap_err(),
            wrong("a.gone".into(), Expected::Present)
        );
        assert_eq!(
            a.flag("f").unwrap_err(),
            wrong("a.f".into(), Expected::Flag)
        );
        assert_eq!(
            value.fields("", &["b"]).err(),
            Some(wrong("a".into(), Expected::KnownKey))
        );
        assert_eq!(
            Json::Null.fields("x", &[]).err(),
            Some(wrong("x".into(), Expected::Object))
        );
    }

    #[test]
    fn a_key_written_twice_keeps_its_last_value() {
        let value = Json::parse(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(value.get("a").unwrap().as_whole(), Some(2));
    }
}
