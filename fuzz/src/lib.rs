//! Every reader of outside input, fed arbitrary bytes. A panic in the page is a trap (the
//! release build aborts on panic), so each reader must answer any input with a value or an
//! error, never a panic: `config.json`, a portal's `configure`, HQ's answers and lists, the
//! catalogues, the page's own storage, CSV and Excel files, the rules applied to each row,
//! and the translation of a project's Python regexes.
//!
//! Each reader here does what the page does with what it read (renders its messages, applies
//! it to a draft, checks the rows), so a panic further along is found too. `tests/seeded.rs`
//! runs them all on their seeds and on seeded mutations in every test run; `cargo xtask fuzz`
//! runs libFuzzer on one for as long as asked.

use mobile_worker_bulk::{record, rows, sheet};
use mobile_worker_form::config::pattern::Pattern;
use mobile_worker_form::config::project_policy::{ProjectPolicy, MAX_TEXT};
use mobile_worker_form::config::Config;
use mobile_worker_form::hq::{create, lists};
use mobile_worker_form::i18n::{self, Catalogue, Lang, Message};
use mobile_worker_form::json::Json;
use mobile_worker_form::portal::protocol;
use mobile_worker_form::worker::validate::CUSTOM_VALUE_MAX_CHARS;
use mobile_worker_form::worker::{draft::Draft, password};
use std::sync::OnceLock;

mod seeds;
mod shapes;
pub use seeds::seeds;
pub use shapes::shape;

/// A reader: its name (for `cargo xtask fuzz <name>`) and what it does with the bytes.
pub struct Reader {
    pub name: &'static str,
    pub read: fn(&[u8]),
}

pub const READERS: &[Reader] = &[
    Reader {
        name: "config",
        read: config,
    },
    Reader {
        name: "configure",
        read: configure,
    },
    Reader {
        name: "hq_create",
        read: hq_create,
    },
    Reader {
        name: "hq_lists",
        read: hq_lists,
    },
    Reader {
        name: "catalogue",
        read: catalogue,
    },
    Reader {
        name: "storage",
        read: storage,
    },
    Reader {
        name: "csv",
        read: csv,
    },
    Reader {
        name: "xlsx",
        read: xlsx,
    },
    Reader {
        name: "rules",
        read: rules,
    },
    Reader {
        name: "regex",
        read: regex,
    },
    Reader {
        name: "regex_shapes",
        read: shapes::regex_shapes,
    },
];

/// The reader called `name`.
pub fn reader(name: &str) -> Option<&'static Reader> {
    READERS.iter().find(|reader| reader.name == name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The page's English texts, its own and bulk creation's.
fn english() -> &'static Catalogue {
    static ENGLISH: OnceLock<Catalogue> = OnceLock::new();
    ENGLISH
        .get_or_init(|| i18n::bundled(Lang::En).with(i18n::bundled_from("locales/bulk", Lang::En)))
}

fn say(message: &Message) {
    std::hint::black_box(english().render(message));
}

/// `config.json`, and what the page asks of a configuration.
fn config(bytes: &[u8]) {
    match Config::parse(&text(bytes)) {
        Ok(config) => {
            std::hint::black_box((
                config.user_endpoint(),
                config.mobile_workers_url(),
                config.full_username("amina.k"),
                config.is_cross_origin("https://portal.example"),
            ));
        }
        Err(error) => say(&error.message()),
    }
}

/// A portal's message, applied to a draft as the page applies it.
fn configure(bytes: &[u8]) {
    if let Ok(mut configure) = protocol::read_incoming(&text(bytes)) {
        let mut draft = Draft::default();
        configure.defaults.apply_to(&mut draft);
        configure
            .defaults
            .refill(&configure.defaults.clone(), &mut draft);
        std::hint::black_box((
            configure.keep_hosts_project(true),
            configure.language_complaint(),
            draft.to_json().write(),
        ));
    }
}

/// HQ's answer to a create: the status from the first two bytes, then the body.
fn hq_create(bytes: &[u8]) {
    let (status, body) = status_and_body(bytes);
    match create::read_answer(status, &body) {
        Ok(created) => std::hint::black_box(created.user_id.len()),
        Err(error) => {
            say(&error.message());
            std::hint::black_box((error.may_have_created(), error.field()));
            0
        }
    };
}

fn status_and_body(bytes: &[u8]) -> (u16, String) {
    match bytes {
        [high, low, body @ ..] => (u16::from_be_bytes([*high, *low]) % 600, text(body)),
        _ => (200, text(bytes)),
    }
}

/// A page of HQ's groups or locations, and the next page's address it gives.
fn hq_lists(bytes: &[u8]) {
    let (resource, body) = match bytes.split_first() {
        Some((first, body)) if first % 2 == 0 => (lists::Resource::Groups, body),
        Some((_, body)) => (lists::Resource::Locations, body),
        None => (lists::Resource::Groups, bytes),
    };
    let current = "https://www.commcarehq.org/a/demo/api/v0.5/group/?limit=100";
    match lists::read_page(resource, current, &text(body)) {
        Ok(page) => {
            let all = lists::ChoiceList::new(page.choices);
            std::hint::black_box(lists::search(all.choices(), "a", 20).1);
            if let Some(next) = page.next {
                std::hint::black_box(lists::next_url(current, &next).is_ok());
            }
        }
        Err(error) => say(&error.describe(resource)),
    }
}

/// Every message the page can say, by key, with an argument of each kind.
fn every_message() -> &'static [Message] {
    static MESSAGES: OnceLock<Vec<Message>> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        let english = english();
        let mut keys: Vec<&'static str> = english
            .keys()
            .map(|key| &*Box::leak(key.to_string().into_boxed_str()))
            .collect();
        keys.sort_unstable();
        keys.into_iter()
            .map(|key| {
                let mut message = Message::new(key).count(21);
                for name in english
                    .template(key)
                    .map(i18n::placeholders)
                    .unwrap_or_default()
                {
                    let name: &'static str = Box::leak(name.to_string().into_boxed_str());
                    message = message.text(name, "x");
                }
                message
            })
            .collect()
    })
}

/// A catalogue as the page loads it (the language from the first byte), every message said in
/// it.
fn catalogue(bytes: &[u8]) {
    let (lang, json) = match bytes.split_first() {
        Some((first, json)) => (Lang::ALL[*first as usize % Lang::ALL.len()], json),
        None => (Lang::En, bytes),
    };
    if let Ok(catalogue) = Catalogue::parse(lang, &text(json)) {
        for message in every_message() {
            std::hint::black_box(catalogue.render(message));
        }
    }
}

/// What the page reads back from its own storage, which another tab, an old version of the
/// page or a person with the browser's tools may have written: the draft, the bulk run's
/// record, the other tabs' notes, and the scorer's answer.
fn storage(bytes: &[u8]) {
    let text = text(bytes);
    if let Ok(json) = Json::parse(&text) {
        if let Some(draft) = Draft::from_json(&json) {
            std::hint::black_box(draft.to_json().write());
        }
        std::hint::black_box(record::Kept::from_json(&json).to_json().write());
        let mut tabs = record::elsewhere::SentByTabs::from_json(&json);
        tabs.note("tab-1", "amina.k");
        std::hint::black_box((
            tabs.sent_elsewhere("tab-2", "amina.k"),
            tabs.to_json().write(),
        ));
    }
    std::hint::black_box(password::read_answer(&text));
}

/// A CSV file (or any text) as bulk creation reads it.
fn csv(bytes: &[u8]) {
    match sheet::read(bytes) {
        Ok(sheet) => std::hint::black_box(sheet.rows.len()),
        Err(error) => {
            say(&error.message());
            0
        }
    };
}

/// An Excel workbook as bulk creation reads it.
fn xlsx(bytes: &[u8]) {
    let Ok(read) = mobile_worker_xlsx::read(bytes, sheet::MAX_ROWS + 1, sheet::MAX_COLUMNS + 1)
    else {
        return;
    };
    if let Err(error) = sheet::from_rows(read.rows) {
        say(&error.message());
    }
}

/// A project with every kind of rule: required fields, choices, a regex, profiles, roles,
/// strong passwords and locations.
fn policy() -> &'static ProjectPolicy {
    static POLICY: OnceLock<ProjectPolicy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let project = Json::parse(seeds::PROJECT).expect("the seed project is JSON");
        ProjectPolicy::read(&project).expect("the seed project is valid")
    })
}

/// A file's rows through every rule of the one-worker form and bulk's own, as bulk creation
/// checks them before sending.
fn rules(bytes: &[u8]) {
    let Ok(sheet) = sheet::read(bytes) else {
        return;
    };
    let groups = [lists::Choice::new(
        "g1".into(),
        "Nurses".into(),
        String::new(),
    )];
    let locations = [lists::Choice::new(
        "l1".into(),
        "Gulu".into(),
        "gulu".into(),
    )];
    for generate_passwords in [false, true] {
        let checked = rows::check(
            &sheet,
            &rows::Lists {
                groups: &groups,
                locations: &locations,
                policy: policy(),
                generate_passwords,
                strength: &|_, _| password::Verdict::Strong(4),
                domain: "demo",
                country_code: Some("256"),
            },
        );
        for row in &checked {
            row.problems.iter().for_each(say);
        }
    }
}

/// A project's regex and a value, split at the first U+001F (unit separator): the pattern
/// translated, then searched as HQ would. A pattern whose search could take too long is
/// refused with the translation (`pattern::cost`): the fuzzer's time limit checks that bound.
/// Longer regexes and values are refused before they reach the translation (the `config`
/// and `rules` readers run into that refusal).
fn regex(bytes: &[u8]) {
    let text = text(bytes);
    let (python, value) = text.split_once('\u{1f}').unwrap_or((&text, ""));
    if python.chars().count() > MAX_TEXT || value.chars().count() > CUSTOM_VALUE_MAX_CHARS {
        return;
    }
    match Pattern::new(python) {
        Ok(pattern) => std::hint::black_box(pattern.found_in(value)),
        Err(why) => {
            say(&why);
            false
        }
    };
}
