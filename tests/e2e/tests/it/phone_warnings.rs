//! Phone numbers that CommCare could not send SMS to (a trunk 0, too few digits) are
//! questioned, never refused; with a country code from the host, one click or one tick puts
//! it in place of the 0.

use crate::bulk::{choose, open_bulk_mode, wait_for_the_end};
use e2e::{with_harness, ConfigFile};

fn with_country_code() -> ConfigFile {
    ConfigFile::proxy_with(e2e::serde_json::json!({ "default_country_code": "256" }))
}

#[tokio::test]
async fn a_number_starting_with_0_is_questioned_and_fixed_in_one_click() {
    with_harness(with_country_code(), |h| async move {
        h.open().await;
        h.type_into("#username", "phone.fix").await;
        h.type_into("#password", "Tr1cky-pass").await;
        h.click("button.add[data-list='phone-number']").await;
        h.type_into("#phone-number-0", "0772 987654").await;
        let warning = h
            .wait_for_text("#phone-number-0-warning", |t| t.contains("Starts with 0"))
            .await;
        assert!(warning.contains("country code"), "{warning}");
        h.assert_accessible("a phone number starting with 0, with its one-click fix")
            .await;
        h.screenshot("phone-warning").await;
        h.click("#phone-number-0-warning button.use-country-code")
            .await;
        assert_eq!(h.value("#phone-number-0").await, "+256772987654");
        h.wait_for_text("#phone-number-0-warning", str::is_empty)
            .await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let posts = h.user_posts();
        assert_eq!(posts[0].json()["phone_numbers"][0], "256772987654");
    })
    .await;
}

#[tokio::test]
async fn a_warning_never_blocks_and_a_short_number_is_said_once_typed() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        h.type_into("#username", "phone.short").await;
        h.type_into("#password", "Tr1cky-pass").await;
        h.click("button.add[data-list='phone-number']").await;
        h.type_into("#phone-number-0", "12345").await;
        assert_eq!(
            h.text("#phone-number-0-warning").await,
            "",
            "not while typing"
        );
        h.click("#username").await;
        let warning = h
            .wait_for_text("#phone-number-0-warning", |t| t.contains("Only 5 digits"))
            .await;
        assert!(
            !warning.contains("Use +"),
            "no country code, no fix: {warning}"
        );
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        assert_eq!(h.user_posts()[0].json()["phone_numbers"][0], "12345");
    })
    .await;
}

#[tokio::test]
async fn bulk_rows_are_told_and_the_country_code_added_when_ticked() {
    with_harness(with_country_code(), |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        let path = std::env::temp_dir().join(format!("phones-{}.csv", std::process::id()));
        std::fs::write(
            &path,
            "username,password,phone-number 1\r\n\
             trunk.zero,Pass-2-word-ok,0772 987654\r\n\
             whole.number,Pass-3-word-ok,256700111222\r\n",
        )
        .unwrap();
        choose(&h, &path).await;
        let check = h
            .wait_for_text("#rows-to-check", |t| t.contains("Starts with 0"))
            .await;
        assert!(check.contains("“0772 987654”"), "{check}");
        assert!(!check.contains("whole.number"), "{check}");
        h.click("#bulk-add-country-code").await;
        h.wait_for_text("#rows-to-check", |t| {
            t.contains("“0772 987654” will be sent as +256772987654")
        })
        .await;
        h.assert_accessible("bulk mode, a number to be given its country code")
            .await;
        h.click("#start-run").await;
        wait_for_the_end(&h, 60).await;
        let sent: Vec<String> = h
            .user_posts()
            .iter()
            .map(|p| p.json()["phone_numbers"][0].as_str().unwrap().to_string())
            .collect();
        assert_eq!(sent, ["256772987654", "256700111222"]);
        let _ = std::fs::remove_file(path);
    })
    .await;
}
