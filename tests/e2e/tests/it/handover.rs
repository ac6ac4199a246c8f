//! Handover slips: the login and the app to install, printed for each worker created, with a
//! QR code a phone can scan. Checked as paper: the print media, the PDF Chromium prints, and
//! the QR code read back from a screenshot.

use crate::bulk::{choose, open_bulk_mode, wait_for_the_end};
use e2e::chromium::devtools;
use e2e::serde_json::{json, Value};
use e2e::{with_harness, with_harness_speaking, ConfigFile, Harness, Portal};

const INSTALL_URL: &str = "https://www.commcarehq.org/a/demo/app/download/9f1c2e/";

fn handover() -> Value {
    json!({"app_name": "CHW App", "install_url": INSTALL_URL,
           "note": "Questions? Call Grace on 0772 000 111"})
}

/// The page as a printer sees it, `sharpness` device pixels to a CSS pixel.
async fn as_printed(h: &Harness, sharpness: u32) {
    devtools(
        &h.browser,
        "Emulation.setEmulatedMedia",
        json!({"media": "print"}),
    )
    .await
    .unwrap();
    devtools(
        &h.browser,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 820, "height": 1100, "deviceScaleFactor": sharpness, "mobile": false}),
    )
    .await
    .unwrap();
}

/// What the QR code at `css` holds, read from a screenshot as a phone's camera would, and its
/// error correction level (0 is M).
async fn scan(h: &Harness, css: &str) -> (String, u16) {
    let png = h.find(css).await.screenshot().await.unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let (width, height) = (frame.width as usize, frame.height as usize);
    let step = frame.color_type.samples();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        pixels[(y * width + x) * step]
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in {css}");
    let (meta, text) = grids[0].decode().unwrap();
    (text, meta.ecc_level)
}

/// How many pages Chromium prints.
async fn printed_pages(h: &Harness) -> usize {
    use base64::Engine;
    let pdf = devtools(&h.browser, "Page.printToPDF", json!({}))
        .await
        .unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

/// Nothing the page keeps holds `password`.
async fn kept_nowhere(h: &Harness, password: &str) {
    let kept = h
        .js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href")
        .await
        .to_string();
    assert!(!kept.contains(password), "{kept}");
}

async fn create(h: &Harness, password: Option<&str>) {
    h.type_into("#username", "Amina Kato").await;
    h.type_into("#first-name", "Amina").await;
    h.type_into("#last-name", "Kato").await;
    match password {
        Some(password) => h.type_into("#password", password).await,
        None => h.click("#generate-password").await,
    }
    h.click("button[type=submit]").await;
    h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
}

#[tokio::test]
async fn one_workers_slip_carries_the_typed_login_and_a_code_that_installs_the_app() {
    let config = ConfigFile::proxy_with(json!({ "handover": handover() }));
    with_harness(config, |h| async move {
        h.open().await;
        create(&h, Some("Tq7-ravel-Osprey")).await;
        h.click(".print-slip").await;
        h.wait_for_text(".slip-sheet", |t| t.contains("Amina Kato"))
            .await;
        h.find(".slip-qr path").await;
        assert_eq!(h.text(".slip-username").await, "amina.kato");
        assert_eq!(h.text(".slip-full").await, "amina.kato@demo.commcarehq.org");
        assert_eq!(h.text(".slip-password").await, "Tq7-ravel-Osprey");
        assert!(h.text(".slip-project").await.ends_with("demo"));
        assert_eq!(h.text(".slip-app-name").await, "CHW App");
        assert_eq!(h.text(".slip-url").await, INSTALL_URL);
        assert_eq!(
            h.text(".slip-note").await,
            "Questions? Call Grace on 0772 000 111"
        );
        assert!(h.text(".slip-warning").await.contains("carry passwords"));
        let focused = h.js("return document.activeElement.id").await;
        assert_eq!(focused, json!("slips-title"));
        // The sheet is all the page shows.
        assert!(!h.find(".created").await.is_displayed().await.unwrap());
        h.assert_accessible("a handover slip's preview").await;

        as_printed(&h, 4).await;
        assert!(!h.find(".slip-toolbar").await.is_displayed().await.unwrap());
        assert!(!h.find("h1").await.is_displayed().await.unwrap());
        assert_eq!(scan(&h, ".slip-qr").await, (INSTALL_URL.to_string(), 0));
        assert_eq!(printed_pages(&h).await, 1);
        kept_nowhere(&h, "Tq7-ravel-Osprey").await;

        // Closed, the page forgets the password: a slip made again has a line for it.
        devtools(
            &h.browser,
            "Emulation.setEmulatedMedia",
            json!({"media": ""}),
        )
        .await
        .unwrap();
        h.click(".slip-sheet .close").await;
        assert!(!h.exists(".slip-sheet").await);
        h.click(".print-slip").await;
        assert!(h.exists(".slip-write").await);
        assert!(!h.exists(".slip-password").await);
    })
    .await;
}

#[tokio::test]
async fn a_generated_password_is_on_the_slip_and_without_a_handover_the_slip_is_the_login() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        create(&h, None).await;
        let generated = h.text(".created-password").await;
        h.click(".print-slip").await;
        assert_eq!(
            h.wait_for_text(".slip-password", |t| !t.is_empty()).await,
            generated
        );
        assert!(!h.exists(".slip-app").await, "no app, no code");
        assert!(h
            .text(".slip-steps")
            .await
            .starts_with("Open the CommCare app"));
        h.assert_accessible("a slip without an app to install")
            .await;
        kept_nowhere(&h, &generated).await;
        h.click(".slip-sheet .close").await;
        assert!(!h.exists(".created-password").await, "forgotten on close");
    })
    .await;
}

#[tokio::test]
async fn in_arabic_the_slip_reads_right_to_left_and_the_login_left_to_right() {
    let config = ConfigFile::proxy_with(json!({ "handover": handover() }));
    with_harness_speaking(config, "ar", |h| async move {
        h.open().await;
        create(&h, Some("Tq7-ravel-Osprey")).await;
        h.click(".print-slip").await;
        h.find(".slip-qr path").await;
        let direction = |css: &str| {
            format!("return getComputedStyle(document.querySelector('{css}')).direction")
        };
        assert_eq!(h.js(&direction(".slip")).await, json!("rtl"));
        for css in [
            ".slip-username",
            ".slip-password",
            ".slip-url",
            ".slip-full",
        ] {
            assert_eq!(h.js(&direction(css)).await, json!("ltr"), "{css}");
        }
        let face = h
            .js("return getComputedStyle(document.querySelector('.slip-password')).fontFamily")
            .await;
        assert!(face.to_string().contains("Mono"), "{face}");
        assert!(h.text(".slip-steps").await.contains("ثبّت التطبيق"));
        h.assert_accessible("a handover slip in Arabic").await;
        as_printed(&h, 4).await;
        assert_eq!(scan(&h, ".slip-qr").await.0, INSTALL_URL);
    })
    .await;
}

#[tokio::test]
async fn ten_rows_with_two_refused_print_eight_slips_on_one_page() {
    let config = ConfigFile::proxy_with(json!({ "handover": handover() }));
    with_harness(config, |h| async move {
        h.stand_in.add_existing_user("demo", "slip.worker4");
        h.stand_in.add_existing_user("demo", "slip.worker7");
        h.open().await;
        open_bulk_mode(&h).await;
        let path = std::env::temp_dir().join(format!("slip-workers-{}.csv", std::process::id()));
        let mut file = String::from("username,password,first_name,last_name\r\n");
        for n in 1..=10 {
            file.push_str(&format!(
                "slip.worker{n},Pass-{n}-wordy,Worker,Number {n}\r\n"
            ));
        }
        std::fs::write(&path, file).unwrap();
        choose(&h, &path).await;
        h.wait_for_text("#bulk-summary", |t| t.contains("10 rows"))
            .await;
        h.click("#start-run").await;
        wait_for_the_end(&h, 60).await;
        let button = h.wait_for_text("#print-slips", |t| !t.is_empty()).await;
        assert_eq!(button, "Print slips for the 8 created workers");
        h.click("#print-slips").await;
        h.find(".slip-qr path").await;
        assert_eq!(
            h.js("return document.querySelectorAll('.slip-page').length")
                .await,
            json!(1)
        );
        let usernames = h
            .js("return [...document.querySelectorAll('.slip-username')].map(e => e.textContent)")
            .await;
        let expected: Vec<String> = [1, 2, 3, 5, 6, 8, 9, 10]
            .map(|n| format!("slip.worker{n}"))
            .to_vec();
        assert_eq!(usernames, json!(expected));
        assert_eq!(
            h.js("return document.querySelector('.slip:nth-child(3) .slip-password').textContent")
                .await,
            json!("Pass-3-wordy")
        );
        h.assert_accessible("bulk creation's slip sheet").await;
        as_printed(&h, 1).await;
        h.screenshot("handover-slips").await;
        // A printer's sharpness, for the scan.
        as_printed(&h, 4).await;
        assert_eq!(printed_pages(&h).await, 1);
        assert_eq!(scan(&h, ".slip:nth-child(8) .slip-qr").await.0, INSTALL_URL);
        kept_nowhere(&h, "Pass-3-wordy").await;
    })
    .await;
}

#[tokio::test]
async fn a_portal_may_name_the_app_where_config_json_names_none() {
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
            "configure({{}}, undefined, undefined, undefined, {}); return true",
            json!({"app_name": "Portal App", "install_url": INSTALL_URL})
        ))
        .await;
        let frame = h.find("#mobile-worker-form").await;
        frame.enter_frame().await.unwrap();
        h.app_running().await;
        create(&h, Some("Tq7-ravel-Osprey")).await;
        h.click(".print-slip").await;
        assert_eq!(
            h.wait_for_text(".slip-app-name", |t| !t.is_empty()).await,
            "Portal App"
        );
        assert_eq!(scan(&h, ".slip-qr").await.0, INSTALL_URL);
    })
    .await;
}

#[tokio::test]
async fn bulk_slips_in_arabic_read_right_to_left_and_scan() {
    let config = ConfigFile::proxy_with(json!({ "handover": handover() }));
    with_harness_speaking(config, "ar", |h| async move {
        h.open().await;
        open_bulk_mode(&h).await;
        let path = std::env::temp_dir().join(format!("slips-ar-{}.csv", std::process::id()));
        std::fs::write(&path, "username,password,first_name\r\nar.one,Pass-1-wordy,أمينة\r\nar.two,Pass-2-wordy,يوسف\r\n").unwrap();
        choose(&h, &path).await;
        h.find("#start-run").await;
        h.click("#start-run").await;
        // Arabic's own form for two.
        h.wait_for_text("#print-slips", |t| t == "طباعة ورقتي العاملَين اللذين أُنشئا")
            .await;
        h.click("#print-slips").await;
        h.find(".slip-qr path").await;
        let direction = "return getComputedStyle(document.querySelector('.slip')).direction";
        assert_eq!(h.js(direction).await, json!("rtl"));
        assert_eq!(h.text(".slip:nth-child(2) .slip-name").await, "يوسف");
        assert_eq!(h.text(".slip:nth-child(2) .slip-password").await, "Pass-2-wordy");
        assert!(h.text(".slip-steps").await.contains("ثبّت التطبيق"));
        h.assert_accessible("bulk creation's slip sheet in Arabic").await;
        as_printed(&h, 4).await;
        assert_eq!(scan(&h, ".slip:nth-child(2) .slip-qr").await.0, INSTALL_URL);
    })
    .await;
}
