//! The files administrators really have: CommCare HQ's own "Download Mobile Workers", as an
//! Excel workbook and saved as CSV, edited for new workers. Every column HQ writes is
//! understood or set aside with a word; existing workers and hidden passwords are never sent.

use crate::bulk::{catch_saved_files, choose, open_bulk_mode, posts_by_username, wait_for_the_end};
use e2e::serde_json::Value;
use e2e::{with_harness, ConfigFile, Harness};
use mobile_worker_xlsx::Cell;
use std::path::PathBuf;

/// The columns HQ's download writes, in its order.
const HQ_COLUMNS: [&str; 19] = [
    "username",
    "password",
    "name",
    "email",
    "language",
    "user_id",
    "is_active",
    "User IMEIs (read only)",
    "role",
    "domain",
    "registered_on (read only)",
    "last_submission (read only)",
    "last_sync (read only)",
    "deactivate_after",
    "phone-number 1",
    "phone-number 2",
    "group 1",
    "location_code 1",
    "data: ward",
];

/// HQ's download edited for new workers: three new ones, an existing worker left in, one
/// marked inactive, and a blank row. Phone numbers are numbers, as Excel keeps them.
fn rows(h: &Harness, prefix: &str) -> Vec<Vec<Cell>> {
    let group = h.stand_in.groups("demo")[0].name.clone();
    let site = h.stand_in.locations("demo")[0].site_code.clone();
    let text = |t: &str| Cell::Text(t.to_string());
    let row = |user: &str, password: &str, name: &str, id: &str, active: &str, phone: f64| {
        let mut cells = vec![
            text(&format!("{prefix}.{user}")),
            text(password),
            text(name),
            text(""),
            text("en"),
            text(id),
            text(active),
            text("123456789"),
            text(""),
            text("demo"),
            text("2024-05-01 10:00:00"),
            text(""),
            text(""),
            text(""),
            Cell::Number(phone),
            text(""),
            text(&group),
            text(&site),
            Cell::Number(7.0),
        ];
        cells.truncate(HQ_COLUMNS.len());
        cells
    };
    vec![
        HQ_COLUMNS.iter().map(|c| text(c)).collect(),
        row(
            "amina",
            "********",
            "Amina Nakato",
            "",
            "True",
            256_772_987_654.0,
        ),
        row(
            "old",
            "********",
            "Old Hand",
            "4f1c2a9e",
            "True",
            256_700_000_003.0,
        ),
        row(
            "asleep",
            "Pass-4-word",
            "Ina Active",
            "",
            "False",
            256_700_000_004.0,
        ),
        row("bo", "Pass-5-word-ok", "Bo", "", "", 256_700_000_005.0),
        vec![],
        row(
            "cy",
            "********",
            "Cy Dee Eff",
            "",
            "true",
            256_700_000_007.0,
        ),
    ]
}

fn write_xlsx(rows: &[Vec<Cell>]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("Mobile Workers {}.xlsx", std::process::id()));
    std::fs::write(&path, mobile_worker_xlsx::write("users", rows).unwrap()).unwrap();
    path
}

/// The same rows as a spreadsheet program saves them as CSV.
fn write_csv(rows: &[Vec<Cell>]) -> PathBuf {
    let line = |row: &Vec<Cell>| {
        row.iter()
            .map(|c| match c {
                Cell::Text(t) => t.clone(),
                Cell::Number(n) => mobile_worker_xlsx::number_text(*n),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let text: String = rows.iter().map(|r| line(r) + "\r\n").collect();
    let path = std::env::temp_dir().join(format!("mobile_workers_{}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// Chooses `file`, checks what the page says it read, skips the two rows that must not be
/// sent, and runs.
async fn create_from(h: &Harness, file: &std::path::Path, read: &str) {
    choose(h, file).await;
    let said = h
        .wait_for_text("#bulk-file-read", |t| t.contains("5 rows read"))
        .await;
    assert!(said.contains(read), "{said}");
    let ignored = h.text("#bulk-ignored").await;
    for column in [
        "User IMEIs (read only)",
        "registered_on (read only)",
        "deactivate_after",
    ] {
        assert!(ignored.contains(column), "{column}: {ignored}");
    }
    let summary = h
        .wait_for_text("#bulk-summary", |t| t.contains("2 with problems"))
        .await;
    assert!(summary.contains("3 to send"), "{summary}");
    let problems = h.text("#rows-with-problems tbody").await;
    assert!(
        problems.contains("Already in CommCare HQ (user id 4f1c2a9e)"),
        "{problems}"
    );
    assert!(problems.contains("is_active is “False”"), "{problems}");
    // Row numbers as the spreadsheet shows them.
    let rows = h
        .js("return [...document.querySelectorAll('#rows-with-problems tbody th')].map(t => t.textContent).join(',')")
        .await;
    assert_eq!(rows, "3,4");
    h.assert_accessible("bulk mode, HQ's download read, two rows refused")
        .await;
    // The choice stays ticked from an earlier file.
    if h.js("return document.getElementById('bulk-skip-rows').checked")
        .await
        != true
    {
        h.click("#bulk-skip-rows").await;
    }
    h.click("#start-run").await;
    wait_for_the_end(h, 90).await;
}

#[tokio::test]
async fn hqs_own_download_as_xlsx_and_as_csv_creates_each_new_worker_once() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        h.click("#bulk-generate-passwords").await;
        assert!(
            !h.served_paths()
                .iter()
                .any(|p| p.contains("mobile-worker-xlsx")),
            "the Excel reader is not fetched until a workbook is chosen"
        );
        let xlsx = write_xlsx(&rows(&h, "xl"));
        create_from(&h, &xlsx, "Sheet “users” of “Mobile Workers").await;
        h.assert_accessible("bulk mode, a workbook's run finished")
            .await;
        h.js("document.getElementById('bulk-saying').scrollIntoView({block: 'center'})")
            .await;
        h.screenshot("bulk-finished").await;
        the_results_come_back_as_a_workbook_and_the_rows_to_fix_round_trip(&h).await;

        let csv = write_csv(&rows(&h, "csv"));
        create_from(&h, &csv, "“mobile_workers_").await;

        let posts = posts_by_username(&h);
        let sent: Vec<&str> = posts.keys().map(String::as_str).collect();
        assert_eq!(
            sent,
            [
                "csv.amina",
                "csv.bo",
                "csv.cy",
                "xl.amina",
                "xl.bo",
                "xl.cy"
            ],
            "only new, active workers are sent"
        );
        assert!(posts.values().all(|n| *n == 1), "{posts:?}");
        for post in h.user_posts() {
            let body = post.json();
            if body["username"] == "xl.amina" {
                assert_eq!(body["first_name"], "Amina");
                assert_eq!(body["last_name"], "Nakato");
                assert_eq!(body["phone_numbers"][0], "256772987654");
                assert_eq!(body["user_data"]["ward"], "7");
                assert_eq!(body["groups"].as_array().unwrap().len(), 1);
                assert_eq!(body["password"].as_str().unwrap().chars().count(), 14);
            }
            if body["username"] == "csv.bo" {
                assert_eq!(body["password"], "Pass-5-word-ok");
                assert!(body.get("last_name").is_none());
            }
        }
        let _ = std::fs::remove_file(xlsx);
        let _ = std::fs::remove_file(csv);
    })
    .await;
}

/// The bytes of the `n`th file the page handed the browser to save.
async fn saved_bytes(h: &Harness, n: usize) -> Vec<u8> {
    let bytes: Value = h
        .js(&format!(
            "const wait = () => window.savedFiles.length > {n} ? window.savedFiles[{n}].arrayBuffer() \
             : new Promise(r => setTimeout(r, 50)).then(wait); \
             return wait().then(b => Array.from(new Uint8Array(b)));"
        ))
        .await;
    bytes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect()
}

/// A workbook's results come back as a workbook in its own columns, and its rows to fix can be
/// chosen again as they are.
async fn the_results_come_back_as_a_workbook_and_the_rows_to_fix_round_trip(h: &Harness) {
    catch_saved_files(h).await;
    h.click("#download-results").await;
    let results = mobile_worker_xlsx::read(&saved_bytes(h, 0).await, 50, 50).unwrap();
    assert_eq!(results.sheet, "users");
    let header = &results.rows[0].1;
    assert_eq!(header[..HQ_COLUMNS.len()], HQ_COLUMNS.map(String::from));
    assert_eq!(header[HQ_COLUMNS.len()..], ["status", "user_id", "message"]);
    let amina = &results
        .rows
        .iter()
        .find(|(_, r)| r[0] == "xl.amina")
        .unwrap()
        .1;
    assert_eq!(
        amina[1].chars().count(),
        14,
        "the generated password in place of ********"
    );
    assert_eq!(amina[HQ_COLUMNS.len()], "created");
    let old = &results
        .rows
        .iter()
        .find(|(_, r)| r[0] == "xl.old")
        .unwrap()
        .1;
    assert_eq!(old[HQ_COLUMNS.len()], "skipped");

    h.click("#download-rows-to-fix").await;
    let fix = saved_bytes(h, 1).await;
    let to_fix = mobile_worker_xlsx::read(&fix, 50, 50).unwrap();
    let usernames: Vec<&str> = to_fix.rows[1..]
        .iter()
        .map(|(_, r)| r[0].as_str())
        .collect();
    assert_eq!(usernames, ["xl.old", "xl.asleep"]);
    assert_eq!(
        to_fix.rows[0].1,
        HQ_COLUMNS.map(String::from),
        "the file's own columns"
    );
    let path = std::env::temp_dir().join(format!("to-fix-{}.xlsx", std::process::id()));
    std::fs::write(&path, fix).unwrap();
    choose(h, &path).await;
    h.wait_for_text("#bulk-file-read", |t| t.contains("2 rows read"))
        .await;
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_template_as_a_workbook_and_a_file_that_is_no_workbook() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        catch_saved_files(&h).await;
        h.click("#download-template-xlsx").await;
        let bytes = h
            .js(
                "const wait = () => window.savedFiles.length ? window.savedFiles[0].arrayBuffer() \
                 : new Promise(r => setTimeout(r, 50)).then(wait); \
                 return wait().then(b => Array.from(new Uint8Array(b)));",
            )
            .await;
        let bytes: Vec<u8> = bytes
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_u64().unwrap() as u8)
            .collect();
        let template = mobile_worker_xlsx::read(&bytes, 10, 50).unwrap();
        assert_eq!(template.sheet, "users");
        assert_eq!(
            template.rows[0].1.join(","),
            "username,password,name,email,language,role,phone-number 1,group 1,location_code 1"
        );

        let path = std::env::temp_dir().join(format!("renamed-{}.xlsx", std::process::id()));
        std::fs::write(&path, "username\r\nana\r\n").unwrap();
        choose(&h, &path).await;
        let summary = h
            .wait_for_text("#bulk-error-summary", |t| t.contains("Excel workbook"))
            .await;
        assert!(summary.contains("CSV UTF-8"), "{summary}");
        // Said at once, before Start, with focus on the summary.
        assert_eq!(
            h.js("return document.activeElement.id").await,
            "bulk-error-summary"
        );
        assert!(h.text("#bulk-workers-file-error").await.contains("Excel"));
        h.assert_accessible("bulk mode, a file named .xlsx that is not one")
            .await;
        assert!(h.user_posts().is_empty());
        let _ = std::fs::remove_file(path);
    })
    .await;
}

#[tokio::test]
async fn a_cell_a_profile_fixes_otherwise_is_named_never_replaced() {
    let project = e2e::serde_json::json!({
        "user_fields": [{"slug": "district", "label": "District", "choices": ["North", "South"]}],
        "profiles": [{"id": 12, "name": "Nurse", "fields": {"district": "North"}}]
    });
    let config = ConfigFile::proxy_with(e2e::serde_json::json!({ "project": project }));
    with_harness(config, |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        let path = std::env::temp_dir().join(format!("profile-{}.csv", std::process::id()));
        std::fs::write(
            &path,
            "username,password,data: district,user_profile\r\n\
             nurse.south,Pass-2-word-ok,South,Nurse\r\n\
             nurse.north,Pass-3-word-ok,North,Nurse\r\n",
        )
        .unwrap();
        choose(&h, &path).await;
        h.wait_for_text("#bulk-summary", |t| t.contains("1 with problems"))
            .await;
        let problems = h.text("#rows-with-problems tbody").await;
        assert!(
            problems
                .contains("data: district is “South”, but the profile “Nurse” sets it to “North”"),
            "{problems}"
        );
        h.assert_accessible("bulk mode, a cell a profile fixes otherwise")
            .await;
        h.screenshot("bulk-profile-conflict").await;
        let _ = std::fs::remove_file(path);
    })
    .await;
}
