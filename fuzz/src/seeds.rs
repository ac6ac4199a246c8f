//! Inputs each reader takes well, for the fuzzers to start from: the page's own files and
//! examples of what HQ, a portal and a spreadsheet really send.

use mobile_worker_bulk::record::{Kept, Status};
use mobile_worker_bulk::sheet::{template_csv, template_header};
use mobile_worker_form::hq::create::CreateError;
use mobile_worker_form::worker::draft::Draft;
use mobile_worker_xlsx::Cell;

/// A project with every kind of rule (the example of `docs/configuration.md`, and more).
pub const PROJECT: &str = r#"{
  "user_fields": [
    {"slug": "district", "label": "District", "required": true, "choices": ["North", "South"]},
    {"slug": "chw_id", "label": "CHW number", "regex": "^[0-9]{6}$", "regex_msg": "Six digits"},
    {"slug": "nom", "regex": "(?i)^[^\\W\\d_]+(?:[ '-](?-i:[A-Z])[^\\W\\d_]*)*$"}
  ],
  "profiles": [{"id": 12, "name": "Nurse", "fields": {"district": "North"}}],
  "profile_required": false,
  "strong_passwords": true,
  "account_confirmation": true,
  "location_required": true,
  "roles": ["Field worker", "Supervisor"]
}"#;

const CONFIGURE: &str = r#"{"protocol": "commcare-mobile-worker-form", "version": 1,
  "type": "configure", "ui_language": "fr", "default_country_code": "256",
  "defaults": {"language": "fr", "groups": ["g1", "g2"],
               "user_data": {"district": "North", "team": "B"}},
  "credentials": {"api_key": {"email": "admin@example.org", "key": "0123456789abcdef"}},
  "handover": {"app_name": "CHW App", "install_url": "https://hq.example:8443/i?a=1#b"}}"#;

const HQ_GROUPS: &str = r#"{"meta": {"limit": 2, "next": "?limit=2&offset=2", "offset": 0,
  "previous": null, "total_count": 3}, "objects": [{"id": "g1", "name": "Gulu CHWs",
  "case_sharing": false}, {"id": "g2", "name": "Lira CHWs"}]}"#;

const HQ_LOCATIONS: &str = r#"{"meta": {"next": null, "total_count": 1}, "objects": [
  {"id": "7", "location_id": "loc-abc", "name": "Gulu", "site_code": "gulu_dist"}]}"#;

const ROWS: &str = "amina.k,Amina,Kato,,amina@example.org,+256700000001,Nurses,gulu,\
Field worker,Nurse,North,004512,Amina,fr,yes\r\n\
joseph.müller,Joseph,Müller,Secret#2026long,,0772 000 002;0772 000 003,,,,,South,12,Jo,sw,no\r\n";

fn config_with(project: &str) -> String {
    format!(
        r#"{{"base_url": "", "domain": "demo", "auth": "proxy", "timeout_seconds": 30,
  "ui_language": null, "ui_languages": ["en", "fr", "ar"], "default_country_code": "256",
  "embed": {{"parent_origins": ["https://portal.example"]}}, "project": {project},
  "handover": {{"app_name": "CHW App", "install_url": "https://www.commcarehq.org/a/demo/app/d/1/",
                "note": "Call Grace"}}}}"#
    )
}

fn csv_file() -> String {
    let custom = ["district".to_string(), "chw_id".into(), "nom".into()];
    template_csv(&template_header(&custom, true)) + ROWS
}

fn workbook() -> Vec<u8> {
    let text = |s: &str| Cell::Text(s.to_string());
    let rows = vec![
        [
            "username",
            "first_name",
            "phone-number 1",
            "location_code 1",
            "is_active",
            "data: x",
        ]
        .map(text)
        .to_vec(),
        vec![
            text("amina.k"),
            text("Amina"),
            Cell::Number(256700000001.0),
            text("gulu"),
        ],
        vec![
            text("joseph"),
            Cell::Number(0.5),
            text(""),
            text("lira"),
            text("TRUE"),
        ],
    ];
    mobile_worker_xlsx::write("users", &rows).unwrap_or_default()
}

fn storage() -> Vec<String> {
    let draft = Draft {
        username: "amina.k".into(),
        first_name: "Amina".into(),
        ..Draft::default()
    };
    let mut kept = Kept::default();
    kept.record(
        "amina.k",
        &Status::Created {
            user_id: "abc123".into(),
        },
    );
    kept.record(
        "joseph",
        &Status::Refused {
            error: CreateError::Refused {
                message: "Username 'joseph' is already taken or reserved.".into(),
            },
        },
    );
    vec![
        draft.to_json().write(),
        kept.to_json().write(),
        r#"{"tab-1": [1, 2, 3], "tab-2": [4294967295]}"#.into(),
        r#"{"password": "x", "words": ["a"], "score": 2, "warning": "", "suggestions": []}"#.into(),
    ]
}

const REGEXES: &[&str] = &[
    "^[0-9]{6}$\u{1f}004512",
    r"(?i)^[^\W\d_]+$",
    "(?s)^a.b$\u{1f}a\nb",
    "(?<=ab|cd)x\u{1f}cdx",
    "(?i)^istanbul$\u{1f}İSTANBUL",
    r"^(?P<d>\d)-(?P<e>\d)\b[\s\S]{,3}(?#c)\x41\u0042\101$",
    "^[]a&&|(-]+\\Z\u{1f}]a",
    "(?m:^b$)|(?-i:c)\u{1f}a\nb",
];

/// The seeds of the reader called `name`.
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    let texts = |texts: &[&str]| texts.iter().map(|t| t.as_bytes().to_vec()).collect();
    let status = |code: u16, body: &str| [&code.to_be_bytes()[..], body.as_bytes()].concat();
    match name {
        "config" => vec![
            include_bytes!("../../config.json").to_vec(),
            config_with(PROJECT).into_bytes(),
            config_with("null").into_bytes(),
        ],
        "configure" => texts(&[CONFIGURE, &CONFIGURE.replace("fr", "ar")]),
        "hq_create" => vec![
            status(
                201,
                r#"{"id": "abc123", "username": "amina.k@demo.commcarehq.org"}"#,
            ),
            status(
                400,
                r#"{"error": "Username 'joseph' is already taken or reserved."}"#,
            ),
            status(400, r#"{"error": "'district' cannot be set directly"}"#),
            status(429, ""),
            status(502, "<html><body>Bad gateway</body></html>"),
        ],
        "hq_lists" => vec![
            [&[0][..], HQ_GROUPS.as_bytes()].concat(),
            [&[1][..], HQ_LOCATIONS.as_bytes()].concat(),
        ],
        "catalogue" => vec![
            [&[0][..], include_bytes!("../../locales/en.json")].concat(),
            [&[6][..], include_bytes!("../../locales/ar.json")].concat(),
            [&[1][..], include_bytes!("../../locales/bulk/fr.json")].concat(),
        ],
        "storage" => storage().into_iter().map(String::into_bytes).collect(),
        "csv" | "rules" => vec![
            csv_file().into_bytes(),
            csv_file().replace(',', ";").into_bytes(),
            [&b"\xef\xbb\xbf"[..], csv_file().as_bytes()].concat(),
        ],
        "xlsx" => vec![workbook()],
        "regex" => texts(REGEXES),
        // Bytes the shapes' grammar reads: `(a|a)*`-like and `\d+,`-like starts.
        "regex_shapes" => vec![
            vec![1, 12, 0, 3, 2, 0, 1, 0, 2, 1, 0, 0, 7],
            vec![0, 2, 3, 2, 1, 4, 3, 6, 9, 0, 1, 2, 3],
            (0..64).collect(),
        ],
        _ => Vec::new(),
    }
}
