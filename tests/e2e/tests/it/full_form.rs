//! Every field of the form, its rules as a person meets them, drafts across reloads, and the
//! success view.

use e2e::serde_json::json;
use e2e::{with_harness, ConfigFile};

#[tokio::test]
async fn every_field_is_sent_as_hq_expects() {
    with_harness(ConfigFile::proxy(), |h| async move {
        let group = h.stand_in.groups("demo")[3].clone();
        let location = h.stand_in.locations("demo")[1].clone();
        h.open().await;
        h.type_into("#username", "Amina Okello").await;
        h.type_into("#password", "Tr1cky-pass").await;
        h.type_into("#first-name", "Amina").await;
        h.type_into("#last-name", "Okello").await;
        h.type_into("#email", "amina@example.org").await;
        h.click("button.add[data-list='phone-number']").await;
        h.type_into("#phone-number-0", "0700 111-222").await;
        h.click("button.add[data-list='phone-number']").await;
        h.type_into("#phone-number-1", "+256 772-123456").await;
        // The second number becomes the default, i.e. moves first.
        h.click("button.make-default[data-index='1']").await;
        h.type_into("#group-search", &group.name).await;
        h.click(&format!("#group-picker input[value='{}']", group.id))
            .await;
        h.type_into("#location-search", &location.site_code).await;
        h.click(&format!(
            "#location-picker input[value='{}']",
            location.location_id
        ))
        .await;
        h.type_into("#role", "Field worker").await;
        h.click("button.add[data-list='user-data']").await;
        h.type_into("#user-data-key-0", "district").await;
        h.type_into("#user-data-value-0", "Gulu North").await;
        h.select("#language-choice", "fra").await;
        h.click("button[type=submit]").await;

        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let posts = h.user_posts();
        assert_eq!(posts.len(), 1);
        assert_eq!(
            posts[0].json(),
            json!({
                "username": "amina.okello",
                "password": "Tr1cky-pass",
                "first_name": "Amina",
                "last_name": "Okello",
                "email": "amina@example.org",
                "phone_numbers": ["256772123456", "0700111222"],
                "default_phone_number": "256772123456",
                "groups": [group.id],
                "primary_location": location.location_id,
                "locations": [location.location_id],
                "role": "Field worker",
                "user_data": {"district": "Gulu North"},
                "language": "fra",
            })
        );
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_explained_next_to_each_field_and_in_the_summary() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        h.type_into("#username", ".admin").await;
        h.type_into("#first-name", &"x".repeat(31)).await;
        h.type_into("#email", "amina.example.org").await;
        h.click("button.add[data-list='phone-number']").await;
        h.type_into("#phone-number-0", "07OO 111").await;
        h.click("button.add[data-list='user-data']").await;
        h.type_into("#user-data-key-0", "commcare_location").await;
        h.select("#language-choice", "other").await;
        h.type_into("#language", "English").await;
        h.click("button[type=submit]").await;

        let summary = h
            .wait_for_text(".error-summary", |t| t.contains("There is a problem"))
            .await;
        for expected in [
            "Username cannot start or end with a dot",
            "Enter a password",
            "First name must be 30 characters or fewer (it has 31)",
            "Enter an email address in the correct format, like name@example.com",
            "Phone number 1 can only contain the digits 0 to 9, spaces, dashes and a +; remove “O”",
            "User data “commcare_location” cannot start with “commcare”",
            "Language “English” can never match a CommCare app language",
        ] {
            assert!(
                summary.contains(expected),
                "{expected} missing from {summary}"
            );
        }
        assert!(h.text("#email-error").await.contains("correct format"));
        assert_eq!(
            h.attr("#phone-number-0", "aria-invalid").await.as_deref(),
            Some("true")
        );
        let title = h.js("return document.title").await;
        assert!(title.as_str().unwrap().starts_with("Error: "), "{title}");
        let focused = h.js("return document.activeElement.className").await;
        assert_eq!(focused, json!("error-summary"));
        assert!(
            h.user_posts().is_empty(),
            "nothing is sent while the rules refuse it"
        );
        assert_eq!(h.value("#email").await, "amina.example.org");
        h.screenshot("form-with-errors").await;
        h.assert_accessible("every field with an error").await;

        // A summary link takes the person to the field; fixing it clears its error.
        h.click(".error-summary a[href='#email']").await;
        let focused = h.js("return document.activeElement.id").await;
        assert_eq!(focused, json!("email"));
        h.replace_text("#email", "amina@example.org").await;
        h.wait_for_text(".error-summary", |t| !t.contains("correct format"))
            .await;
        assert!(!h.exists("#email-error").await);
    })
    .await;
}

#[tokio::test]
async fn the_draft_survives_a_reload_but_the_password_does_not() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        h.type_into("#username", "jdoe").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.type_into("#first-name", "Jane").await;
        h.click("button.add[data-list='phone-number']").await;
        h.type_into("#phone-number-0", "+1 555 0100").await;
        h.select("#language-choice", "other").await;
        h.type_into("#language", "lug").await;
        h.browser.refresh().await.unwrap();
        h.app_running().await;

        assert_eq!(h.value("#username").await, "jdoe");
        assert_eq!(h.value("#first-name").await, "Jane");
        assert_eq!(h.value("#phone-number-0").await, "+1 555 0100");
        assert_eq!(h.value("#language").await, "lug");
        assert_eq!(h.value("#password").await, "");
        let stored = h.js("return JSON.stringify(sessionStorage)").await;
        assert!(!stored.as_str().unwrap().contains("s3cret"), "{stored}");
    })
    .await;
}

#[tokio::test]
async fn the_password_can_be_shown_and_hidden() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        assert_eq!(
            h.attr("#password", "type").await.as_deref(),
            Some("password")
        );
        assert_eq!(
            h.attr("#password", "autocomplete").await.as_deref(),
            Some("new-password")
        );
        h.click("#password ~ button.reveal").await;
        assert_eq!(h.attr("#password", "type").await.as_deref(), Some("text"));
        h.click("#password ~ button.reveal").await;
        assert_eq!(
            h.attr("#password", "type").await.as_deref(),
            Some("password")
        );
    })
    .await;
}

#[tokio::test]
async fn the_success_view_copies_the_id_and_starts_afresh() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        h.type_into("#username", "Jane Doe").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.type_into("#first-name", "Jane").await;
        h.click("button[type=submit]").await;
        let id = h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        assert_eq!(h.text(".created-username").await, "jane.doe@demo.commcarehq.org");
        h.screenshot("created").await;
        h.assert_accessible("the success view").await;

        h.click("button.copy").await;
        h.wait_for_text(".copy-status", |t| t == "Copied").await;
        // Paste what was copied into a scratch box, as a person would with Ctrl+V.
        h.js("const t = document.createElement('textarea'); t.id = 'paste-here'; document.body.append(t);")
            .await;
        h.find("#paste-here").await.send_keys("\u{E009}v\u{E000}").await.unwrap();
        let copied = h.value("#paste-here").await;
        assert_eq!(copied, id);

        h.click("button.another").await;
        h.find("form.registration").await;
        assert_eq!(h.value("#username").await, "");
        assert_eq!(h.value("#first-name").await, "");
        let focused = h.js("return document.activeElement.id").await;
        assert_eq!(focused, json!("username"));
    })
    .await;
}

#[tokio::test]
async fn another_with_the_same_settings_keeps_the_team_and_empties_the_person() {
    with_harness(ConfigFile::proxy(), |h| async move {
        let group = h.stand_in.groups("demo")[2].clone();
        h.open().await;
        h.type_into("#username", "team.first").await;
        h.type_into("#password", "Tr1cky-pass").await;
        h.type_into("#first-name", "Amina").await;
        h.type_into("#group-search", &group.name).await;
        h.click(&format!("#group-picker input[value='{}']", group.id))
            .await;
        h.type_into("#role", "Field worker").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        h.assert_accessible("the success view with both ways to create another")
            .await;
        h.click("button.another-alike").await;
        assert_eq!(h.value("#username").await, "");
        assert_eq!(h.value("#first-name").await, "");
        assert_eq!(h.value("#role").await, "Field worker");
        let chosen = h.text("#group-picker .chosen").await;
        assert!(chosen.contains(&group.name), "{chosen}");
        h.screenshot("create-another-alike").await;
        h.type_into("#username", "team.second").await;
        h.type_into("#password", "Tr1cky-pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let second = h.user_posts()[1].json();
        assert_eq!(second["groups"], json!([group.id]));
        assert_eq!(second["role"], "Field worker");
        assert!(second.get("first_name").is_none());
    })
    .await;
}
