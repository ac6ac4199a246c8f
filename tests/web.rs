//! Component behaviour in a real browser (wasm-bindgen-test in headless Chromium): mount the
//! form, act like a person, let Leptos settle with `tick`, then read the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use mobile_worker_form::components::RegistrationForm;
use mobile_worker_form::config::Config;
use mobile_worker_form::i18n::{Catalogue, Lang, Texts};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const PROXY: &str = r#"{"base_url": "", "domain": "demo", "auth": "proxy"}"#;
const API_KEY: &str = r#"{"base_url": "https://hq.example", "domain": "demo", "auth": "api_key"}"#;

fn mount(config: &str) -> HtmlElement {
    // Tests share one page, and with it sessionStorage, where drafts are kept, and the DOM:
    // an earlier test's form must not answer for this one.
    window()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let earlier = document().query_selector_all(".test-root").unwrap();
    for i in 0..earlier.length() {
        let node: web_sys::Element = earlier.item(i).unwrap().unchecked_into();
        node.remove();
    }
    mount_keeping_storage(config)
}

fn mount_keeping_storage(config: &str) -> HtmlElement {
    let config = Config::parse(config).unwrap();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    container.set_class_name("test-root");
    document().body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.clone(), move || {
        // The page fetches its language's catalogue; here English is built in.
        let english = Catalogue::parse(Lang::En, include_str!("../locales/en.json")).unwrap();
        provide_context(Texts::new(english));
        view! { <RegistrationForm config /> }
    })
    .forget();
    container
}

fn find(root: &HtmlElement, css: &str) -> HtmlElement {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no {css}"))
        .unchecked_into()
}

fn type_into(root: &HtmlElement, css: &str, text: &str) {
    let input: HtmlInputElement = find(root, css).unchecked_into();
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn submit(root: &HtmlElement) {
    find(root, "button[type=submit]").click();
}

async fn settle() {
    leptos::task::tick().await;
    // The summary takes focus on the next animation frame.
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window().request_animation_frame(&resolve).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn the_full_username_is_shown_live_as_it_is_typed() {
    let root = mount(PROXY);
    settle().await;
    assert_eq!(
        find(&root, "#username-hint").text_content().unwrap(),
        "Their login will be name@demo.commcarehq.org"
    );
    type_into(&root, "#username", "Jane  Doe");
    settle().await;
    assert_eq!(
        find(&root, "#username-hint").text_content().unwrap(),
        "Their login will be jane.doe@demo.commcarehq.org"
    );
}

#[wasm_bindgen_test]
async fn an_empty_submit_lists_each_problem_and_focuses_the_summary() {
    let root = mount(PROXY);
    settle().await;
    assert!(
        find(&root, ".error-summary").hidden(),
        "no summary before submitting"
    );
    submit(&root);
    settle().await;

    let summary = find(&root, ".error-summary");
    assert!(!summary.hidden());
    let links = summary.query_selector_all("a").unwrap();
    let texts: Vec<(String, String)> = (0..links.length())
        .map(|i| {
            let a: HtmlElement = links.item(i).unwrap().unchecked_into();
            (a.get_attribute("href").unwrap(), a.text_content().unwrap())
        })
        .collect();
    assert_eq!(
        texts,
        vec![
            ("#username".to_string(), "Enter a username".to_string()),
            ("#password".to_string(), "Enter a password".to_string()),
        ]
    );
    let focused = document().active_element().unwrap();
    assert_eq!(focused.class_name(), "error-summary");
    assert_eq!(
        find(&root, "#username")
            .get_attribute("aria-describedby")
            .as_deref(),
        Some("username-hint username-error")
    );
    assert_eq!(
        find(&root, "#password")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert!(find(&root, "#password-error")
        .text_content()
        .unwrap()
        .contains("Enter a password"));
}

#[wasm_bindgen_test]
async fn errors_update_as_fields_change_after_a_submit() {
    let root = mount(PROXY);
    settle().await;
    submit(&root);
    settle().await;
    type_into(&root, "#username", "bad name!");
    settle().await;
    assert!(find(&root, "#username-error")
        .text_content()
        .unwrap()
        .contains("remove “!”"));
    type_into(&root, "#username", "good.name");
    settle().await;
    assert!(root.query_selector("#username-error").unwrap().is_none());
    assert_eq!(find(&root, "#username").get_attribute("aria-invalid"), None);
}

#[wasm_bindgen_test]
async fn a_summary_link_moves_focus_to_its_field() {
    let root = mount(PROXY);
    settle().await;
    submit(&root);
    settle().await;
    find(&root, ".error-summary a[href='#password']").click();
    settle().await;
    assert_eq!(document().active_element().unwrap().id(), "password");
}

#[wasm_bindgen_test]
async fn api_key_mode_asks_for_the_web_user_and_masks_the_key() {
    let root = mount(API_KEY);
    settle().await;
    let key: HtmlInputElement = find(&root, "#api-key").unchecked_into();
    assert_eq!(key.type_(), "password");
    submit(&root);
    settle().await;
    let summary = find(&root, ".error-summary").text_content().unwrap();
    assert!(
        summary.contains("Enter the email address of your CommCare web user"),
        "{summary}"
    );
    assert!(summary.contains("Enter your CommCare API key"), "{summary}");
}

#[wasm_bindgen_test]
async fn proxy_mode_asks_for_no_credentials() {
    let root = mount(PROXY);
    settle().await;
    assert!(root.query_selector("#api-key").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_kept_draft_is_restored_without_its_password() {
    let root = mount(PROXY);
    settle().await;
    type_into(&root, "#username", "kept.user");
    type_into(&root, "#password", "not-kept");
    settle().await;
    root.remove();
    let again = mount_keeping_storage(PROXY);
    settle().await;
    let username: HtmlInputElement = find(&again, "#username").unchecked_into();
    let password: HtmlInputElement = find(&again, "#password").unchecked_into();
    assert_eq!(username.value(), "kept.user");
    assert_eq!(password.value(), "");
}

#[wasm_bindgen_test]
async fn the_page_title_says_error_while_errors_stand() {
    document().set_title("Create a mobile worker");
    let root = mount(PROXY);
    settle().await;
    submit(&root);
    settle().await;
    assert_eq!(
        document().title(),
        "Error: Create a mobile worker – CommCare"
    );
    type_into(&root, "#username", "ok.name");
    type_into(&root, "#password", "pw");
    settle().await;
    assert_eq!(document().title(), "Create a mobile worker – CommCare");
}

#[wasm_bindgen_test]
async fn phone_numbers_can_be_added_removed_and_made_default() {
    let root = mount(PROXY);
    settle().await;
    for number in ["111", "222", "333"] {
        find(&root, "button.add[data-list='phone-number']").click();
        settle().await;
        let rows = root.query_selector_all("input[type=tel]").unwrap().length();
        type_into(&root, &format!("#phone-number-{}", rows - 1), number);
    }
    settle().await;
    find(&root, "button.remove[data-index='1']").click();
    settle().await;
    find(&root, "button.make-default[data-index='1']").click();
    settle().await;
    let values: Vec<String> = (0..2)
        .map(|i| {
            let input: HtmlInputElement =
                find(&root, &format!("#phone-number-{i}")).unchecked_into();
            input.value()
        })
        .collect();
    assert_eq!(values, vec!["333", "111"]);
    assert_eq!(
        find(&root, "label[for='phone-number-0']")
            .text_content()
            .unwrap(),
        "Phone number 1 (default)"
    );
    assert_eq!(document().active_element().unwrap().id(), "phone-number-0");
}

fn keep_draft(json: &str) {
    let storage = window().session_storage().unwrap().unwrap();
    storage.clear().unwrap();
    storage
        .set_item("mobile-worker-form:draft:demo", json)
        .unwrap();
}

fn select_value(root: &HtmlElement, css: &str) -> String {
    let select: web_sys::HtmlSelectElement = find(root, css).unchecked_into();
    select.value()
}

#[wasm_bindgen_test]
async fn a_restored_language_shows_in_the_select_or_the_code_box() {
    keep_draft(r#"{"language": "fra"}"#);
    let root = mount_keeping_storage(PROXY);
    settle().await;
    assert_eq!(select_value(&root, "#language-choice"), "fra");
    assert!(root.query_selector("#language").unwrap().is_none());
    root.remove();

    keep_draft(r#"{"language": "lug"}"#);
    let root = mount_keeping_storage(PROXY);
    settle().await;
    assert_eq!(select_value(&root, "#language-choice"), "other");
    let code: HtmlInputElement = find(&root, "#language").unchecked_into();
    assert_eq!(code.value(), "lug");
}

#[wasm_bindgen_test]
async fn removing_a_row_keeps_focus_in_the_list() {
    let root = mount(PROXY);
    settle().await;
    for _ in 0..2 {
        find(&root, "button.add[data-list='phone-number']").click();
        settle().await;
    }
    find(&root, "button.remove[data-index='0']").click();
    settle().await;
    assert_eq!(document().active_element().unwrap().id(), "phone-number-0");
    find(&root, "button.remove[data-index='0']").click();
    settle().await;
    assert_eq!(
        document().active_element().unwrap().id(),
        "phone-number-add"
    );
}

#[wasm_bindgen_test]
fn the_browsers_lower_case_is_unicodes_as_on_the_host() {
    use mobile_worker_form::worker::lower_case;
    // Final sigma included: the same mapping as Rust's and Python's.
    assert_eq!(
        lower_case("ÉMILE ΟΔΟΣ"),
        "\u{e9}mile \u{3bf}\u{3b4}\u{3bf}\u{3c2}"
    );
    assert_eq!(lower_case("Jane Doe"), "jane doe");
}

/// The browser reads JSON with its own `JSON.parse`; what comes out must be what the host's
/// reader gives (src/json.rs's tests), including for texts meant to hurt.
#[wasm_bindgen_test]
fn the_browsers_json_reads_as_the_hosts() {
    use mobile_worker_form::json::{Json, MAX_DEPTH};
    let value =
        Json::parse(r#"{"a": [1, 2.5, true, null, "é😀\n"], "a": {"b": "c"}, "__proto__": 7}"#)
            .unwrap();
    assert_eq!(
        value.get("a").and_then(|a| a.get("b")),
        Some(&Json::from("c"))
    );
    assert_eq!(value.get("__proto__").and_then(Json::as_whole), Some(7));
    let list = Json::parse(r#"[1, 2.5, true, null, "é😀\n"]"#).unwrap();
    assert_eq!(
        list,
        Json::List(vec![
            Json::Number(1.0),
            Json::Number(2.5),
            Json::Bool(true),
            Json::Null,
            Json::from("é😀\n"),
        ])
    );
    assert_eq!(Json::parse(&list.write()).unwrap(), list);
    assert!(!Json::parse("{\"a\": ").unwrap_err().0.is_empty());
    let deep = "[".repeat(20_000) + &"]".repeat(20_000);
    assert!(Json::parse(&deep).is_err());
    let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(Json::parse(&fine).is_ok());
    assert_eq!(Json::Number(0.1).write(), "0.1");
    assert!(Json::parse(r#"["\ud800"]"#).is_err(), "half a character");
    assert!(
        Json::parse(r#"{"\udc00": 1}"#).is_err(),
        "half a character in a key"
    );
    assert_eq!(Json::parse(r#""\ud83d\ude00""#).unwrap(), Json::from("😀"));
}

/// The translation of HQ's Python regexes runs on the browser's own `RegExp` (`v` sets,
/// modifier groups); the host tests run it on another engine. Answers from Python's `re.search`.
#[wasm_bindgen_test]
fn python_regexes_mean_in_the_browser_what_they_mean_in_python() {
    use mobile_worker_form::config::pattern::Pattern;
    let cases: &[(&str, &str, bool)] = &[
        (r"^[^\W\d_]+$", "Amélie", true),
        (r"^[^\W\d_]+$", "Amélie2", false),
        (r"^[\s\S]{3}$", "a\nb", true),
        (r"(?i)^a(?-i:b)c$", "AbC", true),
        (r"(?i)^a(?-i:b)c$", "ABC", false),
        (r"^(?s:a.)b.$", "a\nb\n", false),
        (r"(?i)^istanbul$", "İSTANBUL", true),
        (r"(?i)^[a-z]+$", "İı", true),
        (r"^[a&&b|(]+$", "a&&b|(", true),
        (r"^[a-c-e]+$", "-e", true),
        (r"(?<=ab|cd)x", "cdx", true),
        (r"^\d+$", "٠١٢", true),
    ];
    for &(python, value, python_answer) in cases {
        let pattern = Pattern::new(python).unwrap_or_else(|_| panic!("{python} refused"));
        assert_eq!(
            pattern.found_in(value),
            python_answer,
            "{python} on {value:?}"
        );
    }
}

/// Every character with a case partner, and each partner: the browser matches under `(?i)`
/// exactly as Python's `re` does (Unicode's simple folding plus Python's `ı`/`İ` pairs).
#[wasm_bindgen_test]
fn ignore_case_matches_as_python_on_every_pair() {
    use mobile_worker_form::config::pattern::Pattern;
    let pairs = include_str!("data/ignore_case_pairs.txt");
    let code = |hex: &str| char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap();
    let mut differ = Vec::new();
    for line in pairs.lines().filter(|line| !line.starts_with('#')) {
        let [letter, partner, python] = line.split(' ').collect::<Vec<_>>()[..] else {
            panic!("{line}");
        };
        let (letter, partner) = (code(letter), code(partner));
        let pattern = Pattern::new(&format!(r"(?i)^\U{:08x}$", letter as u32)).unwrap();
        if pattern.found_in(&partner.to_string()) != (python == "1") {
            differ.push(format!("{letter} {partner}"));
        }
    }
    assert_eq!(pairs.lines().count(), 2991);
    assert!(differ.is_empty(), "differ from Python: {differ:?}");
}
