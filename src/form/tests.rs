//! The form's state: every transition, with a reactive `Owner`, no browser and no network.

use super::*;
use crate::hq::lists::Choice;
use crate::hq::lists::{ReadError, Resource};
use crate::hq::Created;
use crate::i18n::{Catalogue, Lang};
use crate::portal::protocol::Defaults;

fn form(config: &str) -> (Owner, FormState) {
    let owner = Owner::new();
    let state = owner.with(|| {
        let english = include_str!("../../locales/en.json");
        let texts = Texts::new(Catalogue::parse(Lang::En, english).unwrap());
        FormState::new(
            Config::parse(config).unwrap(),
            None,
            Draft::default(),
            texts,
        )
    });
    (owner, state)
}

const PROXY: &str = r#"{"base_url": "", "domain": "demo", "auth": "proxy"}"#;
const API_KEY: &str = r#"{"base_url": "https://hq.example", "domain": "demo", "auth": "api_key"}"#;

/// The two required fields, so the form can be sent.
fn fill(state: &FormState, username: &str) {
    state.type_username(username.into());
    state.draft.password.set("pw".into());
}

fn messages(state: &FormState) -> Vec<String> {
    state
        .problems
        .get_untracked()
        .into_iter()
        .map(|p| p.message.to_string())
        .collect()
}

#[test]
fn problems_show_only_after_a_submit_and_follow_each_change() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        assert!(messages(&state).is_empty());
        assert_eq!(state.begin_submit(), None);
        assert_eq!(messages(&state), ["Enter a username", "Enter a password"]);
        assert_eq!(state.focus.get_untracked(), Some(Focus::Summary));
        state.type_username("Jane Doe".into());
        assert_eq!(messages(&state), ["Enter a password"]);
        assert_eq!(
            state
                .error(Field::Password)
                .get_untracked()
                .map(|m| m.to_string())
                .as_deref(),
            Some("Enter a password")
        );
        state.draft.password.set("s3cret".into());
        let (body, credentials) = state.begin_submit().unwrap();
        assert_eq!(body.username, "jane.doe");
        assert_eq!(credentials, None, "the proxy adds the key");
        assert!(state.in_flight.get_untracked());
        assert_eq!(state.begin_submit(), None, "one request at a time");
    });
}

#[test]
fn a_refusal_of_the_username_stands_until_the_username_changes() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        fill(&state, "taken");
        let (body, _) = state.begin_submit().unwrap();
        let refusal = CreateError::Refused {
            message: "Username 'taken@demo.commcarehq.org' is already taken or reserved."
                .into(),
        };
        state.finish_submit(&body, Err(refusal));
        assert!(!state.in_flight.get_untracked());
        assert_eq!(
            state.error(Field::Username).get_untracked().map(|m| m.to_string()).as_deref(),
            Some("CommCare HQ refused to create the mobile worker. It said: Username 'taken@demo.commcarehq.org' is already taken or reserved.")
        );
        state.draft.first_name.set("Other".into());
        assert!(
            state.server_error.get_untracked().is_some(),
            "other fields leave it"
        );
        state.type_username("taken2".into());
        assert_eq!(state.server_error.get_untracked(), None);
    });
}

#[test]
fn success_is_kept_and_another_form_starts_empty() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        fill(&state, "jdoe");
        let (body, _) = state.begin_submit().unwrap();
        state.finish_submit(
            &body,
            Ok(Created {
                user_id: "abc".into(),
            }),
        );
        assert_eq!(
            state.success.get_untracked(),
            Some(Success {
                user_id: "abc".into(),
                full_username: "jdoe@demo.commcarehq.org".into(),
                generated_password: None,
                slip: crate::worker::slip::Slip::new(
                    "jdoe",
                    "jdoe@demo.commcarehq.org".into(),
                    [None, None],
                    body.password.clone(),
                ),
            })
        );
        assert!(body.password.is_some(), "the slip holds the password sent");
        // Closing the slip's preview forgets it.
        state.forget_password();
        let forgotten = state.success.get_untracked().unwrap();
        assert_eq!(forgotten.slip.password, None);
        assert_eq!(forgotten.slip.username, "jdoe");
        state.start_another();
        assert_eq!(state.success.get_untracked(), None);
        assert_eq!(untrack(|| state.draft.snapshot()), Draft::default());
        assert!(
            messages(&state).is_empty(),
            "a fresh form shows no problems"
        );
        assert_eq!(
            state.focus.get_untracked(),
            Some(Focus::Field(Field::Username))
        );
    });
}

#[test]
fn another_with_the_same_settings_keeps_the_team_never_the_person() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        fill(&state, "jdoe");
        state.draft.update(|d| {
            d.first_name = "Jane".into();
            d.email = "jane@example.org".into();
            d.phone_numbers = vec!["256772987654".into()];
            d.groups = vec!["g1".into()];
            d.locations = vec!["l1".into(), "l2".into()];
            d.primary_location = "l2".into();
            d.role = "Field worker".into();
            d.language = "fra".into();
        });
        let team = untrack(|| state.draft.snapshot());
        state.start_another_alike();
        let next = untrack(|| state.draft.snapshot());
        assert_eq!(
            (
                next.groups,
                next.locations,
                next.primary_location,
                next.role,
                next.language
            ),
            (
                team.groups,
                team.locations,
                team.primary_location,
                team.role,
                team.language
            )
        );
        assert_eq!(
            (
                next.username,
                next.password,
                next.first_name,
                next.email,
                next.phone_numbers
            ),
            Default::default()
        );
        assert_eq!(
            state.focus.get_untracked(),
            Some(Focus::Field(Field::Username))
        );
    });
}

fn choices(ids: &[&str]) -> Vec<Choice> {
    ids.iter()
        .map(|id| Choice::new(id.to_string(), id.to_uppercase(), String::new()))
        .collect()
}

#[test]
fn a_late_list_answer_never_replaces_a_newer_one() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        let (first, _) = state.begin_load(Resource::Groups).unwrap();
        let (second, _) = state.begin_load(Resource::Groups).unwrap();
        state.finish_load(Resource::Groups, second, Ok(choices(&["new"])));
        state.progress(Resource::Groups, first, 5, Some(10));
        state.finish_load(Resource::Groups, first, Ok(choices(&["old"])));
        assert_eq!(
            state.groups.with_untracked(|g| g.membership("new")),
            Some(true)
        );
        assert_eq!(
            state.groups.with_untracked(|g| g.membership("old")),
            Some(false)
        );
    });
}

#[test]
fn chosen_locations_go_when_the_list_proves_unavailable() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        state.draft.locations.set(vec!["loc-1".into()]);
        state.draft.primary_location.set("loc-1".into());
        let (ticket, _) = state.begin_load(Resource::Locations).unwrap();
        state.finish_load(Resource::Locations, ticket, Err(ReadError::Forbidden));
        assert!(state.draft.locations.get_untracked().is_empty());
        assert_eq!(state.draft.primary_location.get_untracked(), "");
    });
}

#[test]
fn chosen_ids_are_checked_against_the_loaded_list() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        fill(&state, "jdoe");
        state.draft.locations.set(vec!["loc-1".into()]);
        assert_eq!(state.begin_submit(), None, "the list is not loaded");
        let (ticket, _) = state.begin_load(Resource::Locations).unwrap();
        state.finish_load(Resource::Locations, ticket, Ok(choices(&["loc-1"])));
        assert!(state.begin_submit().is_some());
    });
}

#[test]
fn a_typed_key_is_asked_for_checked_and_then_sent() {
    let (owner, state) = form(API_KEY);
    owner.with(|| {
        assert!(state.needs_typed_key());
        assert_eq!(state.begin_load(Resource::Groups), None);
        assert_eq!(state.groups.get_untracked(), ListState::NeedsCredentials);
        state.typed_key.set(TypedKey {
            email: "paweł@example.org".into(),
            key: "k".into(),
        });
        state.refresh(Resource::Groups);
        assert!(matches!(
            state.groups.get_untracked(),
            ListState::Failed(ReadError::BadCredential(_))
        ));
        assert!(state
            .error_at(KEY_IDS.email.into())
            .get_untracked()
            .unwrap()
            .to_string()
            .contains("“ł”"));
        state.typed_key.set(TypedKey {
            email: "a@b.org".into(),
            key: "k".into(),
        });
        fill(&state, "jdoe");
        let (_, credentials) = state.begin_submit().unwrap();
        assert_eq!(
            credentials,
            Some(Credentials::ApiKey {
                email: "a@b.org".into(),
                key: "k".into()
            })
        );
    });
}

#[test]
fn defaults_fill_only_what_the_operator_left_alone_and_never_after_success() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        let first = Defaults {
            language: Some("fra".into()),
            ..Defaults::default()
        };
        state.configured(&Defaults::default(), &first, false);
        assert_eq!(state.draft.language.get_untracked(), "fra");
        state.draft.language.set("hin".into());
        let second = Defaults {
            language: Some("por".into()),
            ..Defaults::default()
        };
        state.configured(&first, &second, false);
        assert_eq!(state.draft.language.get_untracked(), "hin");

        fill(&state, "jdoe");
        let (body, _) = state.begin_submit().unwrap();
        state.finish_submit(
            &body,
            Ok(Created {
                user_id: "abc".into(),
            }),
        );
        let third = Defaults {
            language: Some("swa".into()),
            ..Defaults::default()
        };
        state.configured(&second, &third, false);
        assert_eq!(
            state.draft.language.get_untracked(),
            "hin",
            "the created draft stays as it was"
        );
    });
}

#[test]
fn cancel_waits_for_a_request_in_flight() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        fill(&state, "jdoe");
        let _ = state.begin_submit().unwrap();
        state.cancel();
        assert_eq!(state.draft.username.get_untracked(), "jdoe");
        state.in_flight.set(false);
        state.cancel();
        assert_eq!(state.draft.username.get_untracked(), "");
    });
}

#[test]
fn the_login_preview_shows_only_a_username_that_can_be_used_else_why() {
    let (owner, state) = form(PROXY);
    owner.with(|| {
        let preview = || state.login_preview().to_string();
        assert_eq!(preview(), "Their login will be name@demo.commcarehq.org");
        state.type_username(" Jane Doe ".into());
        assert_eq!(
            preview(),
            "Their login will be jane.doe@demo.commcarehq.org"
        );
        state.type_username("jane!".into());
        let said = preview();
        assert!(!said.contains("Their login will be"), "{said}");
        assert!(said.contains('!'), "says why: {said}");
    });
}
