//! The interface in the operator's language: chosen from the browser, fixed by config.json,
//! set by a portal or by the switcher; every word translated, Arabic right to left.

use e2e::serde_json::{json, Value};
use e2e::{with_harness, with_harness_from, with_harness_speaking, ConfigFile, Harness, Portal};
use std::collections::BTreeMap;

fn catalogue(lang: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../../locales/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    e2e::serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every fragment of English text the page could show: each catalogue text split at its
/// placeholders, keeping the fragments of two words or more, but not those `lang`'s own
/// catalogue says too (names that stay the same in every language: CommCare HQ, config.json).
fn english_fragments(lang: &str) -> Vec<String> {
    let theirs: String = catalogue(lang).into_values().collect::<Vec<_>>().join("\n");
    let mut fragments: Vec<String> = catalogue("en")
        .values()
        .flat_map(|text| {
            text.split("{{")
                .map(|part| part.rsplit("}}").next().unwrap_or(part).to_string())
                .collect::<Vec<_>>()
        })
        .map(|f| f.trim_matches(|c: char| !c.is_alphabetic()).to_string())
        .filter(|f| f.split_whitespace().count() >= 2 && !theirs.contains(f.as_str()))
        .collect();
    fragments.sort();
    fragments.dedup();
    fragments
}

/// The English fragments visible on a page in `lang` (text, accessible names, options, title).
async fn english_on_page(h: &Harness, lang: &str) -> Vec<String> {
    let shown = h
        .js("return document.body.innerText + '\\n' + \
             [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label')).join('\\n') + '\\n' + \
             [...document.querySelectorAll('option')].map(o => o.textContent).join('\\n') + '\\n' + \
             document.title")
        .await;
    let shown = shown.as_str().unwrap().to_string();
    english_fragments(lang)
        .into_iter()
        .filter(|f| shown.contains(f.as_str()))
        .collect()
}

async fn html_attr(h: &Harness, name: &str) -> Value {
    h.js(&format!(
        "return document.documentElement.getAttribute('{name}')"
    ))
    .await
}

#[tokio::test]
async fn a_french_browser_gets_the_whole_page_in_french_even_after_errors() {
    with_harness_speaking(ConfigFile::proxy(), "fr-FR,fr", |h| async move {
        h.open().await;
        assert_eq!(html_attr(&h, "lang").await, json!("fr"));
        assert_eq!(h.text("label[for=username]").await, "Nom d'utilisateur");
        h.wait_for_text("#group-picker .picker-status", |t| t.contains("groupes"))
            .await;
        assert_eq!(english_on_page(&h, "fr").await, Vec::<String>::new());

        // A failed submit: the rules speak French too.
        h.click("button[type=submit]").await;
        h.find(".error-summary:not([hidden])").await;
        let summary = h.text(".error-summary").await;
        assert!(summary.contains("nom d'utilisateur"), "{summary}");
        assert!(h
            .js("return document.title")
            .await
            .as_str()
            .unwrap()
            .starts_with("Erreur"));
        assert_eq!(english_on_page(&h, "fr").await, Vec::<String>::new());
        h.screenshot("form-fr").await;
        h.assert_accessible("the French form with errors").await;

        // HQ's refusal: its own words, introduced in French.
        h.stand_in.add_existing_user("demo", "awa.diop");
        h.type_into("#username", "awa.diop").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        let refusal = h
            .wait_for_text("#username-error", |t| t.contains("already taken"))
            .await;
        assert!(refusal.contains("CommCare HQ"), "{refusal}");
        let english = english_on_page(&h, "fr").await;
        assert_eq!(english, Vec::<String>::new());
    })
    .await;
}

#[tokio::test]
async fn arabic_is_right_to_left_and_the_layout_mirrors() {
    with_harness_speaking(ConfigFile::proxy(), "ar-EG,ar", |h| async move {
        h.open().await;
        assert_eq!(html_attr(&h, "dir").await, json!("rtl"));
        assert_eq!(html_attr(&h, "lang").await, json!("ar"));
        h.click("button[type=submit]").await;
        h.find(".error-summary:not([hidden])").await;
        // The submit button starts at the right, and an error's bar is on the field's right.
        let layout = h
            .js("const f = document.querySelector('form.registration').getBoundingClientRect();
                 const b = document.querySelector('button[type=submit]').getBoundingClientRect();
                 const e = getComputedStyle(document.querySelector('.field-error'));
                 return [f.right - b.right, b.left - f.left, e.borderRightWidth, e.borderLeftWidth];")
            .await;
        let layout = layout.as_array().unwrap();
        assert!(layout[0].as_f64().unwrap() < 2.0, "{layout:?}");
        assert!(layout[1].as_f64().unwrap() > 100.0, "{layout:?}");
        assert_eq!(layout[2], json!("5px"), "{layout:?}");
        assert_eq!(layout[3], json!("0px"), "{layout:?}");
        assert_eq!(english_on_page(&h, "ar").await, Vec::<String>::new());
        h.screenshot("form-ar").await;
        h.assert_accessible("the Arabic form with errors").await;
    })
    .await;
}

#[tokio::test]
async fn switching_language_mid_form_keeps_everything_typed_and_is_remembered() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        h.type_into("#username", "Amina Okello").await;
        h.type_into("#first-name", "Amina").await;
        h.click("button.add[data-list='phone-number']").await;
        h.type_into("#phone-number-0", "+256 772 123456").await;
        h.click("button[type=submit]").await;
        h.find(".error-summary:not([hidden])").await;

        // The detector sees English on an English page.
        assert!(!english_on_page(&h, "es").await.is_empty());
        h.select("#ui-language", "es").await;
        h.wait_for_text("label[for=username]", |t| t == "Nombre de usuario")
            .await;
        assert_eq!(html_attr(&h, "lang").await, json!("es"));
        assert_eq!(h.value("#username").await, "Amina Okello");
        assert_eq!(h.value("#first-name").await, "Amina");
        assert_eq!(h.value("#phone-number-0").await, "+256 772 123456");
        // The summary's verdicts follow the language too.
        let summary = h.text(".error-summary").await;
        assert!(summary.contains("contraseña"), "{summary}");
        assert_eq!(english_on_page(&h, "es").await, Vec::<String>::new());

        // The choice holds for the next visit.
        h.open().await;
        h.wait_for_text("label[for=username]", |t| t == "Nombre de usuario")
            .await;
        assert_eq!(h.value("#username").await, "Amina Okello");
    })
    .await;
}

#[tokio::test]
async fn ui_language_in_config_wins_over_the_browser_and_hides_the_switcher() {
    let config = ConfigFile::proxy_with(json!({"ui_language": "pt"}));
    with_harness_speaking(config, "fr-FR,fr", |h| async move {
        h.open().await;
        assert_eq!(html_attr(&h, "lang").await, json!("pt"));
        assert_eq!(h.text("label[for=username]").await, "Nome de usuário");
        assert!(!h.exists("#ui-language").await);
    })
    .await;
}

#[tokio::test]
async fn ui_languages_restricts_the_offer_and_the_browser_match() {
    let config = ConfigFile::proxy_with(json!({"ui_languages": ["en", "sw"]}));
    with_harness_speaking(config, "fr-FR,sw-KE", |h| async move {
        h.open().await;
        assert_eq!(html_attr(&h, "lang").await, json!("sw"));
        let offered = h
            .js("return [...document.querySelectorAll('#ui-language option')].map(o => o.value)")
            .await;
        assert_eq!(offered, json!(["en", "sw"]));
    })
    .await;
}

#[tokio::test]
async fn an_unknown_ui_language_is_a_clear_configuration_error() {
    let config = ConfigFile::proxy_with(json!({"ui_language": "de"}));
    with_harness(config, |h| async move {
        h.open().await;
        let reason = h.text(".config-error-reason").await;
        assert!(
            reason.contains("\"ui_language\"") && reason.contains("de"),
            "{reason}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_portal_can_set_the_language_in_configure() {
    let portal = Portal::serve().await;
    let config =
        ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin.clone()]}}));
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        let frame = h.find("#mobile-worker-form").await;
        // Wait for the form to be ready before configuring it.
        frame.clone().enter_frame().await.unwrap();
        h.app_running().await;
        h.browser.enter_parent_frame().await.unwrap();
        h.js("configure({}, undefined, 'fr'); return true").await;
        frame.enter_frame().await.unwrap();
        h.wait_for_text("label[for=username]", |t| t == "Nom d'utilisateur")
            .await;
        assert_eq!(html_attr(&h, "lang").await, json!("fr"));
    })
    .await;
}

#[tokio::test]
async fn a_language_whose_texts_cannot_be_loaded_leaves_the_page_working_in_another() {
    // A deployment that lost Swahili's catalogue.
    let dist = std::env::temp_dir().join(format!("e2e-dist-no-sw-{}", std::process::id()));
    e2e::nginx::copy_dir(&e2e::dist_dir(), &dist);
    for file in ["sw.json", "sw.json.br", "sw.json.gz"] {
        let _ = std::fs::remove_file(dist.join("locales").join(file));
    }
    with_harness_from(
        dist.clone(),
        ConfigFile::proxy(),
        "sw-TZ,sw",
        |h| async move {
            // The browser asks for Swahili: the page falls back to English, and works.
            h.open().await;
            assert_eq!(html_attr(&h, "lang").await, json!("en"));
            assert_eq!(h.text("label[for=username]").await, "Username");
            h.type_into("#username", "juma").await;

            // Choosing Swahili says it could not be loaded and keeps the page, and the
            // switcher, in English; another language still works.
            h.select("#ui-language", "sw").await;
            h.wait_for_text(".switcher-status", |t| t.contains("could not be loaded"))
                .await;
            assert_eq!(h.value("#ui-language").await, "en");
            assert_eq!(html_attr(&h, "lang").await, json!("en"));
            h.assert_accessible("a language that could not be loaded")
                .await;
            h.select("#ui-language", "fr").await;
            h.wait_for_text("label[for=username]", |t| t == "Nom d'utilisateur")
                .await;
            assert_eq!(h.text(".switcher-status").await, "");
            assert_eq!(h.value("#username").await, "juma");
        },
    )
    .await;
    let _ = std::fs::remove_dir_all(&dist);
}
