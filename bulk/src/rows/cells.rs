//! A row's problems said as the cells that hold them: the column as the file names it and the
//! cell's value, with the project's nearest choice where a name was mistyped. Whoever reads
//! them has the spreadsheet open, not the form: "role “Field Worker” is not one of the
//! project's roles; did you mean “Field worker”?".

use super::Lists;
use crate::sheet::{Column, Row, Sheet};
use mobile_worker_form::i18n::Message;
use mobile_worker_form::worker::text::{lower_case, without_accents};
use mobile_worker_form::worker::{Draft, Field, FieldError};

/// A cell of the row: the header it stands under, as the file writes it, and its value.
#[derive(Clone, Copy)]
pub(super) struct Cell<'a> {
    pub column: &'a str,
    pub value: &'a str,
}

/// The cells of `row` under `column` that hold something, in order.
pub(super) fn filled<'a>(sheet: &'a Sheet, row: &'a Row, column: &Column) -> Vec<Cell<'a>> {
    sheet
        .headers
        .iter()
        .zip(&sheet.columns)
        .zip(&row.cells)
        .filter(|((_, c), value)| *c == column && !value.trim().is_empty())
        .map(|((header, _), value)| Cell {
            column: header.as_str(),
            value: value.trim(),
        })
        .collect()
}

/// The header of `column` as this file writes it (its first, for a repeated one), else as HQ
/// names it.
pub(super) fn header<'a>(sheet: &'a Sheet, column: &Column) -> std::borrow::Cow<'a, str> {
    sheet
        .columns
        .iter()
        .position(|c| c == column)
        .map(|i| sheet.headers[i].as_str().into())
        .unwrap_or_else(|| column.header(1).into())
}

/// The choice `value` most likely means: the same letters but for case and accents, else the
/// one a few keystrokes away (a third of its length, at most 3). `None` when none is that near,
/// or two are equally near.
pub(super) fn nearest<'a>(
    value: &str,
    choices: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let fold = |text: &str| lower_case(&without_accents(text.trim()));
    let wanted = fold(value);
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for choice in choices {
        let distance = strsim::levenshtein(&wanted, &fold(choice));
        match best {
            Some((d, c)) if distance == d && c != choice => tied = true,
            Some((d, _)) if distance >= d => {}
            _ => {
                best = Some((distance, choice));
                tied = false;
            }
        }
    }
    best.filter(|(d, _)| *d <= limit && !tied).map(|(_, c)| c)
}

/// `problem`, and the nearest of `choices` to `value` as a question, when one is near.
pub(super) fn suggesting<'a>(
    problem: Message,
    value: &str,
    choices: impl IntoIterator<Item = &'a str>,
) -> Message {
    match nearest(value, choices) {
        Some(choice) => Message::new("bulk.did_you_mean")
            .message("problem", problem)
            .text("choice", choice),
        None => problem,
    }
}

/// A cell holding several values where a column takes one: HQ's files repeat the column
/// (`group 1`, `group 2`) instead.
pub(super) fn several_values(cell: Cell, column: &Column) -> Option<Message> {
    let parts = cell
        .value
        .split([';', ','])
        .filter(|p| !p.trim().is_empty())
        .count();
    (parts > 1).then(|| {
        Message::new("bulk.problem.several_values")
            .text("column", cell.column)
            .text("value", cell.value)
            .text(
                "columns",
                format!("{}, {}", column.header(1), column.header(2)),
            )
    })
}

/// A rule's refusal of the row's draft, said as the cell it is about.
pub(super) fn said_of_cell(
    error: FieldError,
    sheet: &Sheet,
    row: &Row,
    draft: &Draft,
    lists: &Lists,
) -> Message {
    let FieldError { field, message } = error;
    let column = |c: Column| header(sheet, &c).into_owned();
    let nth = |c: Column, i: usize| {
        filled(sheet, row, &c)
            .get(i)
            .map(|cell| (cell.column.to_string(), cell.value.to_string()))
            .unwrap_or_else(|| (column(c), String::new()))
    };
    let generate = || Message::new("bulk.generate");
    let empty = |key: &'static str, c: Column| Message::new(key).text("column", column(c));
    match (field, message.key) {
        (Field::Username, "rule.username.missing") => {
            empty("bulk.problem.username_missing", Column::Username)
        }
        (Field::Password, "rule.password.missing") => {
            empty("bulk.problem.password_missing", Column::Password).message("generate", generate())
        }
        (Field::Password, "rule.password.weak") => {
            empty("bulk.problem.password_weak", Column::Password).message("generate", generate())
        }
        // A password is never shown again on the page, even the operator's own.
        (Field::Password, _) => {
            empty("bulk.problem.column", Column::Password).message("problem", message)
        }
        (Field::Locations, _) => empty("bulk.problem.location_required", Column::LocationCode),
        (Field::Profile, _) => empty("bulk.problem.profile_required", Column::Profile),
        (Field::Email, "rule.email.needed_for_confirmation") => {
            empty("bulk.problem.email_for_confirmation", Column::Email)
        }
        (Field::Role, "rule.role.not_listed") => suggesting(
            Message::new("bulk.problem.no_role")
                .text("column", column(Column::Role))
                .text("value", draft.role.trim()),
            &draft.role,
            lists.policy.roles.iter().map(String::as_str),
        ),
        (Field::UserField(i), key) => user_field(i, key, message, sheet, row, lists),
        (field, _) => {
            let (column, value) = match field {
                Field::FirstName if filled(sheet, row, &Column::Name).is_empty() => {
                    nth(Column::FirstName, 0)
                }
                Field::LastName if filled(sheet, row, &Column::Name).is_empty() => {
                    nth(Column::LastName, 0)
                }
                Field::FirstName | Field::LastName => nth(Column::Name, 0),
                Field::Email => nth(Column::Email, 0),
                Field::PhoneNumber(i) => nth(Column::PhoneNumber, i),
                Field::Group(i) => nth(Column::Group, i),
                Field::Location(i) => nth(Column::LocationCode, i),
                Field::Role => nth(Column::Role, 0),
                Field::Language => nth(Column::Language, 0),
                Field::UserDataKey(i) | Field::UserDataValue(i) => draft
                    .user_data
                    .get(i)
                    .map(|e| (format!("data: {}", e.key), e.value.trim().to_string()))
                    .unwrap_or_default(),
                _ => nth(Column::Username, 0),
            };
            said(column, &value, message)
        }
    }
}

/// `problem` after the column and the cell's value, or the column alone for an empty cell.
fn said(column: String, value: &str, problem: Message) -> Message {
    if value.is_empty() {
        Message::new("bulk.problem.column")
            .text("column", column)
            .message("problem", problem)
    } else {
        Message::new("bulk.problem.cell")
            .text("column", column)
            .text("value", value)
            .message("problem", problem)
    }
}

/// A refusal of the project's field `i`, said as its `data:` cell.
fn user_field(
    i: usize,
    key: &str,
    message: Message,
    sheet: &Sheet,
    row: &Row,
    lists: &Lists,
) -> Message {
    let Some(field) = lists.policy.user_fields.get(i) else {
        return message;
    };
    let data = Column::Data(field.slug.clone());
    let column = header(sheet, &data).into_owned();
    let value = filled(sheet, row, &data)
        .first()
        .map_or("", |cell| cell.value);
    match key {
        "rule.user_field.required" | "rule.user_field.choose" => {
            Message::new("bulk.problem.required").text("column", column)
        }
        "rule.user_field.choice" => suggesting(
            Message::new("bulk.problem.not_a_choice")
                .text("column", column)
                .text("value", value)
                .text("choices", field.choices.join(", ")),
            value,
            field.choices.iter().map(String::as_str),
        ),
        _ => said(column, value, message),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{checked_with, problems};
    use super::nearest;
    use mobile_worker_form::config::project_policy::ProjectPolicy;
    use mobile_worker_form::json::Json;

    #[test]
    fn the_nearest_choice_is_found_by_letters_then_by_keystrokes() {
        let roles = ["Field worker", "Supervisor", "Nurse", "Nurses"];
        assert_eq!(nearest("Field Worker", roles), Some("Field worker"));
        assert_eq!(nearest(" supérvisor ", roles), Some("Supervisor"));
        assert_eq!(nearest("Supervisr", roles), Some("Supervisor"));
        assert_eq!(nearest("Nurse", roles), Some("Nurse"), "the exact one wins");
        assert_eq!(nearest("Nurs", roles), Some("Nurse"));
        assert_eq!(nearest("Driver", roles), None, "nothing near");
        assert_eq!(nearest("ab", ["ac", "ad"]), None, "two as near");
        assert_eq!(nearest("x", Vec::<&str>::new()), None);
    }

    fn policy() -> ProjectPolicy {
        ProjectPolicy::read(
            &Json::parse(
                r#"{"roles": ["Field worker", "Supervisor"], "location_required": true,
                    "user_fields": [{"slug": "district", "required": true, "choices": ["Kampala", "Gulu"]}],
                    "profiles": [{"id": 12, "name": "Nurse", "fields": {}}]}"#,
            )
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn each_problem_names_its_column_and_cell_with_the_nearest_choice() {
        let rows = checked_with(
            "username,password,role,group 1,location_code 1,user_profile,data: district\n\
             amina,pw-Secret-1,Field Worker,nurses,GULU_DIST,nurse,gulu\n\
             bo,,Driver,Nurses;Twice,,,\n",
            &policy(),
            false,
        );
        assert_eq!(
            problems(&rows[0]),
            [
                "group 1 “nurses” is not one of the project's groups; did you mean “Nurses”?",
                "user_profile “nurse” is not one of the project's profiles; did you mean “Nurse”?",
                "role “Field Worker” is not one of the project's roles; did you mean “Field worker”?",
                "data: district “gulu” is not one of: Kampala, Gulu; did you mean “Gulu”?",
            ]
        );
        assert_eq!(
            problems(&rows[1]),
            [
                "group 1 “Nurses;Twice” holds several values, but each cell takes one: repeat the column, one value in each (group 1, group 2, …)",
                "password is empty: tick “Generate a password for each row without one” or fill it",
                "location_code 1 is empty, and this project requires a location",
                "role “Driver” is not one of the project's roles",
                "data: district is empty, and this project requires it",
            ]
        );
    }

    #[test]
    fn the_form_s_own_words_become_the_cell_s() {
        let rows = checked_with(
            "username,Password,email,phone-number 1,phone-number 2\n\
             Joseph Müller,pw-Secret-1,not-an-email,+256 772,0772 1; 0773 2\n\
             ,pw,,,\n",
            &ProjectPolicy::default(),
            false,
        );
        let first = problems(&rows[0]);
        assert_eq!(
            first,
            [
                "phone-number 2 “0772 1; 0773 2” holds several values, but each cell takes one: repeat the column, one value in each (phone-number 1, phone-number 2, …)",
                "username “Joseph Müller”: Username can only contain letters a to z, numbers, dots, hyphens and underscores; remove “ü”; did you mean joseph.muller?",
                "email “not-an-email”: Enter an email address in the correct format, like name@example.com",
                "phone-number 2 “0772 1; 0773 2”: Phone number 2 can only contain the digits 0 to 9, spaces, dashes and a +; remove “;”",
            ]
        );
        assert_eq!(
            problems(&rows[1]),
            ["username is empty: every mobile worker needs a username"]
        );
        for words in first.iter().chain(&problems(&rows[1])) {
            assert!(!words.contains("under the field"), "{words}");
        }
    }
}
