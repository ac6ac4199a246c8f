//! `start.js` chooses the page's language before the app runs, so that nothing is painted
//! in another language; the app then chooses again (`LanguageChoice::pick`). These tests keep
//! the two choices the same: the script is run by Node.js on the cases the app is given. (They
//! part only where `config.json` is wrong in a key other than the languages: the script reads
//! the languages anyway, the app then shows its error screen in the browser's language.)

use mobile_worker_form::config::Config;
use mobile_worker_form::i18n::{Lang, LanguageChoice, REMEMBERED};
use serde_json::{json, Value};
use std::process::Command;

const SCRIPT: &str = include_str!("../src/start.js");

/// What the app chooses for `config.json` holding `settings` (beside what any file needs).
fn app_choice(
    settings: &Value,
    remembered: Option<&str>,
    browser: &[&str],
) -> (String, Vec<String>) {
    let mut file = json!({"base_url": "", "domain": "demo", "auth": "proxy"});
    if let (Some(file), Some(settings)) = (file.as_object_mut(), settings.as_object()) {
        file.extend(settings.clone());
    }
    let config = Config::parse(&file.to_string());
    let choice = LanguageChoice {
        fixed: config.as_ref().ok().and_then(|c| c.ui_language),
        offered: config.map(|c| c.ui_languages).unwrap_or_default(),
        portal: None,
        remembered: remembered.and_then(Lang::from_code),
        browser: browser.iter().map(|b| b.to_string()).collect(),
    };
    let codes = |langs: Vec<Lang>| langs.into_iter().map(|l| l.code().to_string()).collect();
    (choice.pick().code().to_string(), codes(choice.offer()))
}

#[test]
fn the_first_view_speaks_the_language_the_app_will() {
    let cases: Vec<(Value, Option<&str>, Vec<&str>)> = vec![
        (json!({}), None, vec![]),
        (json!({}), None, vec!["fr-SN", "en"]),
        (json!({}), None, vec!["de-DE", "pt-BR", "en"]),
        (json!({}), None, vec!["sw_TZ"]),
        (json!({}), Some("ar"), vec!["fr"]),
        (json!({}), Some("xx"), vec!["hi"]),
        (json!({"ui_language": "fr"}), Some("es"), vec!["hi"]),
        (json!({"ui_language": "FR-ca"}), None, vec!["en"]),
        (json!({"ui_language": null}), None, vec!["es"]),
        (json!({"ui_language": "xx"}), None, vec!["hi"]),
        (json!({"ui_language": 7}), None, vec!["pt"]),
        (
            json!({"ui_languages": ["pt", "es"]}),
            Some("fr"),
            vec!["ar", "es"],
        ),
        (json!({"ui_languages": ["pt", "es"]}), None, vec!["ar"]),
        (json!({"ui_languages": ["pt", "en"]}), None, vec!["de"]),
        (json!({"ui_languages": []}), None, vec!["ar"]),
        (json!({"ui_languages": ["pt", "xx"]}), None, vec!["ar"]),
        (json!({"ui_languages": "pt"}), None, vec!["ar"]),
        (json!({"ui_languages": null}), None, vec!["sw"]),
        (
            json!({"ui_language": "ar", "ui_languages": ["fr"]}),
            None,
            vec!["fr"],
        ),
    ];
    let inputs: Vec<Value> = cases
        .iter()
        .map(|(settings, remembered, browser)| json!([settings, remembered, browser]))
        .collect();
    let program = format!(
        "{SCRIPT}\nconst cases = {};\nconsole.log(JSON.stringify(cases.map(([s, r, b]) => firstViewLanguage(s, r, b))));",
        Value::from(inputs)
    );
    let out = Command::new("node")
        .args(["-e", &program])
        .output()
        .expect("Node.js runs start.js here (`cargo xtask setup --browser` installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chosen: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for ((settings, remembered, browser), js) in cases.iter().zip(chosen) {
        let (lang, offer) = app_choice(settings, *remembered, browser);
        assert_eq!(
            js,
            json!({"lang": lang, "offer": offer}),
            "config {settings}, remembered {remembered:?}, browser {browser:?}"
        );
    }
}

#[test]
fn the_start_scripts_own_words_are_the_catalogues_where_texts_are_missing() {
    let english: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!("../locales/en.json")).unwrap();
    let mut said = 0;
    for (at, _) in SCRIPT.match_indices("say(") {
        let args = &SCRIPT[at + 4..];
        let quoted = |text: &str| -> Option<(String, usize)> {
            let text = text.trim_start_matches([' ', '\n', ',']);
            let skipped = args.len() - text.len();
            let rest = text.strip_prefix('"')?;
            let end = rest.find('"')?;
            Some((rest[..end].to_string(), skipped + end + 2))
        };
        let Some((key, used)) = quoted(args) else {
            continue; // the definition
        };
        let (fallback, _) = quoted(&args[used..]).expect("a fallback text");
        assert_eq!(Some(&json!(fallback)), english.get(&key), "{key}");
        said += 1;
    }
    assert_eq!(
        said, 5,
        "start.waiting, start.failed, start.broken, start.reload and page.heading"
    );
}

#[test]
fn the_first_view_knows_the_same_languages_and_remembered_choice() {
    let codes: Vec<String> = Lang::ALL
        .iter()
        .map(|l| format!("{:?}", l.code()))
        .collect();
    let list = format!("[{}]", codes.join(", "));
    assert!(SCRIPT.contains(&list), "start.js should list {list}");
    assert!(
        SCRIPT.contains(&format!("{REMEMBERED:?}")),
        "start.js should read {REMEMBERED}"
    );
    assert!(
        SCRIPT.contains(&format!(
            "`{}${{domain}}`",
            mobile_worker_form::form::session::KEY_PREFIX
        )),
        "start.js should look for a kept draft where src/session.rs keeps it"
    );
    for name in ["mobileWorkerFormTexts:", "mobileWorkerFormConfig"] {
        assert!(
            SCRIPT.contains(name),
            "the app takes its early answers from {name}"
        );
    }
}

#[test]
fn the_start_script_speaks_the_portal_protocol_by_its_name() {
    let name = mobile_worker_form::portal::protocol::PROTOCOL;
    assert!(
        SCRIPT.contains(&format!("const PROTOCOL = {name:?};")),
        "start.js should name the protocol {name}"
    );
}
