//! Property tests of the draft rules: over thousands of generated drafts they never panic, and
//! every draft they accept becomes JSON with only the API's field names, no nulls, no empty
//! optionals.
#![cfg(not(target_arch = "wasm32"))]

use mobile_worker_form::form::Control;
use mobile_worker_form::worker::{check_username, normalise_username, Draft, UserDataEntry};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

const API_FIELDS: [&str; 13] = [
    "username",
    "password",
    "first_name",
    "last_name",
    "email",
    "phone_numbers",
    "default_phone_number",
    "groups",
    "primary_location",
    "locations",
    "role",
    "user_data",
    "language",
];

/// Plausible input and arbitrary unicode, mixed, so both the accept and refuse paths run.
fn text(plausible: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::string::string_regex(plausible).unwrap(),
        1 => Just(String::new()),
        1 => "\\s{1,3}",
        1 => ".{0,60}",
    ]
}

fn draft() -> impl Strategy<Value = Draft> {
    (
        text("[A-Za-z][A-Za-z0-9._ -]{0,55}"),
        text("[ -~]{1,20}"),
        text("[A-Za-zé' -]{0,32}"),
        text("[A-Za-z' -]{0,32}"),
        text("[a-z0-9.]{1,10}@[a-z]{1,8}\\.(org|com)"),
        vec(text("\\+?[0-9][0-9 -]{3,16}"), 0..4),
        vec(text("[0-9a-f]{32}"), 0..3),
        vec((text("[a-z_][a-z0-9_-]{0,12}"), text("[ -~]{0,12}")), 0..4),
        text("(en|fra|hin|[a-z]{2,3}(-[A-Z]{2})?)"),
        (vec(text("[a-z0-9-]{1,12}"), 0..3), text("[A-Za-z ]{0,20}")),
    )
        .prop_map(
            |(
                username,
                password,
                first,
                last,
                email,
                phones,
                groups,
                data,
                language,
                (locations, role),
            )| Draft {
                username,
                password,
                first_name: first,
                last_name: last,
                email,
                phone_numbers: phones,
                groups,
                primary_location: locations.last().cloned().unwrap_or_default(),
                locations,
                role,
                user_data: data
                    .into_iter()
                    .map(|(key, value)| UserDataEntry { key, value })
                    .collect(),
                language,
                ..Draft::default()
            },
        )
}

fn assert_clean(value: &Value, top_level: bool) {
    match value {
        Value::Null => panic!("null in the body"),
        Value::String(s) if top_level => assert!(!s.is_empty(), "empty optional string"),
        Value::Array(items) => {
            assert!(!items.is_empty(), "empty list sent");
            items.iter().for_each(|v| assert_clean(v, true));
        }
        Value::Object(map) if top_level => {
            assert!(!map.is_empty(), "empty object sent");
            for v in map.values() {
                assert!(v.is_string(), "user data values are strings");
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn accepted_drafts_serialise_to_clean_api_json(d in draft()) {
        if let Ok(body) = d.validate() {
            let json: Value = serde_json::from_str(&body.to_json().write()).unwrap();
            let fields = json.as_object().unwrap();
            for (name, value) in fields {
                prop_assert!(API_FIELDS.contains(&name.as_str()), "unknown field {}", name);
                assert_clean(value, true);
            }
            prop_assert_eq!(check_username(&body.username), Ok(body.username.clone()));
            prop_assert_eq!(
                fields.get("default_phone_number"),
                fields.get("phone_numbers").and_then(|p| p.get(0))
            );
            // HQ needs the primary location and the list together, the primary in the list.
            prop_assert_eq!(fields.contains_key("primary_location"), fields.contains_key("locations"));
            if let (Some(primary), Some(list)) = (fields.get("primary_location"), fields.get("locations")) {
                prop_assert!(list.as_array().unwrap().contains(primary));
            }
        }
    }

    #[test]
    fn problems_come_in_page_order_and_each_field_once(d in draft()) {
        if let Err(errors) = d.validate() {
            prop_assert!(!errors.is_empty());
            // The error summary lists problems in the order the fields stand on the page.
            let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
            let mut sorted = fields.clone();
            sorted.sort_by_key(|f| f.page_position());
            sorted.dedup();
            prop_assert_eq!(fields, sorted);
        }
    }

    #[test]
    fn normalising_a_username_twice_changes_nothing(s in ".{0,80}") {
        let once = normalise_username(&s);
        prop_assert_eq!(normalise_username(&once), once);
    }
}

/// Guards the properties above against a generator that only ever makes refused drafts.
#[test]
fn the_generator_makes_drafts_the_rules_accept() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = draft();
    let accepted = (0..2000)
        .filter(|_| {
            let d = strategy.new_tree(&mut runner).unwrap().current();
            d.validate().is_ok()
        })
        .count();
    assert!(
        accepted >= 20,
        "only {accepted} of 2000 generated drafts were accepted"
    );
}
