use super::*;
use serde_json::{json, Value};

/// A message as the portal reads it.
fn sent(message: Outgoing) -> Value {
    serde_json::from_str(&message.to_json().write()).unwrap()
}

fn configure_text(extra: Value) -> String {
    configure(extra).to_string()
}

fn configure(extra: Value) -> Value {
    let mut m = json!({"protocol": PROTOCOL, "version": 1, "type": "configure"});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

#[test]
fn outgoing_messages_carry_protocol_version_and_type() {
    assert_eq!(
        sent(Outgoing::Created {
            user_id: "abc".into(),
            username: "j@d.commcarehq.org".into()
        }),
        json!({"protocol": PROTOCOL, "version": 1, "type": "created", "user_id": "abc", "username": "j@d.commcarehq.org"})
    );
    assert_eq!(sent(Outgoing::Resize { height: 640 })["height"], json!(640));
    assert_eq!(sent(Outgoing::Ready)["type"], json!("ready"));
}

#[test]
fn configure_reads_defaults_and_one_credential() {
    let got = read_incoming(&configure_text(json!({
        "defaults": {"language": "fra", "groups": ["g1"], "user_data": {"district": "North"}},
        "credentials": {"bearer_token": "tok"}
    })))
    .unwrap();
    assert_eq!(got.defaults.language.as_deref(), Some("fra"));
    assert_eq!(
        got.credentials,
        CredentialChange::Set(Credentials::Bearer {
            token: "tok".into()
        })
    );
    let key = read_incoming(&configure_text(json!({
        "credentials": {"api_key": {"email": "a@b.org", "key": "k"}}
    })))
    .unwrap();
    assert_eq!(
        key.credentials,
        CredentialChange::Set(Credentials::ApiKey {
            email: "a@b.org".into(),
            key: "k".into()
        })
    );
}

#[test]
fn credentials_change_only_when_the_message_names_them() {
    let keep = read_incoming(&configure_text(json!({"defaults": {"language": "en"}}))).unwrap();
    assert_eq!(keep.credentials, CredentialChange::Keep);
    let clear = read_incoming(&configure_text(json!({"credentials": null}))).unwrap();
    assert_eq!(clear.credentials, CredentialChange::Clear);
}

#[test]
fn a_language_the_form_does_not_speak_is_left_aside_and_the_rest_stands() {
    let read = read_incoming(&configure_text(json!({
        "ui_language": "fr-SN",
        "credentials": {"bearer_token": "t0ken"}
    })))
    .unwrap();
    assert_eq!(read.ui_language, Some(Lang::Fr));
    assert_eq!(read.language_complaint(), None);
    let read = read_incoming(&configure_text(json!({
        "ui_language": "de",
        "defaults": {"language": "fra"},
        "credentials": {"bearer_token": "t0ken"}
    })))
    .unwrap();
    assert_eq!(read.ui_language, None);
    assert_eq!(read.defaults.language.as_deref(), Some("fra"));
    assert!(matches!(read.credentials, CredentialChange::Set(_)));
    let complaint = read.language_complaint().unwrap();
    assert!(complaint.contains("\"de\"") && complaint.contains("en, fr, es, pt, sw, hi, ar"));
}

#[test]
fn unusable_credentials_are_refused_with_the_reason() {
    let err = read_incoming(&configure_text(
        json!({"credentials": {"bearer_token": "secret-abc\u{200b}"}}),
    ))
    .unwrap_err();
    assert!(matches!(err, Ignored::BadCredential(_)));
    assert!(err.to_string().contains("U+200B"), "{err}");
    assert!(!err.to_string().contains("secret-abc"), "{err}");
    let err = read_incoming(&configure_text(
        json!({"credentials": {"api_key": {"email": "paweł@b.org", "key": "k"}}}),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("“ł”"), "{err}");
    assert_eq!(
        read_incoming(&configure_text(
            json!({"credentials": {"bearer_token": "  "}})
        )),
        Err(Ignored::BadCredential(CredentialError::Missing(
            crate::hq::credentials::CredentialPart::BearerToken
        )))
    );
}

#[test]
fn other_messages_are_refused_with_a_reason() {
    assert!(read_incoming(&json!("hello").to_string()).is_err());
    assert!(read_incoming(
        &json!({"protocol": "other", "version": 1, "type": "configure"}).to_string()
    )
    .is_err());
    assert_eq!(
        read_incoming(
            &json!({"protocol": PROTOCOL, "version": 2, "type": "configure"}).to_string()
        ),
        Err(Ignored::UnsupportedVersion)
    );
    assert_eq!(
        read_incoming(&json!({"protocol": PROTOCOL, "version": 1, "type": "created"}).to_string()),
        Err(Ignored::UnknownType)
    );
    assert_eq!(
        read_incoming(&configure_text(json!({"defaults": {"password": "x"}}))),
        Err(Ignored::Malformed)
    );
    assert_eq!(
        read_incoming(&configure_text(json!({"credentials": "tok"}))),
        Err(Ignored::Malformed)
    );
    assert_eq!(
        read_incoming(&configure_text(json!({
            "credentials": {"bearer_token": "t", "api_key": {"email": "a", "key": "k"}}
        }))),
        Err(Ignored::AmbiguousCredentials)
    );
    // `null` where a list or an object belongs is a mistake, never "none".
    for wrong in [
        json!({"defaults": null}),
        json!({"defaults": {"groups": null}}),
        json!({"defaults": {"user_data": null}}),
        json!({"defaults": {"user_data": {"k": null}}}),
        json!({"credentials": {"api_key": {"email": "a", "key": null}}}),
    ] {
        assert_eq!(
            read_incoming(&configure_text(wrong.clone())),
            Err(Ignored::Malformed),
            "{wrong}"
        );
    }
    // Where `null` means none, it is read so.
    let read = read_incoming(&configure_text(json!({
        "defaults": {"language": null},
        "credentials": {"api_key": null, "bearer_token": "t"},
        "ui_language": null,
        "project": null
    })))
    .unwrap();
    assert_eq!(read.defaults, Defaults::default());
    assert_eq!(
        read.credentials,
        CredentialChange::Set(Credentials::Bearer { token: "t".into() })
    );
    assert_eq!((read.ui_language, read.project), (None, None));
    assert_eq!(
        read_incoming(
            &configure_text(json!({"defaults": {"groups": ["g"]}})).replace("\"g\"", "\"\\ud800\"")
        ),
        Err(Ignored::OtherProtocol),
        "half a character is no JSON text"
    );
}

#[test]
fn huge_defaults_are_refused() {
    let groups: Vec<String> = (0..10_000).map(|n| format!("g{n}")).collect();
    assert_eq!(
        read_incoming(&configure_text(json!({"defaults": {"groups": groups}}))),
        Err(Ignored::TooLarge)
    );
    let long = "x".repeat(100_000);
    assert_eq!(
        read_incoming(&configure_text(
            json!({"defaults": {"user_data": {"k": long}}})
        )),
        Err(Ignored::TooLarge)
    );
}

fn defaults(language: &str, groups: &[&str], data: &[(&str, &str)]) -> Defaults {
    Defaults {
        language: Some(language.to_string()).filter(|l| !l.is_empty()),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        user_data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn row(key: &str, value: &str) -> UserDataEntry {
    UserDataEntry {
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn defaults_fill_a_fresh_draft() {
    let mut draft = Draft::default();
    defaults("hin", &["g"], &[("district", "North")]).apply_to(&mut draft);
    assert_eq!(draft.language, "hin");
    assert_eq!(draft.groups, vec!["g"]);
    assert_eq!(draft.user_data, vec![row("district", "North")]);
}

#[test]
fn a_second_configure_changes_only_what_the_operator_left_alone() {
    let first = defaults("fra", &["g1"], &[("district", "North"), ("level", "1")]);
    let mut draft = Draft::default();
    first.apply_to(&mut draft);
    // The operator changes the language and one value, and removes the other row.
    draft.language = "hin".into();
    draft.user_data[0].value = "South".into();
    draft.user_data.remove(1);
    let second = defaults(
        "por",
        &["g2"],
        &[("district", "East"), ("level", "2"), ("team", "A")],
    );
    second.refill(&first, &mut draft);
    assert_eq!(draft.language, "hin", "the operator's choice stays");
    assert_eq!(
        draft.groups,
        vec!["g2"],
        "untouched groups follow the new defaults"
    );
    assert_eq!(
        draft.user_data,
        vec![row("district", "South"), row("team", "A")],
        "typed values stay, removed rows stay removed, new keys arrive"
    );
    // Untouched fields follow; defaults that went away go with them.
    let mut untouched = Draft::default();
    second.apply_to(&mut untouched);
    defaults("", &[], &[]).refill(&second, &mut untouched);
    assert_eq!(untouched, Draft::default());
}

#[test]
fn a_typed_row_names_the_same_field_in_any_case() {
    let mut draft = Draft {
        user_data: vec![row(" District ", "Typed")],
        ..Draft::default()
    };
    defaults("", &[], &[("district", "North")]).apply_to(&mut draft);
    assert_eq!(draft.user_data, vec![row(" District ", "Typed")]);
}

#[test]
fn what_the_operator_typed_before_the_defaults_arrived_wins() {
    let mut draft = Draft {
        user_data: vec![row("district", "Typed")],
        language: "swa".into(),
        groups: vec!["mine".into()],
        ..Draft::default()
    };
    defaults("fra", &["g"], &[("district", "North")]).apply_to(&mut draft);
    assert_eq!(draft.user_data, vec![row("district", "Typed")]);
    assert_eq!(draft.language, "swa");
    assert_eq!(draft.groups, vec!["mine"]);
}

#[test]
fn origins_are_exact() {
    let allowed = vec!["https://portal.example.org".to_string()];
    assert!(is_allowed("https://portal.example.org", &allowed));
    assert!(!is_allowed("https://portal.example.org.evil.com", &allowed));
    assert!(!is_allowed("http://portal.example.org", &allowed));
    assert!(!is_allowed("null", &allowed));
    use crate::config::normalise_origin;
    assert!(normalise_origin("https://portal.example.org").is_some());
    assert!(normalise_origin("http://127.0.0.1:8080").is_some());
    assert!(normalise_origin("*").is_none());
    assert!(normalise_origin("https://portal.example.org/").is_none());
    assert!(normalise_origin("portal.example.org").is_none());
}

#[test]
fn a_portal_cannot_replace_the_hosts_policies() {
    let text = configure_text(json!({"project": {"strong_passwords": true}}));
    let mut read = read_incoming(&text).unwrap();
    assert_eq!(read.keep_hosts_project(false), None);
    assert!(read.project.as_ref().unwrap().strong_passwords);
    let complaint = read.keep_hosts_project(true).unwrap();
    assert!(complaint.contains("config.json"), "{complaint}");
    assert_eq!(read.project, None);
    // Nothing to take out, nothing to say.
    assert_eq!(read.keep_hosts_project(true), None);
}

#[test]
fn a_portal_may_offer_a_country_code_written_as_config_json_writes_it() {
    let read = read_incoming(&configure_text(json!({"default_country_code": "+256"})));
    assert_eq!(read.unwrap().default_country_code.as_deref(), Some("256"));
    for bad in [json!("0256"), json!(256), json!("2567")] {
        let read = read_incoming(&configure_text(json!({ "default_country_code": bad })));
        assert_eq!(read, Err(Ignored::BadCountryCode), "{bad}");
    }
}

#[test]
fn a_portal_may_name_the_app_on_the_slips_where_the_host_names_none() {
    let handover = json!({"app_name": "CHW App", "install_url": "https://hq.example/app/1/"});
    let mut read = read_incoming(&configure_text(json!({ "handover": handover }))).unwrap();
    let kept: Value = serde_json::from_str(read.handover.as_deref().unwrap()).unwrap();
    assert_eq!(kept, handover);
    assert_eq!(read.keep_hosts_handover(false), None);
    let complaint = read.keep_hosts_handover(true).unwrap();
    assert!(complaint.contains("config.json"), "{complaint}");
    assert_eq!(read.handover, None);
    // One the slips could not print refuses the whole message, naming the key.
    let bad = json!({"app_name": "CHW App", "install_url": "http://hq.example/app/1/"});
    let read = read_incoming(&configure_text(json!({ "handover": bad })));
    assert_eq!(read, Err(Ignored::BadHandover("install_url".into())));
    let said = Ignored::BadHandover("install_url".into()).to_string();
    assert!(said.contains("handover.install_url"), "{said}");
}
