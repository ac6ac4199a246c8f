//! A project's own policies (`"project"` in `config.json`, or from a portal): custom user
//! fields, profiles, strong passwords, account confirmation, roles, a required location.

use e2e::serde_json::{json, Value};
use e2e::{with_harness, ConfigFile, Harness, Portal};

fn project() -> Value {
    json!({
        "user_fields": [
            {"slug": "district", "label": "District", "required": true, "choices": ["North", "South"]},
            {"slug": "chw_id", "label": "CHW number", "regex": "^[0-9]{6}$", "regex_msg": "Six digits, e.g. 004512"},
            {"slug": "clinic", "label": "Clinic", "required": true}
        ],
        "profiles": [{"id": 12, "name": "Nurse", "fields": {"district": "North", "clinic": "Gulu HC IV"}}],
        "strong_passwords": true,
        "account_confirmation": true,
        "location_required": true,
        "roles": ["Field worker", "Supervisor"]
    })
}

fn config() -> ConfigFile {
    ConfigFile::proxy_with(json!({ "project": project() }))
}

/// Opens the form and waits for the project's lists.
async fn open(h: &Harness) {
    h.open().await;
    h.wait_for_text("#location-picker .picker-status", |t| {
        t.contains("in this project")
    })
    .await;
}

async fn choose_a_location(h: &Harness) -> String {
    let location = h.stand_in.locations("demo")[0].clone();
    h.type_into("#location-search", &location.name).await;
    h.click(&format!("input[value='{}']", location.location_id))
        .await;
    location.location_id
}

/// District and Clinic, the project's two required fields.
async fn fill_the_required_project_fields(h: &Harness) {
    h.select("#user-field-0", "North").await;
    h.type_into("#user-field-2", "Gulu HC IV").await;
}

fn scorer_requested(h: &Harness) -> bool {
    h.served_paths()
        .iter()
        .any(|p| p.contains("mobile-worker-scorer"))
}

#[tokio::test]
async fn a_required_field_blocks_the_submit_and_a_choice_and_a_regex_field_are_sent() {
    with_harness(config(), |h| async move {
        open(&h).await;
        h.type_into("#username", "amina").await;
        h.click("#generate-password").await;
        let location = choose_a_location(&h).await;
        h.select("#role", "Supervisor").await;
        h.type_into("#user-field-1", "4512").await;
        h.click("button[type=submit]").await;

        let summary = h
            .wait_for_text(".error-summary", |t| t.contains("Choose District"))
            .await;
        assert!(summary.contains("Enter Clinic"), "{summary}");
        assert!(
            summary.contains("CHW number: Six digits, e.g. 004512"),
            "{summary}"
        );
        assert!(h
            .text("#user-field-0-error")
            .await
            .contains("Choose District"));
        h.assert_accessible("project fields in error").await;
        assert!(h.user_posts().is_empty());

        h.select("#user-field-0", "South").await;
        h.replace_text("#user-field-1", "004512").await;
        h.type_into("#user-field-2", "Lira RRH").await;
        h.wait_for_text(".error-summary", |t| t.is_empty()).await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let sent = h.user_posts()[0].json();
        assert_eq!(
            sent["user_data"],
            json!({"district": "South", "chw_id": "004512", "clinic": "Lira RRH"})
        );
        assert_eq!(sent["role"], "Supervisor");
        assert_eq!(sent["locations"], json!([location]));
    })
    .await;
}

#[tokio::test]
async fn a_profiles_values_are_shown_sent_and_cannot_be_edited() {
    with_harness(config(), |h| async move {
        open(&h).await;
        h.type_into("#username", "nurse.one").await;
        h.type_into("#user-field-2", "typed before").await;
        h.select("#profile", "12").await;
        // The fields the profile fixes are gone from the form; their values are listed.
        let fixed = h
            .wait_for_text(".fixed-by-profile", |t| t.contains("Gulu HC IV"))
            .await;
        assert!(
            fixed.contains("District") && fixed.contains("North"),
            "{fixed}"
        );
        for field in ["#user-field-0", "#user-field-2"] {
            assert!(
                !h.find(field).await.is_displayed().await.unwrap(),
                "{field}"
            );
        }
        assert!(h.find("#user-field-1").await.is_displayed().await.unwrap());
        h.click("#generate-password").await;
        choose_a_location(&h).await;
        h.assert_accessible("a profile chosen").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        assert_eq!(
            h.user_posts()[0].json()["user_data"],
            json!({"district": "North", "clinic": "Gulu HC IV", "commcare_profile": 12})
        );
    })
    .await;
}

#[tokio::test]
async fn a_weak_password_is_refused_a_generated_one_accepted_and_the_scorer_loads_only_when_used() {
    with_harness(config(), |h| async move {
        open(&h).await;
        h.type_into("#username", "kwame").await;
        fill_the_required_project_fields(&h).await;
        choose_a_location(&h).await;
        assert!(!scorer_requested(&h), "{:?}", h.served_paths());
        assert_eq!(
            h.text("#password-strength").await,
            "",
            "the meter says nothing until a password is typed"
        );

        h.type_into("#password", "password1").await;
        h.wait_for_text(".strength-words", |t| t.contains("Too easy to guess"))
            .await;
        assert!(scorer_requested(&h), "{:?}", h.served_paths());
        let advice = h.text(".strength-advice").await;
        assert!(advice.contains("common"), "{advice}");
        h.assert_accessible("a weak password with advice").await;
        h.screenshot("strong-passwords").await;
        h.click("button[type=submit]").await;
        h.wait_for_text("#password-error", |t| t.contains("too easy to guess"))
            .await;
        assert!(h.user_posts().is_empty());

        h.click("#generate-password").await;
        let generated = h.value("#password").await;
        assert_eq!(generated.chars().count(), 14);
        assert_eq!(h.text(".generated-password").await, generated);
        h.wait_for_text(".strength-words", |t| t.contains("Strong enough"))
            .await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        assert_eq!(h.user_posts()[0].json()["password"], json!(generated));
        // Shown once more, so it can be handed over.
        assert_eq!(h.text(".created-password").await, generated);
    })
    .await;
}

#[tokio::test]
async fn account_confirmation_sends_no_password_and_needs_an_email() {
    with_harness(config(), |h| async move {
        open(&h).await;
        h.type_into("#username", "by.email").await;
        h.type_into("#password", "short").await;
        fill_the_required_project_fields(&h).await;
        choose_a_location(&h).await;
        h.click("#confirm-by-email").await;
        assert!(!h.find("#password").await.is_displayed().await.unwrap());
        h.click("button[type=submit]").await;
        h.wait_for_text("#email-error", |t| t.contains("email address"))
            .await;
        h.type_into("#email", "by.email@example.org").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let sent = h.user_posts()[0].json();
        assert!(sent.get("password").is_none(), "{sent}");
        assert_eq!(sent["require_account_confirmation"], true);
        assert_eq!(sent["send_confirmation_email_now"], true);
        assert_eq!(h.stand_in.users()[0].fields["is_account_confirmed"], false);
        // No password was generated here, so none is shown.
        assert!(!h.exists(".created-password").await);
    })
    .await;
}

#[tokio::test]
async fn a_location_is_required_and_a_broken_policy_is_a_configuration_error() {
    with_harness(config(), |h| async move {
        open(&h).await;
        h.type_into("#username", "no.place").await;
        h.click("#generate-password").await;
        fill_the_required_project_fields(&h).await;
        h.click("button[type=submit]").await;
        let summary = h
            .wait_for_text(".error-summary", |t| t.contains("at least one location"))
            .await;
        assert!(!summary.contains("District"), "{summary}");
        assert!(h
            .text("#location-search-error")
            .await
            .contains("at least one location"));
        h.click(".error-summary a").await;
        let focused = h.js("return document.activeElement.id").await;
        assert_eq!(focused, json!("location-search"));
    })
    .await;
    let broken = ConfigFile::proxy_with(json!({"project": {
        "user_fields": [{"slug": "chw_id", "regex": "(?x) [0-9]+"}]
    }}));
    with_harness(broken, |h| async move {
        h.open().await;
        let reason = h.text(".config-error-reason").await;
        assert!(reason.contains("project.user_fields[0].regex"), "{reason}");
        assert!(reason.contains("(?x)"), "{reason}");
    })
    .await;
    // What the fuzzers found: searching it would hold the page (and HQ's dialog) for hours.
    let slow = ConfigFile::proxy_with(json!({"project": {
        "user_fields": [{"slug": "chw_id", "regex": "((||||||||)\\0)+=a$"}]
    }}));
    with_harness(slow, |h| async move {
        h.open().await;
        let reason = h.text(".config-error-reason").await;
        assert!(reason.contains("project.user_fields[0].regex"), "{reason}");
        assert!(reason.contains("too long to check"), "{reason}");
        h.assert_accessible("a regex refused as too slow to search")
            .await;
    })
    .await;
}

#[tokio::test]
async fn a_portal_can_state_the_projects_policies() {
    let portal = Portal::serve().await;
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin]}}));
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        h.js_until(
            "the form saying ready",
            "return (window.received || []).some(m => m.type === 'ready')",
        )
        .await;
        h.js(&format!(
            "configure({{}}, undefined, undefined, {}); return true",
            project()
        ))
        .await;
        let frame = h.find("#mobile-worker-form").await;
        frame.enter_frame().await.unwrap();
        h.find("#user-field-0").await;
        assert!(h.exists("#confirm-by-email").await);
        h.type_into("#username", "framed").await;
        h.click("#generate-password").await;
        h.click("button[type=submit]").await;
        let summary = h
            .wait_for_text(".error-summary", |t| t.contains("Choose District"))
            .await;
        assert!(summary.contains("at least one location"), "{summary}");
        assert!(h.user_posts().is_empty());
    })
    .await;
}
