//! The columns of HQ's importer beyond the form's own fields, read with HQ's meaning: `name`
//! split as HQ splits it, the password HQ's download writes in place of one, an existing
//! worker's `user_id`, `is_active`, account confirmation, another project space, and what
//! this page does not do.

use super::Lists;
use crate::sheet::{hq_boolean, split_full_name, Column, Row, Sheet};
use mobile_worker_form::i18n::Message;
use mobile_worker_form::worker::Draft;

/// The first and last name: from `name`, split as HQ splits it, or from `first_name` and
/// `last_name`. A row giving both that disagree is a problem: which one is meant cannot be
/// known.
pub(super) fn names(sheet: &Sheet, row: &Row, problems: &mut Vec<Message>) -> (String, String) {
    let first = sheet.cell(row, &Column::FirstName).to_string();
    let last = sheet.cell(row, &Column::LastName).to_string();
    let name = sheet.cell(row, &Column::Name);
    if name.trim().is_empty() {
        return (first, last);
    }
    let (split_first, split_last) = split_full_name(name);
    let disagrees = |given: &str, split: &str| !given.trim().is_empty() && given.trim() != split;
    if disagrees(&first, &split_first) || disagrees(&last, &split_last) {
        problems.push(
            Message::new("bulk.problem.name_disagrees")
                .text("name", name.trim())
                .text("first", first.trim())
                .text("last", last.trim())
                .text("split_first", split_first.as_str())
                .text("split_last", split_last.as_str()),
        );
    }
    (split_first, split_last)
}

/// HQ's way of writing a password it will not show: only `*`s, which its importer takes as
/// no password at all (`is_password`).
pub fn is_password_placeholder(password: &str) -> bool {
    !password.is_empty() && password.chars().all(|c| c == '*')
}

/// The columns of HQ's importer that say what kind of row this is: an existing worker, an
/// inactive one, one to confirm by email, one for another project space, or something this
/// page does not do. Account confirmation, where asked for and allowed, is set on `draft`.
pub(super) fn hq_columns(
    sheet: &Sheet,
    row: &Row,
    lists: &Lists,
    draft: &mut Draft,
) -> Vec<Message> {
    let mut problems = Vec::new();
    let cell = |column: Column| sheet.cell(row, &column).trim().to_string();
    let user_id = cell(Column::UserId);
    if !user_id.is_empty() {
        problems.push(Message::new("bulk.problem.existing_worker").text("id", user_id.as_str()));
    }
    let active = cell(Column::IsActive);
    if hq_boolean(&active) == Some(false) {
        problems.push(Message::new("bulk.problem.inactive").text("value", active));
    }
    let unconfirmed = hq_boolean(&cell(Column::IsAccountConfirmed)) == Some(false);
    let send_email = hq_boolean(&cell(Column::SendConfirmationEmail)) == Some(true);
    if unconfirmed || send_email {
        let column = if unconfirmed {
            "is_account_confirmed"
        } else {
            "send_confirmation_email"
        };
        if !lists.policy.account_confirmation {
            problems.push(Message::new("bulk.problem.no_confirmation").text("column", column));
        } else if !draft.password.is_empty() && !is_password_placeholder(&draft.password) {
            problems.push(
                Message::new("bulk.problem.confirmation_with_password").text("column", column),
            );
        } else {
            draft.confirm_by_email = true;
        }
    }
    for (column, value) in sheet.columns.iter().zip(&row.cells) {
        if let Column::NotHere(header) = column {
            if !value.trim().is_empty() {
                problems.push(
                    Message::new("bulk.problem.not_here")
                        .text("column", *header)
                        .text("value", value.trim()),
                );
            }
        }
    }
    let domain = cell(Column::Domain);
    if !domain.is_empty() && !domain.eq_ignore_ascii_case(lists.domain) {
        problems.push(
            Message::new("bulk.problem.other_domain")
                .text("value", domain.as_str())
                .text("domain", lists.domain),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::tests::{checked_with, problems};
    use mobile_worker_form::config::project_policy::ProjectPolicy;
    use mobile_worker_form::json::Json;

    const DOWNLOAD: &str = "username,password,name,email,language,user_id,is_active,\
        User IMEIs (read only),role,registered_on (read only),last_submission (read only),\
        last_sync (read only),phone-number 1,phone-number 2,group 1,location_code 1,data: ward\n";

    #[test]
    fn a_row_of_hqs_download_edited_for_a_new_worker_is_ready() {
        let rows = checked_with(
            &format!(
                "{DOWNLOAD}amina,********,Amina Nakato Okello,,,,True,,,2024-01-01,,,256772987654,,Nurses,gulu_dist,7\n"
            ),
            &ProjectPolicy::default(),
            true,
        );
        let row = &rows[0];
        assert!(row.is_ready(), "{:?}", problems(row));
        assert!(row.needs_password, "HQ's ******** is no password");
        assert_eq!(row.draft.first_name, "Amina");
        assert_eq!(row.draft.last_name, "Nakato Okello");
        assert_eq!(row.draft.phone_numbers, ["256772987654"]);
        assert_eq!(row.draft.locations, ["loc-gulu"]);
    }

    #[test]
    fn hqs_hidden_password_is_refused_unless_one_is_generated() {
        let rows = checked_with(
            "username,password\namina,********\nbo,***\n",
            &ProjectPolicy::default(),
            false,
        );
        let said = problems(&rows[0]);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("password “********” is how CommCare HQ hides a password"));
        assert!(said[0].contains("tick “Generate a password for each row without one”"));
        assert!(problems(&rows[1])[0].contains("“***”"));
    }

    #[test]
    fn an_existing_or_inactive_worker_is_never_sent() {
        let rows = checked_with(
            "username,password,user_id,is_active\n\
             amina,pw-Secret-1,a1b2c3,\n\
             bo,pw-Secret-1,,False\n\
             cy,pw-Secret-1,,true\n\
             di,pw-Secret-1,,no\n",
            &ProjectPolicy::default(),
            false,
        );
        assert_eq!(
            problems(&rows[0]),
            ["Already in CommCare HQ (user id a1b2c3); this page creates new mobile workers only"]
        );
        assert!(problems(&rows[1])[0].starts_with("is_active is “False”"));
        assert!(rows[2].is_ready());
        assert!(problems(&rows[3])[0].starts_with("is_active is “no”"));
    }

    #[test]
    fn a_name_that_disagrees_with_first_and_last_name_is_refused_naming_both() {
        let rows = checked_with(
            "username,password,name,first_name,last_name\n\
             amina,pw-Secret-1,Amina Nakato,Amina,Nakato\n\
             bo,pw-Secret-1,Bo Smith,Bob,\n",
            &ProjectPolicy::default(),
            false,
        );
        assert!(rows[0].is_ready(), "{:?}", problems(&rows[0]));
        let said = problems(&rows[1]).join(" ");
        for words in ["name “Bo Smith”", "first_name “Bob”", "“Bo” and “Smith”"] {
            assert!(said.contains(words), "{words}: {said}");
        }
    }

    #[test]
    fn what_this_page_does_not_do_is_refused_only_when_asked_for() {
        let rows = checked_with(
            "username,password,web_user,remove,status,send_confirmation_sms,domain\n\
             amina,pw-Secret-1,,,,,DEMO\n\
             bo,pw-Secret-1,boss@example.org,,,,\n\
             cy,pw-Secret-1,,,,,elsewhere\n",
            &ProjectPolicy::default(),
            false,
        );
        assert!(rows[0].is_ready(), "{:?}", problems(&rows[0]));
        assert!(problems(&rows[1])[0].starts_with("web_user is filled (“boss@example.org”)"));
        assert!(problems(&rows[2])[0]
            .starts_with("domain “elsewhere” is not this project space (demo)"));
    }

    #[test]
    fn account_confirmation_follows_the_projects_policy() {
        let text = "username,password,email,is_account_confirmed\n\
                    amina,,amina@example.org,False\n\
                    bo,pw-Secret-1,bo@example.org,False\n";
        let plain = checked_with(text, &ProjectPolicy::default(), false);
        assert!(problems(&plain[0])[0].contains("which this project does not use"));
        let confirming =
            ProjectPolicy::read(&Json::parse(r#"{"account_confirmation": true}"#).unwrap())
                .unwrap();
        let rows = checked_with(text, &confirming, false);
        assert!(rows[0].is_ready(), "{:?}", problems(&rows[0]));
        assert!(rows[0].draft.confirm_by_email);
        assert!(!rows[0].needs_password);
        assert!(problems(&rows[1])[0].contains("but password is filled"));
    }
}
