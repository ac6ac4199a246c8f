//! Each row of a file checked before anything is sent: turned into the same draft the
//! one-worker form fills, with group names and site codes looked up in the project's lists,
//! through the same rules, and with usernames that repeat within the file refused.

use crate::sheet::{Column, Row, Sheet};
use cells::{filled, header, said_of_cell, several_values, suggesting};
use hq_columns::{hq_columns, is_password_placeholder, names};
use mobile_worker_form::config::project_policy::ProjectPolicy;
use mobile_worker_form::hq::lists::Choice;
use mobile_worker_form::i18n::Message;
use mobile_worker_form::worker::password::Verdict;
use mobile_worker_form::worker::phones::{phone_warning, with_country_code};
use mobile_worker_form::worker::{
    normalise_username, Checks, Draft, FieldError, NewMobileWorker, UserDataEntry,
};
use std::collections::HashMap;

mod cells;
mod hq_columns;

/// A row, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// Its number in the spreadsheet.
    pub number: usize,
    /// The username as written in the file.
    pub username: String,
    /// What it asks for, as the one-worker form would hold it.
    pub draft: Draft,
    /// Why it cannot be sent; empty when it can.
    pub problems: Vec<Message>,
    /// The password was left empty, and one will be generated for it.
    pub needs_password: bool,
    /// What is worth a look but does not stop the row: numbers without their country code,
    /// numbers the country code was put into.
    pub warnings: Vec<Message>,
}

impl Checked {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What the rows are checked against: the project's lists (by name and by site code) and
/// policies, and whether an empty password gets a generated one.
pub struct Lists<'a> {
    pub groups: &'a [Choice],
    pub locations: &'a [Choice],
    pub policy: &'a ProjectPolicy,
    pub generate_passwords: bool,
    /// The strength of a password typed in the file, where the project requires strong ones.
    pub strength: &'a dyn Fn(&str, &str) -> Verdict,
    /// The project space the page creates workers in.
    pub domain: &'a str,
    /// A country calling code to put in place of a trunk 0 in every number, when the operator
    /// asked for it.
    pub country_code: Option<&'a str>,
}

/// The ids of the choices `named` picks.
fn ids(choices: &[Choice], named: impl Fn(&Choice) -> bool) -> Vec<&str> {
    choices
        .iter()
        .filter(|c| named(c))
        .map(|c| c.id.as_str())
        .collect()
}

/// A password that stands for "one will be generated" while the rules are applied: long,
/// and of every kind of character, so only the rest of the row is judged.
const GENERATED_STAND_IN: &str = "Generated-Password-1";

/// Checks every row of `sheet`.
pub fn check(sheet: &Sheet, lists: &Lists) -> Vec<Checked> {
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    sheet
        .rows
        .iter()
        .map(|row| {
            let mut checked = check_row(sheet, row, lists);
            let name = normalise_username(&checked.username);
            if !name.is_empty() {
                match first_row_of.get(&name) {
                    Some(first) => checked.problems.push(
                        Message::new("bulk.problem.username_repeated")
                            .text("column", header(sheet, &Column::Username))
                            .text("value", checked.username.trim())
                            .number("row", *first),
                    ),
                    None => {
                        first_row_of.insert(name, row.number);
                    }
                }
            }
            checked
        })
        .collect()
}

fn check_row(sheet: &Sheet, row: &Row, lists: &Lists) -> Checked {
    let mut problems = Vec::new();
    let mut draft = row_draft(sheet, row, lists, &mut problems);
    problems.extend(hq_columns(sheet, row, lists, &mut draft));
    let placeholder = is_password_placeholder(&draft.password);
    let written = std::mem::take(&mut draft.password);
    if !placeholder {
        draft.password = written.clone();
    }
    let confirm = draft.confirm_by_email && lists.policy.account_confirmation;
    let needs_password = draft.password.is_empty() && lists.generate_passwords && !confirm;
    if placeholder && !needs_password && !confirm {
        problems.push(
            Message::new("bulk.problem.password_placeholder")
                .text("value", written)
                .message("generate", Message::new("bulk.generate")),
        );
    }
    let judged = judge(&draft, needs_password || (placeholder && !confirm), lists);
    problems.extend(
        judged
            .into_iter()
            .map(|error| said_of_cell(error, sheet, row, &draft, lists)),
    );
    let warnings = phone_warnings(&mut draft, lists.country_code);
    Checked {
        number: row.number,
        username: draft.username.clone(),
        draft,
        problems,
        needs_password,
        warnings,
    }
}

/// The row's numbers that CommCare could not send SMS to, each said with its cell; with a
/// country code to add, those starting with 0 are rewritten and said so instead.
fn phone_warnings(draft: &mut Draft, country_code: Option<&str>) -> Vec<Message> {
    let mut warnings = Vec::new();
    for number in &mut draft.phone_numbers {
        let typed = number.clone();
        if let Some(fixed) = country_code.and_then(|code| with_country_code(&typed, code)) {
            warnings.push(
                Message::new("bulk.warning.phone_rewritten")
                    .text("typed", typed)
                    .text("number", fixed.as_str()),
            );
            *number = fixed;
        } else if let Some(warning) = phone_warning(&typed) {
            warnings.push(
                Message::new("bulk.warning.phone")
                    .text("typed", typed)
                    .message("warning", warning),
            );
        }
    }
    warnings
}

/// The ids of the groups and locations the row names, by group name and site code; each one
/// not found is a problem, with the nearest the project has.
fn places(
    sheet: &Sheet,
    row: &Row,
    lists: &Lists,
    problems: &mut Vec<Message>,
) -> (Vec<String>, Vec<String>) {
    let mut groups = Vec::new();
    for cell in filled(sheet, row, &Column::Group) {
        let said = |key| {
            Message::new(key)
                .text("column", cell.column)
                .text("name", cell.value)
        };
        match ids(lists.groups, |g| g.name == cell.value)[..] {
            [id] => groups.push(id.to_string()),
            [] => problems.push(several_values(cell, &Column::Group).unwrap_or_else(|| {
                let names = lists.groups.iter().map(|g| g.name.as_str());
                suggesting(said("bulk.problem.no_group"), cell.value, names)
            })),
            _ => problems.push(said("bulk.problem.group_ambiguous")),
        }
    }
    let mut locations = Vec::new();
    for cell in filled(sheet, row, &Column::LocationCode) {
        let said = |key| {
            Message::new(key)
                .text("column", cell.column)
                .text("code", cell.value)
        };
        // HQ keeps site codes in lower case.
        match ids(lists.locations, |l| {
            l.detail.eq_ignore_ascii_case(cell.value)
        })[..]
        {
            [id] => locations.push(id.to_string()),
            [] => problems.push(
                several_values(cell, &Column::LocationCode).unwrap_or_else(|| {
                    let codes = lists.locations.iter().map(|l| l.detail.as_str());
                    suggesting(said("bulk.problem.no_location"), cell.value, codes)
                }),
            ),
            _ => problems.push(said("bulk.problem.location_ambiguous")),
        }
    }
    (groups, locations)
}

/// The row as the draft the one-worker form would hold, its group names, site codes and
/// profile looked up in the project's lists; each one not found is a problem.
fn row_draft(sheet: &Sheet, row: &Row, lists: &Lists, problems: &mut Vec<Message>) -> Draft {
    let cell = |column: Column| sheet.cell(row, &column).to_string();
    let cells = |column: Column| -> Vec<String> {
        sheet
            .cells(row, &column)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (groups, locations) = places(sheet, row, lists, problems);
    let profiles = &lists.policy.profiles;
    let profile = match filled(sheet, row, &Column::Profile).first() {
        None => String::new(),
        Some(cell) => match profiles.iter().find(|p| p.name == cell.value) {
            Some(profile) => profile.id.to_string(),
            None => {
                let said = Message::new("bulk.problem.no_profile")
                    .text("column", cell.column)
                    .text("name", cell.value);
                let names = profiles.iter().map(|p| p.name.as_str());
                problems.push(suggesting(said, cell.value, names));
                String::new()
            }
        },
    };
    for cell in filled(sheet, row, &Column::PhoneNumber) {
        problems.extend(several_values(cell, &Column::PhoneNumber));
    }
    let (first_name, last_name) = names(sheet, row, problems);
    let mut draft = Draft {
        username: cell(Column::Username),
        password: cell(Column::Password),
        first_name,
        last_name,
        email: cell(Column::Email),
        phone_numbers: cells(Column::PhoneNumber),
        groups,
        primary_location: locations.first().cloned().unwrap_or_default(),
        locations,
        role: cell(Column::Role),
        user_data: user_data(sheet, row),
        language: cell(Column::Language),
        custom: Vec::new(),
        profile,
        confirm_by_email: false,
    };
    draft.adopt_project_fields(lists.policy);
    // The profile's own values count as given, as in the one-worker form, where they cannot
    // be edited. A cell saying otherwise is never silently replaced: HQ's importer refuses
    // such a row too ("'district' cannot be set directly", `UserData.__setitem__`).
    if let Some(profile) = lists.policy.profile(&draft.profile) {
        for (slug, value) in &profile.fields {
            let given = sheet
                .columns
                .iter()
                .zip(&row.cells)
                .find(|(column, _)| matches!(column, Column::Data(s) if s == slug))
                .map(|(_, cell)| cell.trim())
                .unwrap_or("");
            if !given.is_empty() && given != value.trim() {
                problems.push(
                    Message::new("bulk.problem.profile_fixes")
                        .text("column", format!("data: {slug}"))
                        .text("value", given)
                        .text("profile", profile.name.as_str())
                        .text("fixed", value.as_str()),
                );
            }
            draft.set_custom(slug, value.clone());
        }
    }
    draft
}

/// The row's `data: <name>` cells that hold something.
fn user_data(sheet: &Sheet, row: &Row) -> Vec<UserDataEntry> {
    sheet
        .columns
        .iter()
        .zip(&row.cells)
        .filter_map(|(column, value)| match column {
            Column::Data(slug) if !slug.is_empty() && !value.trim().is_empty() => {
                Some(UserDataEntry {
                    key: slug.clone(),
                    value: value.clone(),
                })
            }
            _ => None,
        })
        .collect()
}

/// The one-worker form's rules over the row's draft, a password to be generated standing in
/// for an empty one.
fn judge(draft: &Draft, needs_password: bool, lists: &Lists) -> Vec<FieldError> {
    let judged = Draft {
        password: if needs_password {
            GENERATED_STAND_IN.to_string()
        } else {
            draft.password.clone()
        },
        ..draft.clone()
    };
    let strength = if needs_password {
        Verdict::Strong(4)
    } else {
        (lists.strength)(&draft.password, &draft.username)
    };
    let checks = Checks {
        policy: lists.policy,
        strength,
        known_group: &|_| Some(true),
        known_location: &|_| Some(true),
    };
    match judged.validate_with(&checks) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

/// The body to send for `checked`, with `password` when one was generated for it.
pub fn body(
    checked: &Checked,
    policy: &ProjectPolicy,
    password: Option<&str>,
) -> Option<NewMobileWorker> {
    let draft = Draft {
        password: password.map_or_else(|| checked.draft.password.clone(), str::to_string),
        ..checked.draft.clone()
    };
    draft.validate_for(policy).ok()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::english;
    use crate::sheet::read;
    use mobile_worker_form::json::Json;

    const G1: &str = "0123456789abcdef0123456789abcdef";

    fn groups() -> Vec<Choice> {
        vec![
            Choice::new(G1.into(), "Nurses".into(), String::new()),
            Choice::new(format!("{:032x}", 2), "Twice".into(), String::new()),
            Choice::new(format!("{:032x}", 3), "Twice".into(), String::new()),
        ]
    }

    fn locations() -> Vec<Choice> {
        vec![Choice::new(
            "loc-gulu".into(),
            "Gulu".into(),
            "gulu_dist".into(),
        )]
    }

    pub fn checked_with(text: &str, policy: &ProjectPolicy, generate: bool) -> Vec<Checked> {
        checked_adding(text, policy, generate, None)
    }

    fn checked_adding(
        text: &str,
        policy: &ProjectPolicy,
        generate: bool,
        country_code: Option<&str>,
    ) -> Vec<Checked> {
        let sheet = read(text.as_bytes()).unwrap();
        let (groups, locations) = (groups(), locations());
        check(
            &sheet,
            &Lists {
                groups: &groups,
                locations: &locations,
                policy,
                generate_passwords: generate,
                strength: &|_, _| Verdict::Strong(4),
                domain: "demo",
                country_code,
            },
        )
    }

    pub fn problems(c: &Checked) -> Vec<String> {
        c.problems.iter().map(english).collect()
    }

    #[test]
    fn a_good_row_becomes_the_draft_the_form_would_hold() {
        let rows = checked_with(
            "username,password,first_name,group,location_code,phone-number,phone-number 2,data: ward\n\
             amina,s3cret-pw,Amina,Nurses,GULU_DIST,+256 772 123456,,7\n",
            &ProjectPolicy::default(),
            false,
        );
        let row = &rows[0];
        assert!(row.is_ready(), "{:?}", problems(row));
        assert_eq!(row.number, 2);
        assert_eq!(row.draft.groups, [G1]);
        assert_eq!(row.draft.locations, ["loc-gulu"]);
        assert_eq!(row.draft.primary_location, "loc-gulu");
        assert_eq!(row.draft.phone_numbers, ["+256 772 123456"]);
        assert_eq!(row.draft.user_data[0].key, "ward");
        let body = body(row, &ProjectPolicy::default(), None).unwrap();
        assert_eq!(body.username, "amina");
        assert_eq!(body.password.as_deref(), Some("s3cret-pw"));
    }

    #[test]
    fn each_problem_of_a_row_is_named() {
        let rows = checked_with(
            "username,password,email,group,location_code\n\
             bad name!,pw,not-an-email,Doctors,nowhere\n\
             ok1,pw,,Twice,\n",
            &ProjectPolicy::default(),
            false,
        );
        let first = problems(&rows[0]).join(" | ");
        for words in ["Doctors", "nowhere", "email", "Username"] {
            assert!(first.contains(words), "{words}: {first}");
        }
        assert!(
            problems(&rows[1])[0].contains("Twice"),
            "{:?}",
            problems(&rows[1])
        );
    }

    #[test]
    fn a_username_repeated_in_the_file_is_refused_with_the_first_row() {
        let rows = checked_with(
            "username,password\namina,pw1\nAmina ,pw2\nbo,pw3\n",
            &ProjectPolicy::default(),
            false,
        );
        assert!(rows[0].is_ready());
        let repeated = problems(&rows[1]).join(" ");
        assert!(repeated.contains("row 2"), "{repeated}");
        assert!(rows[2].is_ready());
    }

    #[test]
    fn an_empty_password_is_a_problem_unless_one_is_generated() {
        let text = "username,password\namina,\n";
        assert!(!checked_with(text, &ProjectPolicy::default(), false)[0].is_ready());
        let rows = checked_with(text, &ProjectPolicy::default(), true);
        assert!(rows[0].is_ready() && rows[0].needs_password);
        let sent = body(&rows[0], &ProjectPolicy::default(), Some("Gen3rated!pw")).unwrap();
        assert_eq!(sent.password.as_deref(), Some("Gen3rated!pw"));
    }

    #[test]
    fn the_projects_fields_and_profiles_are_read_from_data_columns() {
        let policy = ProjectPolicy::read(
            &Json::parse(
                r#"{"user_fields": [{"slug": "district", "required": true, "choices": ["North", "South"]}],
                    "profiles": [{"id": 12, "name": "Nurse", "fields": {"district": "North"}}]}"#,
            )
            .unwrap(),
        )
        .unwrap();
        let rows = checked_with(
            "username,password,data: district,user_profile\n\
             a1,pw,South,\n\
             a2,pw,,Nurse\n\
             a3,pw,,\n\
             a4,pw,East,Doctor\n\
             a5,pw,South,Nurse\n\
             a6,pw,North,Nurse\n",
            &policy,
            false,
        );
        assert!(rows[0].is_ready(), "{:?}", problems(&rows[0]));
        assert_eq!(rows[0].draft.custom[0].value, "South");
        assert!(rows[1].is_ready(), "{:?}", problems(&rows[1]));
        let sent = body(&rows[1], &policy, None).unwrap();
        assert_eq!(sent.user_data.profile, Some(12));
        assert_eq!(sent.user_data.values["district"], "North");
        assert!(!rows[2].is_ready(), "a required field left empty");
        // A cell the profile fixes otherwise is named, never replaced unseen; the same value
        // is fine.
        assert_eq!(
            problems(&rows[4]),
            ["data: district is “South”, but the profile “Nurse” sets it to “North”: empty the cell, or choose another profile"]
        );
        assert!(rows[5].is_ready(), "{:?}", problems(&rows[5]));
        let fourth = problems(&rows[3]).join(" ");
        assert!(
            fourth.contains("Doctor") && fourth.contains("North, South"),
            "{fourth}"
        );
    }

    #[test]
    fn a_thousand_rows_are_checked_at_once() {
        let mut text = String::from("username,password,first_name,group\n");
        for n in 0..1000 {
            text.push_str(&format!("worker{n},pw-{n},Name {n},Nurses\n"));
        }
        let rows = checked_with(&text, &ProjectPolicy::default(), false);
        assert_eq!(rows.len(), 1000);
        assert!(rows.iter().all(Checked::is_ready));
    }

    #[test]
    fn numbers_without_their_country_code_are_questioned_and_can_be_given_it() {
        let text = "username,password,phone-number 1,phone-number 2\n\
                    amina,pw-Secret-1,0772 987654,256700111222\n\
                    bo,pw-Secret-1,12345,\n";
        let rows = checked_with(text, &ProjectPolicy::default(), false);
        assert!(rows.iter().all(Checked::is_ready), "warnings never block");
        let said = |c: &Checked| c.warnings.iter().map(english).collect::<Vec<_>>();
        assert_eq!(
            said(&rows[0]),
            ["phone-number “0772 987654”: Starts with 0: CommCare sends SMS only with the country code, e.g. 256772987654"]
        );
        assert!(said(&rows[1])[0].starts_with("phone-number “12345”: Only 5 digits"));
        let rows = checked_adding(text, &ProjectPolicy::default(), false, Some("256"));
        assert_eq!(
            said(&rows[0]),
            ["phone-number “0772 987654” will be sent as +256772987654"]
        );
        let sent = body(&rows[0], &ProjectPolicy::default(), None).unwrap();
        assert_eq!(sent.phone_numbers, ["256772987654", "256700111222"]);
    }
}
