//! The worker stage's rules, through its public functions.

use super::email::*;
use super::language::*;
use super::names::*;
use super::password::{check_password, Verdict};
use super::phones::*;
use super::places::*;
use super::username::*;
use super::*;
use crate::config::project_policy::{check_user_data_key, ProjectPolicy};
use crate::i18n::Message;
use crate::json::Json;
use serde_json::json;

/// The body as HQ reads it.
fn sent(body: &NewMobileWorker) -> serde_json::Value {
    serde_json::from_str(&body.to_json().write()).unwrap()
}

fn entry(key: &str, value: &str) -> UserDataEntry {
    UserDataEntry {
        key: key.into(),
        value: value.into(),
    }
}

fn draft(username: &str, password: &str) -> Draft {
    Draft {
        username: username.into(),
        password: password.into(),
        ..Draft::default()
    }
}

#[test]
fn a_draft_is_blank_until_something_is_typed_or_chosen() {
    let mut d = Draft {
        password: "typed but never kept".into(),
        phone_numbers: vec![String::new()],
        custom: vec![entry("district", "")],
        ..Draft::default()
    };
    assert!(d.is_blank());
    d.custom[0].value = "North".into();
    assert!(!d.is_blank());
    for changed in [
        Draft {
            email: "a@b.org".into(),
            ..Draft::default()
        },
        Draft {
            user_data: vec![entry("team", "")],
            ..Draft::default()
        },
        Draft {
            confirm_by_email: true,
            ..Draft::default()
        },
    ] {
        assert!(!changed.is_blank(), "{changed:?}");
    }
}

/// The checks with these lists and no project policies.
fn lists<'a>(
    known_group: &'a dyn Fn(&str) -> Option<bool>,
    known_location: &'a dyn Fn(&str) -> Option<bool>,
) -> Checks<'a> {
    static NONE: std::sync::LazyLock<ProjectPolicy> =
        std::sync::LazyLock::new(ProjectPolicy::default);
    Checks {
        policy: &NONE,
        strength: Verdict::Strong(4),
        known_group,
        known_location,
    }
}

fn username_error(typed: &str) -> String {
    check_username(typed).unwrap_err().to_string()
}

#[test]
fn username_is_normalised_as_hq_does() {
    assert_eq!(normalise_username("Jane Doe"), "jane.doe");
    assert_eq!(normalise_username("  Jane \t  Doe  "), "jane.doe");
    assert_eq!(normalise_username("ÉMILE"), "émile");
    assert_eq!(check_username("Jane Doe").unwrap(), "jane.doe");
    assert_eq!(check_username("a_b-c.9").unwrap(), "a_b-c.9");
}

#[test]
fn username_must_be_present() {
    assert_eq!(username_error(""), "Enter a username");
    assert_eq!(username_error(" \t "), "Enter a username");
}

#[test]
fn username_length_is_counted_after_normalising() {
    assert!(check_username(&"a".repeat(50)).is_ok());
    assert_eq!(
        username_error(&"a".repeat(51)),
        "Username must be 50 characters or fewer (it has 51)"
    );
    // 25 + "." + 24 = 50 characters once the space becomes a dot.
    assert!(check_username(&format!("{} {}", "a".repeat(25), "b".repeat(24))).is_ok());
}

#[test]
fn username_dots_are_checked() {
    assert_eq!(
        username_error(".jdoe"),
        "Username cannot start or end with a dot"
    );
    assert_eq!(
        username_error("jdoe."),
        "Username cannot start or end with a dot"
    );
    assert_eq!(
        username_error("j..doe"),
        "Username cannot contain two dots in a row"
    );
}

#[test]
fn username_characters_are_named() {
    assert_eq!(
        username_error("jdoe@x"),
        "Username can only contain letters a to z, numbers, dots, hyphens and underscores; remove “@”"
    );
    assert!(username_error("émile").to_string().contains("“é”"));
    assert!(username_error("a+b").to_string().contains("“+”"));
    assert!(username_error("日本").to_string().contains("“日”, “本”"));
    // Pasted invisible characters are named by code point, since quoting shows nothing.
    assert!(
        username_error("jdoe\u{200b}")
            .to_string()
            .ends_with("remove the invisible character U+200B"),
        "{}",
        username_error("jdoe\u{200b}")
    );
}

#[test]
fn an_accented_username_suggests_its_plain_form() {
    assert_eq!(
        username_error("Joseph Müller"),
        "Username can only contain letters a to z, numbers, dots, hyphens and underscores; remove “ü”; did you mean joseph.muller?"
    );
    // Decomposed as typed on some keyboards (u and a combining diaeresis).
    assert!(username_error("jose\u{301}").ends_with("did you mean jose?"));
    assert!(
        username_error("Łukasz").ends_with("remove “ł”"),
        "ł has no plain form"
    );
    assert!(
        username_error("müller@x").ends_with("remove “ü”, “@”"),
        "@ stays"
    );
}

#[test]
fn reserved_usernames_are_refused_in_any_case() {
    for typed in ["admin", "ADMIN", "Demo_User", "demo_user"] {
        assert!(
            username_error(typed)
                .to_string()
                .contains("is reserved by CommCare"),
            "{typed}"
        );
    }
    assert!(check_username("admin2").is_ok());
}

#[test]
fn password_is_required_and_sent_as_typed() {
    assert_eq!(check_password("").unwrap_err(), "Enter a password");
    assert_eq!(
        check_password("   ").unwrap_err(),
        "Password cannot be only spaces"
    );
    // As HQ's own dialog sets it: outer white space (Python's, U+001F too) stripped.
    assert_eq!(check_password(" s3cret ").unwrap(), "s3cret");
    assert_eq!(check_password("\u{1f}s3 cret\u{a0}").unwrap(), "s3 cret");
    assert_eq!(
        check_password("\u{3000}\u{1c}").unwrap_err(),
        "Password cannot be only spaces"
    );
}

#[test]
fn minimal_draft_sends_only_username_and_password() {
    let body = draft("Jane Doe", "s3cret!").validate().unwrap();
    assert_eq!(
        sent(&body),
        json!({"username": "jane.doe", "password": "s3cret!"})
    );
}

#[test]
fn errors_come_in_page_order_with_their_fields() {
    let errors = draft("", "").validate().unwrap_err();
    let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec![Field::Username, Field::Password]);
}

#[test]
fn names_are_trimmed_capped_and_blank_ones_omitted() {
    let mut d = draft("jdoe", "pw");
    d.first_name = format!("  {}  ", "é".repeat(30));
    d.last_name = "   ".into();
    let body = d.validate().unwrap();
    assert_eq!(body.first_name.as_deref(), Some("é".repeat(30).as_str()));
    assert_eq!(body.last_name, None);
    d.last_name = "x".repeat(31);
    let errors = d.validate().unwrap_err();
    assert_eq!(errors[0].field, Field::LastName);
    assert_eq!(
        errors[0].message,
        "Last name must be 30 characters or fewer (it has 31)"
    );
}

#[test]
fn email_format_is_checked() {
    assert_eq!(
        check_email(" a.b@example.org ").unwrap().as_deref(),
        Some("a.b@example.org")
    );
    assert_eq!(check_email("").unwrap(), None);
    for bad in [
        "a",
        "a@",
        "@b.org",
        "a@b",
        "a@@b.org",
        "a b@c.org",
        "a@b..org",
        "a@.b.org",
    ] {
        assert!(check_email(bad).is_err(), "{bad}");
    }
}

#[test]
fn email_is_checked_as_djangos_validator_after_lower_casing() {
    // (typed, what is sent; None when refused)
    let table: [(&str, Option<&str>); 23] = [
        (" Jane.Doe@Example.ORG ", Some("jane.doe@example.org")),
        ("a+tag@b.co", Some("a+tag@b.co")),
        ("o'brien@x.ie", Some("o'brien@x.ie")),
        (
            "\"john\\ doe\"@example.org",
            Some("\"john\\ doe\"@example.org"),
        ),
        // Django's quoted form takes a space only escaped.
        ("\"john doe\"@example.org", None),
        ("admin@localhost", Some("admin@localhost")),
        ("x@[192.168.0.1]", Some("x@[192.168.0.1]")),
        ("x@[::1]", Some("x@[::1]")),
        ("x@example.xn--p1ai", Some("x@example.xn--p1ai")),
        ("x@müller.de", Some("x@müller.de")),
        ("x@sub-domain.example.org", Some("x@sub-domain.example.org")),
        (".jane@example.org", None),
        ("jane.@example.org", None),
        ("ja..ne@example.org", None),
        ("jöhn@example.org", None),
        ("x@-example.org", None),
        ("x@example-.org", None),
        ("x@example.o", None),
        ("x@example.org-", None),
        ("x@[999.1.1.1]", None),
        ("x@example", None),
        ("a b@example.org", None),
        ("x@exam_ple.org", None),
    ];
    for (typed, sent) in table {
        assert_eq!(
            check_email(typed).ok().flatten().as_deref(),
            sent,
            "{typed}"
        );
    }
    assert!(check_email(&format!("x@{}.org", "a".repeat(63))).is_ok());
    assert!(check_email(&format!("x@{}.org", "a".repeat(64))).is_err());
    let long = format!("{}@example.org", "a".repeat(242));
    assert_eq!(long.len(), 254);
    assert!(check_email(&long).is_ok());
    assert_eq!(
        check_email(&format!("a{long}")).unwrap_err(),
        "Email must be 254 characters or fewer (it has 255)"
    );
}

#[test]
fn names_refuse_control_characters_and_are_stripped_as_hq_strips() {
    assert!(check_name("Jane\u{0}", Message::new("label.first_name"))
        .unwrap_err()
        .to_string()
        .starts_with("First name contains the invisible character U+0000"));
    assert!(check_name("Ja\u{7}ne", Message::new("label.last_name")).is_err());
    assert_eq!(
        check_name("\u{1f}\u{a0}Jane\u{202f}", Message::new("label.first_name"))
            .unwrap()
            .as_deref(),
        Some("Jane")
    );
    assert_eq!(
        check_name("\u{3000}", Message::new("label.first_name")).unwrap(),
        None
    );
}

#[test]
fn control_characters_in_free_text_are_refused_where_hq_would_fail_late() {
    let mut d = draft("jdoe", "pw");
    d.role = "Field\u{0}worker".into();
    d.user_data = vec![entry("district", "Gulu\u{0}")];
    let errors = d.validate().unwrap_err();
    assert_eq!(errors[0].field, Field::Role);
    assert!(errors[0]
        .message
        .to_string()
        .starts_with("Role contains the invisible character U+0000"));
    assert_eq!(errors[1].field, Field::UserDataValue(0));
    assert!(errors[1]
        .message
        .to_string()
        .starts_with("User data value 1 contains"));
    assert!(check_password("pa\u{0}ss")
        .unwrap_err()
        .to_string()
        .contains("U+0000"));
    // Tabs and the like are a password's own business, as in HQ.
    assert_eq!(check_password("pa\tss").unwrap(), "pa\tss");
}

#[test]
fn username_length_and_spaces_are_counted_as_hq_counts_them() {
    // 49 typed + one U+001F inside: 50 characters, a Python space that becomes a dot.
    let typed = format!("{}\u{1f}{}", "a".repeat(24), "b".repeat(25));
    assert_eq!(
        check_username(&typed).unwrap(),
        format!("{}.{}", "a".repeat(24), "b".repeat(25))
    );
    // Outer white space is not counted; inner runs are, as typed.
    assert!(check_username(&format!("  {}  ", "a".repeat(50))).is_ok());
    assert_eq!(
        username_error(&format!("{}   {}", "a".repeat(24), "b".repeat(24))),
        "Username must be 50 characters or fewer (it has 51)"
    );
}

#[test]
fn phone_numbers_become_digits_and_the_first_is_default() {
    let mut d = draft("jdoe", "pw");
    d.phone_numbers = vec![
        "".into(),
        "+256 772-123456".into(),
        "+44\u{a0}20\u{202f}7946-0018".into(),
    ];
    let body = d.validate().unwrap();
    assert_eq!(body.phone_numbers, vec!["256772123456", "442079460018"]);
    assert_eq!(body.default_phone_number.as_deref(), Some("256772123456"));
}

#[test]
fn phone_number_errors_name_their_position() {
    assert_eq!(
        check_phone_number("+ -", 2).unwrap_err(),
        "Phone number 2 must be digits with the country code, like +256 772 123456"
    );
    // HQ strips every + and -, as it does.
    assert_eq!(
        check_phone_number("++256-", 1).unwrap().as_deref(),
        Some("256")
    );
    assert!(check_phone_number("12ab", 1)
        .unwrap_err()
        .to_string()
        .ends_with("remove “a”, “b”"));
    // Brackets are not HQ's to drop: the trunk 0 would be stored.
    assert!(check_phone_number("+44 (0)20 7946 0018", 1)
        .unwrap_err()
        .to_string()
        .contains("cannot contain brackets"));
    assert!(check_phone_number("256.772", 1)
        .unwrap_err()
        .to_string()
        .contains("remove “.”"));
    assert!(check_phone_number("٢٥٦٧٧٢", 1)
        .unwrap_err()
        .to_string()
        .contains("the digits 0 to 9"));
    assert!(check_phone_number(&"1".repeat(16), 1)
        .unwrap_err()
        .to_string()
        .contains("15 digits or fewer"));
    let mut d = draft("jdoe", "pw");
    d.phone_numbers = vec!["+1 555".into(), "1555".into()];
    let errors = d.validate().unwrap_err();
    assert_eq!(errors[0].field, Field::PhoneNumber(1));
    assert_eq!(errors[0].message, "Phone number 2 is already in the list");
}

#[test]
fn group_ids_are_32_lower_hex() {
    let id = "0123456789abcdef0123456789abcdef";
    assert_eq!(check_group_id(id, 1).unwrap().as_deref(), Some(id));
    assert!(check_group_id(&id.to_uppercase(), 1).is_err());
    assert!(check_group_id(&id[1..], 1).is_err());
    let mut d = draft("jdoe", "pw");
    d.groups = vec![id.into(), format!(" {id} ")];
    assert_eq!(
        d.validate().unwrap_err()[0].message,
        "Group 2 is already in the list"
    );
}

#[test]
fn unknown_groups_and_locations_are_refused_when_lists_are_known() {
    let id = "0123456789abcdef0123456789abcdef";
    let mut d = draft("jdoe", "pw");
    d.groups = vec![id.into()];
    d.locations = vec!["loc-1".into()];
    let errors = d
        .validate_with(&lists(&|_| Some(false), &|_| Some(false)))
        .unwrap_err();
    assert_eq!(errors[0].field, Field::Group(0));
    assert_eq!(
        errors[0].message,
        "Group 1 is not one of this project's groups; remove it"
    );
    assert_eq!(errors[1].field, Field::Location(0));
    assert!(d
        .validate_with(&lists(&|g| Some(g == id), &|l| Some(l == "loc-1")))
        .is_ok());
    let unchecked = d.validate_with(&lists(&|_| None, &|_| None)).unwrap_err();
    assert!(unchecked[0]
        .message
        .to_string()
        .contains("cannot be checked because the project's groups are not loaded"));
    assert!(unchecked[1]
        .message
        .to_string()
        .contains("refresh the location list or remove it"));
}

#[test]
fn locations_go_with_a_primary_that_is_in_the_list() {
    let mut d = draft("jdoe", "pw");
    d.locations = vec!["a".into(), "b".into(), "a".into()];
    d.primary_location = "b".into();
    let body = d.validate().unwrap();
    assert_eq!(body.locations, vec!["a", "b"]);
    assert_eq!(body.primary_location.as_deref(), Some("b"));
    // A primary that was removed from the list falls back to the first.
    d.primary_location = "gone".into();
    assert_eq!(d.validate().unwrap().primary_location.as_deref(), Some("a"));
    d.locations.clear();
    let body = d.validate().unwrap();
    assert_eq!(body.primary_location, None);
    assert!(body.locations.is_empty());
}

#[test]
fn role_is_trimmed_and_omitted_when_blank() {
    let mut d = draft("jdoe", "pw");
    d.role = "  Field worker ".into();
    assert_eq!(d.validate().unwrap().role.as_deref(), Some("Field worker"));
    d.role = "  ".into();
    assert_eq!(d.validate().unwrap().role, None);
}

#[test]
fn user_data_keys_follow_hqs_field_rules() {
    // (key, the start of the verdict: "" for accepted)
    let table = [
        ("district_code", ""),
        ("1st", ""),
        ("-x", ""),
        ("_x", ""),
        ("Name", "User data “Name” is a reserved word"),
        ("CommCare_x", ""),
        ("XMLthing", ""),
        ("123", "User data name “123” cannot be only numbers"),
        ("has space", "User data name “has space” can only contain"),
        ("dïstrict", "User data name “dïstrict” can only contain"),
        ("name", "User data “name” is reserved"),
        (
            "commcare_project",
            "User data “commcare_project” is reserved",
        ),
        (
            "commtrack-supply-point",
            "User data “commtrack-supply-point” is reserved",
        ),
        (
            "commcare_x",
            "User data “commcare_x” cannot start with “commcare”",
        ),
        ("xmlthing", "User data “xmlthing” cannot start with “xml”"),
        ("status", "User data “status” is a reserved word"),
        ("Due_Date", "User data “Due_Date” is a reserved word"),
        ("case_id", "User data “case_id” is a reserved word"),
    ];
    for (key, verdict) in table {
        match check_user_data_key(key) {
            Ok(()) => assert_eq!(verdict, "", "{key} was accepted"),
            Err(message) => assert!(
                !verdict.is_empty() && message.to_string().starts_with(verdict),
                "{key}: {message}"
            ),
        }
    }
    assert!(check_user_data_key(&"k".repeat(127)).is_ok());
    assert_eq!(
        check_user_data_key(&"k".repeat(128)).unwrap_err(),
        "User data name must be 127 characters or fewer (it has 128)"
    );
}

#[test]
fn user_data_names_differing_only_in_case_are_one_name_to_hq() {
    let mut d = draft("jdoe", "pw");
    d.user_data = vec![entry("District", "North"), entry("district", "South")];
    let errors = d.validate().unwrap_err();
    assert_eq!(errors[0].field, Field::UserDataKey(1));
    assert!(
        errors[0]
            .message
            .to_string()
            .contains("same name as “District”"),
        "{}",
        errors[0].message
    );
}

#[test]
fn user_data_rows_are_checked_and_blank_rows_skipped() {
    let mut d = draft("jdoe", "pw");
    d.user_data = vec![
        entry(" district ", " North "),
        entry("", ""),
        entry("level", ""),
    ];
    let body = d.validate().unwrap();
    assert_eq!(
        sent(&body)["user_data"],
        json!({"district": "North", "level": ""})
    );
    d.user_data.push(entry("", "orphan"));
    d.user_data.push(entry("district", "x"));
    let errors = d.validate().unwrap_err();
    assert_eq!(errors[0].field, Field::UserDataKey(3));
    assert_eq!(errors[0].message, "Enter a name for user data value 4");
    assert_eq!(
        errors[1].message,
        "User data “district” is already in the list"
    );
}

#[test]
fn every_offered_language_passes_the_rule() {
    for (code, _) in COMMON_LANGUAGES {
        assert_eq!(check_language(code).unwrap().as_deref(), Some(code));
    }
}

#[test]
fn language_codes_are_checked_as_app_languages_are() {
    // HQ's validate_lang: ^[a-z]{2,3}(-[a-z]*)?$
    for ok in ["en", "fra", "hin", "pt-br", "es-", "zh-hans"] {
        assert_eq!(check_language(ok).unwrap().as_deref(), Some(ok), "{ok}");
    }
    for bad in ["e", "English", "EN", "fr ca", "es-419", "abcd", "pt--br"] {
        assert!(
            check_language(bad)
                .unwrap_err()
                .to_string()
                .contains("can never match a CommCare app language"),
            "{bad}"
        );
    }
    assert!(check_language("pt-BR")
        .unwrap_err()
        .to_string()
        .ends_with("did you mean pt-br?"));
    assert!(check_language("pt_br")
        .unwrap_err()
        .to_string()
        .ends_with("did you mean pt-br?"));
}

#[test]
fn the_draft_kept_for_reloads_never_holds_the_password() {
    let d = draft("jdoe", "s3cret");
    let saved = d.to_json().write();
    assert!(!saved.contains("s3cret"), "{saved}");
    let restored = Draft::from_json(&Json::parse(&saved).unwrap()).unwrap();
    assert_eq!(restored.username, "jdoe");
    assert_eq!(restored.password, "");
}

#[test]
fn every_field_but_the_password_comes_back_after_a_reload() {
    let full = Draft {
        username: "jdoe".into(),
        password: "s3cret".into(),
        first_name: "Jane \"J\"".into(),
        last_name: "Doe\n".into(),
        email: "j@d.org".into(),
        phone_numbers: vec!["+256 7".into(), String::new()],
        groups: vec!["g1".into()],
        locations: vec!["l1".into(), "l2".into()],
        primary_location: "l2".into(),
        role: "Field worker".into(),
        user_data: vec![entry("ward", "7")],
        language: "fra".into(),
        custom: vec![entry("district", "North")],
        profile: "12".into(),
        confirm_by_email: true,
    };
    let restored = Draft::from_json(&Json::parse(&full.to_json().write()).unwrap()).unwrap();
    assert_eq!(
        restored,
        Draft {
            password: String::new(),
            ..full
        }
    );
    // What is not a kept draft is no draft at all, never a half-read one.
    for kept in [
        "[]",
        r#"{"groups": "g1"}"#,
        r#"{"user_data": [{"key": "k"}]}"#,
    ] {
        assert_eq!(
            Draft::from_json(&Json::parse(kept).unwrap()),
            None,
            "{kept}"
        );
    }
    assert_eq!(
        Draft::from_json(&Json::parse(r#"{"username": "a"}"#).unwrap())
            .unwrap()
            .username,
        "a"
    );
}

fn policy(json: &str) -> ProjectPolicy {
    ProjectPolicy::read(&Json::parse(json).unwrap()).unwrap()
}

const PROJECT: &str = r#"{
    "user_fields": [
        {"slug": "district", "label": "District", "required": true, "choices": ["North", "South"]},
        {"slug": "chw_id", "label": "CHW number", "regex": "^[0-9]{6}$", "regex_msg": "Six digits, e.g. 004512"},
        {"slug": "ward", "label": "Ward"}
    ],
    "profiles": [{"id": 12, "name": "Nurse", "fields": {"district": "North"}}],
    "strong_passwords": true,
    "account_confirmation": true,
    "location_required": true,
    "roles": ["Field worker", "Supervisor"]
}"#;

fn errors_under(d: &Draft, p: &ProjectPolicy, strength: Verdict) -> Vec<(Field, String)> {
    d.validate_with(&Checks {
        policy: p,
        strength,
        known_group: &|_| Some(true),
        known_location: &|_| Some(true),
    })
    .err()
    .unwrap_or_default()
    .into_iter()
    .map(|e| (e.field, e.message.to_string()))
    .collect()
}

fn ready(p: &ProjectPolicy) -> Draft {
    let mut d = draft("jdoe", "s3cret!pw");
    d.locations = vec!["loc-1".into()];
    d.custom.push(entry("district", "South"));
    d.custom.push(entry("chw_id", "004512"));
    assert!(errors_under(&d, p, Verdict::Strong(3)).is_empty());
    d
}

#[test]
fn project_fields_are_required_checked_and_sent_in_user_data() {
    let p = policy(PROJECT);
    let mut d = ready(&p);
    d.custom.push(entry("ward", "  7 "));
    let body = d.validate_with(&Checks {
        policy: &p,
        strength: Verdict::Strong(3),
        known_group: &|_| Some(true),
        known_location: &|_| Some(true),
    });
    let body = body.unwrap();
    assert_eq!(body.user_data.values["district"], "South");
    assert_eq!(body.user_data.values["chw_id"], "004512");
    assert_eq!(body.user_data.values["ward"], "7");

    d.custom.clear();
    assert_eq!(
        errors_under(&d, &p, Verdict::Strong(3)),
        [(Field::UserField(0), "Choose District".to_string())]
    );
    d.custom.push(entry("district", "East"));
    d.custom.push(entry("chw_id", "4512"));
    assert_eq!(
        errors_under(&d, &p, Verdict::Strong(3)),
        [
            (
                Field::UserField(0),
                "District must be one of: North, South".to_string()
            ),
            (
                Field::UserField(1),
                "CHW number: Six digits, e.g. 004512".to_string()
            ),
        ]
    );
}

#[test]
fn a_profile_fixes_its_fields_and_is_sent_as_hq_expects() {
    let p = policy(PROJECT);
    let mut d = ready(&p);
    d.profile = "12".into();
    // What was typed for a field the profile fixes is replaced by the profile's value.
    let body = d.validate_for(&p).unwrap();
    assert_eq!(body.user_data.values["district"], "North");
    let json = sent(&body);
    assert_eq!(json["user_data"][PROFILE_KEY], serde_json::json!(12));
    d.profile = "99".into();
    assert_eq!(
        errors_under(&d, &p, Verdict::Strong(3))[0].0,
        Field::Profile
    );
    let required = policy(r#"{"profiles": [{"id": 1, "name": "A"}], "profile_required": true}"#);
    let mut d = draft("jdoe", "pw");
    assert_eq!(
        errors_under(&d, &required, Verdict::Strong(3)),
        [(
            Field::Profile,
            "Choose a profile: this project requires one for every mobile worker".to_string()
        )]
    );
    d.profile = "1".into();
    assert!(errors_under(&d, &required, Verdict::Strong(3)).is_empty());
}

#[test]
fn free_user_data_cannot_name_a_project_field() {
    let p = policy(PROJECT);
    let mut d = ready(&p);
    d.user_data = vec![entry("Ward", "x")];
    let errors = errors_under(&d, &p, Verdict::Strong(3));
    assert_eq!(errors[0].0, Field::UserDataKey(0));
    assert!(errors[0].1.contains("Ward"), "{errors:?}");
}

#[test]
fn strong_passwords_follow_the_verdict() {
    let p = policy(PROJECT);
    let d = ready(&p);
    for (verdict, words) in [
        (Verdict::Weak(1), "too easy to guess"),
        (Verdict::TooShort, "at least 8 characters"),
        (Verdict::Checking, "still being checked"),
        (Verdict::Unavailable, "checker did not load"),
    ] {
        let errors = errors_under(&d, &p, verdict);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, Field::Password);
        assert!(errors[0].1.contains(words), "{errors:?}");
    }
    // Without the policy the verdict is not consulted.
    assert!(errors_under(&d, &ProjectPolicy::default(), Verdict::Weak(0)).is_empty());
}

#[test]
fn account_confirmation_sends_no_password_and_needs_an_email() {
    let p = policy(PROJECT);
    let mut d = ready(&p);
    d.confirm_by_email = true;
    d.password = "weak".into();
    assert_eq!(
        errors_under(&d, &p, Verdict::Weak(0)),
        [(
            Field::Email,
            "Enter the worker's email address: the link to set their password is sent there"
                .to_string()
        )]
    );
    d.email = "jdoe@example.org".into();
    let body = d.validate_for(&p).unwrap();
    let json = sent(&body);
    assert!(json.get("password").is_none(), "{json}");
    assert_eq!(json["require_account_confirmation"], true);
    assert_eq!(json["send_confirmation_email_now"], true);
    // A project that does not allow it: the box is not shown, and a stale tick counts
    // for nothing.
    let plain = ProjectPolicy::default();
    let json = sent(&d.validate_for(&plain).unwrap());
    assert_eq!(json["password"], "weak");
    assert!(json.get("require_account_confirmation").is_none());
}

#[test]
fn roles_and_locations_follow_the_project() {
    let p = policy(PROJECT);
    let mut d = ready(&p);
    d.role = "Supervisor".into();
    assert!(errors_under(&d, &p, Verdict::Strong(3)).is_empty());
    d.role = "supervisor".into();
    assert_eq!(errors_under(&d, &p, Verdict::Strong(3))[0].0, Field::Role);
    d.role.clear();
    d.locations.clear();
    assert_eq!(
        errors_under(&d, &p, Verdict::Strong(3)),
        [(
            Field::Locations,
            "Choose at least one location: this project requires every mobile worker to have one"
                .to_string()
        )]
    );
}

#[test]
fn rows_naming_a_project_field_fill_that_field() {
    let p = policy(PROJECT);
    let mut d = draft("jdoe", "pw");
    d.user_data = vec![
        entry("District", "North"),
        entry("team", "A"),
        entry("chw_id", "000001"),
    ];
    d.custom.push(entry("chw_id", "004512"));
    d.adopt_project_fields(&p);
    assert_eq!(d.user_data.len(), 1);
    assert_eq!(d.user_data[0].key, "team");
    let value = |slug: &str| {
        d.custom
            .iter()
            .find(|e| e.key == slug)
            .map(|e| e.value.clone())
    };
    assert_eq!(value("district").as_deref(), Some("North"));
    // What the operator typed in the field stays.
    assert_eq!(value("chw_id").as_deref(), Some("004512"));
}
