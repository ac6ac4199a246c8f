//! The columns of HQ's bulk upload, as its importer names them
//! (`corehq/apps/user_importer/importer.py`, `allowed_headers`) and its "Download Mobile
//! Workers" writes them (`corehq/apps/users/bulk_download.py`). Every column HQ writes or
//! accepts is known here: used with HQ's meaning, refused when filled because this page does
//! not do what it asks, or set aside because it is never used when creating.

/// A column of a file of mobile workers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Username,
    Password,
    /// HQ's full name, split as HQ splits it (the first word, the rest).
    Name,
    FirstName,
    LastName,
    Email,
    PhoneNumber,
    Group,
    LocationCode,
    Role,
    Language,
    /// HQ's `user_profile`: a profile's name.
    Profile,
    /// `data: <slug>`: user data, or a custom user field of the project.
    Data(String),
    /// An existing worker's id: HQ's importer would update that worker.
    UserId,
    IsActive,
    IsAccountConfirmed,
    SendConfirmationEmail,
    /// The project space the row is for (HQ's multi-project uploads).
    Domain,
    /// A column for something this page does not do (its header as HQ writes it): filled, the
    /// row is refused; empty, it is passed over.
    NotHere(&'static str),
    /// A column HQ writes that is never used when creating: set aside, and named once.
    Ignored,
}

/// The headers HQ's importer uses as they are, with what each is here.
const NAMED: [(&str, Column); 25] = [
    ("username", Column::Username),
    ("password", Column::Password),
    ("name", Column::Name),
    ("first_name", Column::FirstName),
    ("last_name", Column::LastName),
    ("email", Column::Email),
    ("phone-number", Column::PhoneNumber),
    ("group", Column::Group),
    ("location_code", Column::LocationCode),
    ("role", Column::Role),
    ("language", Column::Language),
    ("user_profile", Column::Profile),
    ("user_id", Column::UserId),
    ("is_active", Column::IsActive),
    ("is_account_confirmed", Column::IsAccountConfirmed),
    ("send_confirmation_email", Column::SendConfirmationEmail),
    ("domain", Column::Domain),
    (
        "send_confirmation_sms",
        Column::NotHere("send_confirmation_sms"),
    ),
    ("web_user", Column::NotHere("web_user")),
    ("remove_web_user", Column::NotHere("remove_web_user")),
    ("remove", Column::NotHere("remove")),
    ("status", Column::NotHere("status")),
    ("uncategorized_data", Column::Ignored),
    ("deactivate_after", Column::Ignored),
    ("last_access_date", Column::Ignored),
];

/// The columns a new file is best written with, in the order HQ's download writes them, so
/// the same file also works in HQ's own bulk upload (numbered repeats come after, as there).
pub const TEMPLATE: [Column; 6] = [
    Column::Username,
    Column::Password,
    Column::Name,
    Column::Email,
    Column::Language,
    Column::Role,
];

impl Column {
    /// The column a header names, in any case; `None` for a header HQ does not know.
    pub fn from_header(header: &str) -> Option<Column> {
        let header = header.trim();
        if let Some(slug) = header
            .get(..5)
            .filter(|p| p.eq_ignore_ascii_case("data:"))
            .map(|_| header[5..].trim())
        {
            return (!slug.is_empty()).then(|| Column::Data(slug.to_string()));
        }
        let lower = header.to_ascii_lowercase();
        // HQ's download marks what it writes for reading only; `last_login` is one of them.
        if lower.ends_with("(read only)") || lower == "last_login" {
            return Some(Column::Ignored);
        }
        NAMED.iter().find_map(|(name, column)| {
            let rest = lower.strip_prefix(name)?;
            let numbered = || {
                let digits = rest.trim_start_matches([' ', '-', '_']);
                digits.len() < rest.len()
                    && !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit())
            };
            (rest.is_empty() || (column.repeats() && numbered())).then(|| column.clone())
        })
    }

    /// Whether the column may be given more than once.
    pub fn repeats(&self) -> bool {
        matches!(
            self,
            Column::PhoneNumber | Column::Group | Column::LocationCode | Column::Ignored
        )
    }

    /// The header as HQ writes it (a repeated column numbered `n`, from 1).
    pub fn header(&self, n: usize) -> String {
        let name = NAMED
            .iter()
            .find(|(_, c)| c == self)
            .map(|(name, _)| name.to_string())
            .unwrap_or_default();
        match self {
            Column::Data(slug) => format!("data: {slug}"),
            Column::PhoneNumber | Column::Group | Column::LocationCode => format!("{name} {n}"),
            _ => name,
        }
    }
}

/// `name` split as HQ's `CouchUser.set_full_name` does: the first word is the first name, the
/// rest (joined by single spaces) the last name.
pub fn split_full_name(name: &str) -> (String, String) {
    let mut words = name
        .split(mobile_worker_form::worker::is_hq_space)
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("").to_string();
    (first, words.collect::<Vec<_>>().join(" "))
}

/// A yes-or-no cell as HQ reads it (`string_to_boolean`): empty is no answer; `true`, `yes`
/// and `1` (any case) are yes; anything else is no.
pub fn hq_boolean(cell: &str) -> Option<bool> {
    let cell = cell.trim();
    (!cell.is_empty()).then(|| ["true", "yes", "1"].contains(&cell.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_hqs_names_in_any_case_and_repeated_ones_numbered() {
        assert_eq!(Column::from_header(" Username "), Some(Column::Username));
        assert_eq!(
            Column::from_header("phone-number 2"),
            Some(Column::PhoneNumber)
        );
        assert_eq!(Column::from_header("group_3"), Some(Column::Group));
        assert_eq!(
            Column::from_header("location_code"),
            Some(Column::LocationCode)
        );
        assert_eq!(Column::from_header("username 2"), None);
        assert_eq!(
            Column::from_header("Data: District"),
            Some(Column::Data("District".into()))
        );
        assert_eq!(Column::from_header("data:"), None);
        assert_eq!(Column::from_header("groups"), None);
        for (_, column) in NAMED {
            if column != Column::Ignored {
                assert_eq!(Column::from_header(&column.header(1)), Some(column));
            }
        }
    }

    #[test]
    fn every_column_hqs_download_writes_is_known() {
        let download = [
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
            "group 1",
            "location_code 1",
            "data: district",
            "user_profile",
            "last_access_date (read only)",
            "last_login (read only)",
            "uncategorized_data",
            "is_account_confirmed",
            "send_confirmation_email",
            "send_confirmation_sms",
            "web_user",
            "remove_web_user",
            "remove",
            "status",
            "first_name",
            "last_name",
            "last_login",
            "last_access_date",
        ];
        for header in download {
            assert!(Column::from_header(header).is_some(), "{header} is unknown");
        }
        assert_eq!(
            Column::from_header("registered_on (READ ONLY)"),
            Some(Column::Ignored)
        );
        assert_eq!(
            Column::from_header("remove"),
            Some(Column::NotHere("remove"))
        );
    }

    #[test]
    fn a_full_name_is_split_as_hq_splits_it() {
        assert_eq!(
            split_full_name("  Amina  Nakato Okello "),
            ("Amina".into(), "Nakato Okello".into())
        );
        assert_eq!(split_full_name("Amina"), ("Amina".into(), String::new()));
        assert_eq!(split_full_name(""), (String::new(), String::new()));
        // Python's white space, the no-break space among it.
        assert_eq!(split_full_name("Jo\u{a0}Ann"), ("Jo".into(), "Ann".into()));
    }

    #[test]
    fn yes_and_no_are_read_as_hq_reads_them() {
        assert_eq!(hq_boolean(""), None);
        assert_eq!(hq_boolean(" TRUE "), Some(true));
        assert_eq!(hq_boolean("yes"), Some(true));
        assert_eq!(hq_boolean("1"), Some(true));
        assert_eq!(hq_boolean("False"), Some(false));
        assert_eq!(hq_boolean("maybe"), Some(false));
    }
}
