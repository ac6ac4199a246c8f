//! Carrying on with a file: a reload keeps the run's choices and never turns created rows into
//! problems; another tab, which cannot see this tab's record, points to HQ's Mobile Workers
//! list as the record of truth; and problems speak of the file's cells, in Arabic as well.

use crate::bulk::{choose, open_bulk_mode, wait_for_the_end};
use e2e::{with_harness, with_harness_speaking, ConfigFile, Harness};

fn write_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("{name}-{}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

async fn generate_is_ticked(h: &Harness) -> bool {
    h.js("return document.getElementById('bulk-generate-passwords').checked")
        .await
        .as_bool()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_reload_keeps_the_run_and_another_tab_is_sent_to_hq() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        let file = write_file(
            "carry-on",
            "username,password\r\ncarry.one,\r\ncarry.two,\r\ncarry.three,\r\n",
        );
        choose(&h, &file).await;
        h.click("#bulk-generate-passwords").await;
        h.click("#start-run").await;
        wait_for_the_end(&h, 60).await;
        assert_eq!(h.stand_in.users().len(), 3);

        // After a reload the same file is checked as it was sent.
        h.browser.refresh().await.unwrap();
        h.find("#bulk-workers-file").await;
        assert!(generate_is_ticked(&h).await, "the run's choice is kept");
        choose(&h, &file).await;
        h.wait_for_text("#bulk-earlier", |t| {
            t.contains("3 rows of this file were already sent")
        })
        .await;
        // Even with the choice undone, created rows are counted as created, not as problems.
        h.click("#bulk-generate-passwords").await;
        let summary = h
            .wait_for_text("#bulk-summary", |t| t.contains("3 rows"))
            .await;
        assert!(summary.contains("0 with problems"), "{summary}");
        assert!(!h.exists("#rows-with-problems").await);
        assert!(
            !h.exists("#bulk-elsewhere").await,
            "this tab has the record"
        );

        // Another tab has no record of them: it says so, and links to HQ's list.
        let first = h.browser.window().await.unwrap();
        let other = h.browser.new_window(true).await.unwrap();
        h.browser.switch_to_window(other.handle).await.unwrap();
        h.browser
            .goto(&format!("{}#bulk", h.app_url))
            .await
            .unwrap();
        h.find("#bulk-workers-file").await;
        assert!(!generate_is_ticked(&h).await, "a new tab starts afresh");
        choose(&h, &file).await;
        let said = h
            .wait_for_text("#bulk-elsewhere", |t| t.contains("another tab"))
            .await;
        assert!(
            said.contains("CommCare HQ is the record of truth"),
            "{said}"
        );
        let link = h.attr("#bulk-elsewhere a", "href").await.unwrap();
        assert_eq!(link, "/a/demo/settings/users/commcare/");
        assert_eq!(
            h.attr("#bulk-elsewhere a", "target").await.as_deref(),
            Some("_blank")
        );
        h.assert_accessible("bulk mode, rows sent from another tab")
            .await;
        h.screenshot("bulk-record-elsewhere").await;
        // The link leads to HQ's list, which holds the workers.
        h.browser
            .goto(&format!(
                "{}/a/demo/settings/users/commcare/",
                h.app_url.trim_end_matches('/')
            ))
            .await
            .unwrap();
        let list = h.text("#mobile-workers").await;
        assert!(list.contains("carry.two@demo.commcarehq.org"), "{list}");
        h.browser.close_window().await.unwrap();
        h.browser.switch_to_window(first).await.unwrap();
        let _ = std::fs::remove_file(file);
    })
    .await;
}

#[tokio::test]
async fn arabic_problems_name_the_cell_and_long_column_names_wrap_on_a_phone() {
    let project = e2e::serde_json::json!({
        "user_fields": [{
            "slug": "district_of_residence_for_the_community_health_programme",
            "label": "District",
            "choices": ["North", "South"]
        }]
    });
    let config = ConfigFile::proxy_with(e2e::serde_json::json!({ "project": project }));
    with_harness_speaking(config, "ar-EG,ar", |h| async move {
        h.browser.set_window_size(360, 800).await.unwrap();
        h.open().await;
        open_bulk_mode(&h).await;
        let file = write_file(
            "arabic-cells",
            "username,password,data: district_of_residence_for_the_community_health_programme\r\n\
             amina,Pass-2-word-ok,north\r\n",
        );
        choose(&h, &file).await;
        let problems = h
            .wait_for_text("#rows-with-problems tbody", |t| t.contains("north"))
            .await;
        // "did you mean “North”?", the value isolated from the Arabic around it.
        assert!(
            problems.contains("هل تقصد “\u{2068}North\u{2069}”"),
            "the nearest choice: {problems}"
        );
        // Numbers are the digits spreadsheets show, as Chromium writes them for `ar`.
        assert!(problems.contains('2'), "{problems}");
        // Nothing is wider than the phone's screen: long names wrap, Arabic between words.
        let overflow = h
            .js("const t = document.getElementById('rows-with-problems'); \
                 return [document.documentElement.scrollWidth - document.documentElement.clientWidth, \
                         t.scrollWidth - t.clientWidth];")
            .await;
        assert_eq!(overflow, e2e::serde_json::json!([0, 0]), "overflow");
        let broken_words = h
            .js("const cell = document.querySelector('#rows-with-problems tbody td:last-child'); \
                 const words = cell.textContent.split(/\\s+/).filter(w => /^[\\u0600-\\u06FF]{6,}$/.test(w)); \
                 const range = document.createRange(); \
                 return words.filter(w => { \
                   const at = cell.textContent.indexOf(w); \
                   const node = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); \
                   let n, offset = 0; \
                   while ((n = node.nextNode())) { \
                     if (at < offset + n.length && at + w.length <= offset + n.length) { \
                       range.setStart(n, at - offset); range.setEnd(n, at - offset + w.length); \
                       return range.getClientRects().length > 1; } \
                     offset += n.length; } \
                   return false; });")
            .await;
        assert_eq!(broken_words, e2e::serde_json::json!([]), "Arabic words split");
        h.assert_accessible("bulk mode in Arabic on a phone").await;
        h.screenshot("bulk-problems-ar").await;
        let _ = std::fs::remove_file(file);
    })
    .await;
}
