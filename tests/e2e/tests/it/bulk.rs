//! Bulk creation: many mobile workers from a file, checked before anything is sent, paced,
//! resumable after a reload, with a results file. Its module is fetched only when bulk mode
//! is opened.

use e2e::stand_in_hq::Fault;
use e2e::{with_harness, ConfigFile, Harness};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Rows (spreadsheet numbers) that are wrong, and why.
const BAD_ROWS: [(usize, &str); 5] = [
    (8, "username “bad name!”: Username can only contain"),
    (17, "is not one of the project's groups; did you mean"),
    (26, "location_code “nowhere” is not the site code of any"),
    (35, "username “Bulk.Worker3” is already in row 3"),
    (44, "email “not-an-email”: Enter an email address"),
];

/// A file of 60 workers, 5 of them wrong, with the stand-in's own group and site code.
fn workers_file(h: &Harness) -> PathBuf {
    let group = h.stand_in.groups("demo")[0].name.clone();
    let site_code = h.stand_in.locations("demo")[0].site_code.clone();
    let mut text = String::from("username,password,first_name,email,group,location_code\r\n");
    for row in 2..=61 {
        let (mut username, mut email) = (format!("bulk.worker{row}"), String::new());
        let (mut group, mut site_code) = (group.clone(), site_code.clone());
        match row {
            8 => username = "bad name!".into(),
            // Mistyped in case: the page names the project's own spelling.
            17 => group = group.to_uppercase(),
            26 => site_code = "nowhere".into(),
            35 => username = "Bulk.Worker3".into(),
            44 => email = "not-an-email".into(),
            _ => {}
        }
        text.push_str(&format!(
            "{username},Pass-{row}-word,\"Worker, {row}\",{email},{group},{site_code}\r\n"
        ));
    }
    let path = std::env::temp_dir().join(format!("workers-{}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

pub(crate) async fn open_bulk_mode(h: &Harness) {
    h.click("#mode-many").await;
    h.find("#bulk-workers-file").await;
}

pub(crate) async fn choose(h: &Harness, file: &Path) {
    h.find("#bulk-workers-file")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
}

fn bulk_requested(h: &Harness) -> bool {
    h.served_paths()
        .iter()
        .any(|p| p.contains("mobile-worker-bulk"))
}

/// Each username the stand-in was asked to create, and how many times.
pub(crate) fn posts_by_username(h: &Harness) -> BTreeMap<String, usize> {
    let mut posts = BTreeMap::new();
    for post in h.user_posts() {
        let username = post.json()["username"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        *posts.entry(username).or_insert(0) += 1;
    }
    posts
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(240);
    while !done() {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits up to `seconds` for the run to say it is done.
pub(crate) async fn wait_for_the_end(h: &Harness, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !h.text("#bulk-saying").await.contains("Done") {
        assert!(Instant::now() < deadline, "the run never finished");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The text of the last file the page handed the browser to save.
pub(crate) async fn saved_file(h: &Harness) -> String {
    h.js("return window.savedFiles[window.savedFiles.length - 1].text();")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub(crate) async fn catch_saved_files(h: &Harness) {
    h.js(
        "window.savedFiles = []; const make = URL.createObjectURL; \
         URL.createObjectURL = (blob) => { window.savedFiles.push(blob); return make.call(URL, blob); };",
    )
    .await;
}

#[tokio::test]
async fn sixty_rows_five_refused_before_sending_the_rest_created_once_through_429_500_and_a_reload()
{
    with_harness(ConfigFile::proxy(), |h| async move {
        let file = workers_file(&h);
        every_row_is_checked_before_anything_is_sent(&h, &file).await;
        the_run_goes_through_faults_a_pause_and_a_reload(&h, &file).await;
        let posts = each_good_row_is_created_once(&h);
        let unsure = h.text("#rows-not-created").await;
        assert!(unsure.contains("May have been created"), "{unsure}");
        the_results_file_has_a_line_per_row(&h, &posts).await;
        let _ = std::fs::remove_file(file);
    })
    .await;
}

/// The module fetched when bulk mode opens; the 5 wrong rows named with their rows; nothing
/// sent until they are skipped.
async fn every_row_is_checked_before_anything_is_sent(h: &Harness, file: &std::path::Path) {
    h.open().await;
    assert!(
        !bulk_requested(h),
        "bulk creation's module is no part of the first download"
    );
    open_bulk_mode(h).await;
    assert!(bulk_requested(h));
    assert!(h
        .browser
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with("#bulk"));
    h.assert_accessible("bulk mode, no file chosen").await;

    // Every row checked before anything is sent: the 5 wrong ones named with their rows.
    choose(h, file).await;
    h.wait_for_text("#bulk-summary", |t| {
        t.contains("60 rows") && t.contains("5 with problems")
    })
    .await;
    let table = h.text("#rows-with-problems tbody").await;
    for (row, why) in BAD_ROWS {
        let line = table
            .lines()
            .skip_while(|l| !l.starts_with(&row.to_string()))
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(line.contains(why), "row {row} should say {why}: {table}");
    }
    assert_eq!(
        h.js("return document.querySelectorAll('#rows-with-problems tbody tr').length")
            .await,
        5
    );
    h.assert_accessible("bulk mode, rows with problems").await;

    // Nothing is sent while rows have problems, unless the operator skips them.
    h.click("#start-run").await;
    h.wait_for_text("#bulk-error-summary", |t| {
        t.contains("5 rows have problems")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(h.user_posts().is_empty());
    h.assert_accessible("bulk mode, refused start").await;
    h.click("#bulk-skip-rows").await;
    h.click("#start-run").await;
    h.wait_for_text("#bulk-saying", |t| t.contains("Creating"))
        .await;
}

/// HQ failing once after creating an account, then its rate limit; Pause holding the run; a
/// reload mid-run and the same file again; on to the end.
async fn the_run_goes_through_faults_a_pause_and_a_reload(h: &Harness, file: &std::path::Path) {
    // HQ fails once after creating the account, and later says it is rate limited.
    wait_until("10 created", || h.stand_in.users().len() >= 10).await;
    h.stand_in.inject_on_create(Fault {
        status: Some(500),
        body: Some(r#"{"error_message": "Sorry"}"#.into()),
        after_handling: true,
        ..Fault::default()
    });
    wait_until("15 created", || h.stand_in.users().len() >= 15).await;
    h.stand_in.inject_on_create(Fault {
        status: Some(429),
        ..Fault::default()
    });
    h.wait_for_text("#bulk-saying", |t| {
        t.contains("Waiting for CommCare HQ's rate limit, next try in")
    })
    .await;
    h.assert_accessible("bulk mode, waiting for the rate limit")
        .await;
    h.js("document.getElementById('bulk-counts').scrollIntoView({block: 'center'})")
        .await;
    h.screenshot("bulk-run").await;

    // Pause holds the run; resume carries on.
    h.wait_for_text("#bulk-saying", |t| t.contains("Creating"))
        .await;
    h.click("#pause-run").await;
    h.wait_for_text("#bulk-saying", |t| t.contains("Paused"))
        .await;
    // The row already out is answered; after that, nothing.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let posts = h.user_posts().len();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(h.user_posts().len(), posts, "nothing is sent while paused");
    assert!(h.text("#bulk-saying").await.contains("Paused"));
    h.click("#resume-run").await;

    // A reload mid-run, then the same file again: only what was not sent is sent.
    wait_until("30 created", || h.stand_in.users().len() >= 30).await;
    h.browser.refresh().await.unwrap();
    h.find("#bulk-workers-file").await;
    choose(h, file).await;
    h.wait_for_text("#bulk-earlier", |t| t.contains("already sent"))
        .await;
    h.click("#bulk-skip-rows").await;
    h.click("#start-run").await;
    // About a second a row, under HQ's one a second.
    wait_for_the_end(h, 240).await;
    h.assert_accessible("bulk mode, finished").await;
}

/// 55 workers, each asked for once: the 429 is the one request made again, the row answered
/// 500 is never sent again. How many times each username was posted.
fn each_good_row_is_created_once(h: &Harness) -> BTreeMap<String, usize> {
    let posts = posts_by_username(h);
    let users = h.stand_in.users();
    assert_eq!(users.len(), 55, "{posts:?}");
    let good: Vec<String> = (2..=61)
        .filter(|row| !BAD_ROWS.iter().any(|(bad, _)| bad == row))
        .map(|row| format!("bulk.worker{row}"))
        .collect();
    assert_eq!(
        posts.keys().cloned().collect::<Vec<_>>(),
        {
            let mut good = good.clone();
            good.sort();
            good
        },
        "exactly the 55 good rows are sent"
    );
    let twice: Vec<_> = posts.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(
        twice.len(),
        1,
        "only the row answered 429 is sent again: {twice:?}"
    );
    assert_eq!(*twice[0].1, 2);
    assert!(posts.values().all(|n| *n <= 2));
    posts
}

/// The results file: the file back, a line per row, created ones with HQ's ids.
async fn the_results_file_has_a_line_per_row(h: &Harness, posts: &BTreeMap<String, usize>) {
    let users = h.stand_in.users();
    catch_saved_files(h).await;
    h.click("#download-results").await;
    let results = saved_file(h).await;
    let results = results
        .strip_prefix('\u{feff}')
        .unwrap_or(&results)
        .to_string();
    let mut reader = csv::Reader::from_reader(results.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header.join(","),
        "username,password,first_name,email,group,location_code,status,user_id,message",
        "the file's own columns, then what became of each row"
    );
    let lines: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(lines.len(), 60, "{results}");
    assert_eq!(&lines[0][2], "Worker, 2", "cells as the file had them");
    let ids: BTreeMap<String, String> = users
        .iter()
        .map(|u| {
            (
                u.username.split('@').next().unwrap().to_string(),
                u.id.clone(),
            )
        })
        .collect();
    let (mut created, mut unsure, mut skipped) = (0, 0, 0);
    for line in &lines {
        let (username, status, id) = (&line[0], &line[6], &line[7]);
        match status {
            "created" => {
                created += 1;
                assert_eq!(ids.get(username).map(String::as_str), Some(id), "{line:?}");
            }
            // The row answered 500 (and one out at the reload, if any): created in fact.
            "may have been created" => {
                unsure += 1;
                assert!(ids.contains_key(username), "{line:?}");
                assert_eq!(posts[username], 1, "never sent again: {line:?}");
            }
            "skipped" => skipped += 1,
            other => panic!("{other}: {line:?}"),
        }
    }
    assert_eq!(created + unsure, 55, "{results}");
    assert!((1..=2).contains(&unsure), "{results}");
    assert_eq!(skipped, 5);
    let finished = h.text("#bulk-saying").await;
    assert!(finished.contains("Skipped: 5"), "{finished}");
}

#[tokio::test]
async fn a_template_to_fill_and_a_file_that_is_not_one() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        catch_saved_files(&h).await;
        h.click("#download-template").await;
        let template = saved_file(&h).await;
        let template = template
            .strip_prefix('\u{feff}')
            .unwrap_or(&template)
            .to_string();
        assert_eq!(
            template.trim_end(),
            "username,password,name,email,language,role,phone-number 1,group 1,location_code 1",
            "HQ's own column names, in the order its download writes them"
        );

        let path = std::env::temp_dir().join(format!("not-workers-{}.csv", std::process::id()));
        std::fs::write(&path, "username;colour;Shoe size\r\nana;red;38\r\n").unwrap();
        choose(&h, &path).await;
        h.click("#start-run").await;
        let summary = h
            .wait_for_text("#bulk-error-summary", |t| t.contains("colour"))
            .await;
        assert!(summary.contains("Shoe size"), "{summary}");
        assert!(h.text("#bulk-workers-file-error").await.contains("colour"));
        h.assert_accessible("bulk mode, a file with unknown columns")
            .await;
        // The error summary's link moves focus to the file input.
        h.click("#bulk-error-summary a").await;
        assert_eq!(
            h.js("return document.activeElement.id").await,
            "bulk-workers-file"
        );
        // Back to one worker: the form is there as it was.
        h.click("#mode-one").await;
        assert!(h.find("#username").await.is_displayed().await.unwrap());
        assert!(h.user_posts().is_empty());
        let _ = std::fs::remove_file(path);
    })
    .await;
}

#[tokio::test]
async fn a_projects_policies_hold_for_each_row_and_generated_passwords_are_only_in_the_results() {
    let project = e2e::serde_json::json!({
        "user_fields": [{"slug": "district", "label": "District", "required": true, "choices": ["North", "South"]}],
        "strong_passwords": true
    });
    let config = ConfigFile::proxy_with(e2e::serde_json::json!({ "project": project }));
    with_harness(config, |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        let path = std::env::temp_dir().join(format!("policy-workers-{}.csv", std::process::id()));
        std::fs::write(
            &path,
            "username;password;data: district\r\n\
             weak.one;password1;North\r\n\
             strong.one;Correct-Horse-Battery-9;South\r\n\
             given.one;;North\r\n\
             nowhere.one;Correct-Horse-Battery-8;East\r\n",
        )
        .unwrap();
        h.click("#bulk-generate-passwords").await;
        choose(&h, &path).await;
        h.wait_for_text("#bulk-summary", |t| {
            t.contains("4 rows") && t.contains("2 with problems")
        })
        .await;
        let problems = h.text("#rows-with-problems tbody").await;
        assert!(problems.contains("too easy to guess"), "{problems}");
        assert!(problems.contains("North, South"), "{problems}");
        h.click("#bulk-skip-rows").await;
        h.click("#start-run").await;
        wait_for_the_end(&h, 60).await;
        let posts = h.user_posts();
        assert_eq!(posts.len(), 2);
        let generated = posts
            .iter()
            .map(|p| p.json())
            .find(|b| b["username"] == "given.one")
            .unwrap()["password"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(generated.chars().count(), 14);
        assert!(
            !h.text("#bulk-mode").await.contains(&generated),
            "shown only in the file"
        );
        let kept = h
            .js("return JSON.stringify(sessionStorage)")
            .await
            .to_string();
        assert!(
            !kept.contains(&generated) && !kept.contains("Correct-Horse"),
            "{kept}"
        );
        catch_saved_files(&h).await;
        h.click("#download-results").await;
        let results = saved_file(&h).await;
        // (Blob.text() leaves out the byte order mark the file starts with.)
        let results = results.trim_start_matches('\u{feff}');
        assert!(results.starts_with("username;password;data: district;status;user_id;message\r\n"));
        let line = results.lines().find(|l| l.contains("given.one")).unwrap();
        assert!(
            line.starts_with(&format!("given.one;{generated};North;created;")),
            "the generated password in the file's own password column: {line}"
        );
        let typed = results.lines().find(|l| l.contains("strong.one")).unwrap();
        assert!(
            typed.starts_with("strong.one;Correct-Horse-Battery-9;South;created;"),
            "the file's own cells as they were: {typed}"
        );
        let _ = std::fs::remove_file(path);
    })
    .await;
}
