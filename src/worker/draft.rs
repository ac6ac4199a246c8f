//! The mobile worker being drafted: what the operator has typed, exactly as typed, and how
//! it is kept across reloads.

use crate::config::project_policy::ProjectPolicy;
use crate::json::Json;

/// What the operator has typed, exactly as typed. Kept across errors and (without the
/// password) across reloads, so nothing is ever retyped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub username: String,
    /// Never kept (see [`Draft::to_json`]).
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The first non-empty number is the default one.
    pub phone_numbers: Vec<String>,
    /// Group ids, chosen by name from the project's list.
    pub groups: Vec<String>,
    /// Location ids, chosen by name or site code from the project's list.
    pub locations: Vec<String>,
    /// One of `locations`; empty or stale means the first.
    pub primary_location: String,
    /// A role's exact name in the project.
    pub role: String,
    pub user_data: Vec<UserDataEntry>,
    pub language: String,
    /// The project's custom user fields: each slug and its value (see
    /// [`crate::config::project_policy`]).
    pub custom: Vec<UserDataEntry>,
    /// The chosen profile's id, as text; empty for none.
    pub profile: String,
    /// The worker sets their own password from an emailed link (where the project allows it).
    pub confirm_by_email: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserDataEntry {
    pub key: String,
    pub value: String,
}

impl Draft {
    /// Nothing typed or chosen, as a fresh form (the password aside: it is never kept). A
    /// project field's row counts only by its value; its name is the project's.
    pub fn is_blank(&self) -> bool {
        let texts = [
            &self.username,
            &self.first_name,
            &self.last_name,
            &self.email,
            &self.primary_location,
            &self.role,
            &self.language,
            &self.profile,
        ];
        texts.iter().all(|t| t.is_empty())
            && self.phone_numbers.iter().all(String::is_empty)
            && self.groups.is_empty()
            && self.locations.is_empty()
            && self
                .user_data
                .iter()
                .all(|e| e.key.is_empty() && e.value.is_empty())
            && self.custom.iter().all(|e| e.value.is_empty())
            && !self.confirm_by_email
    }

    /// The draft as kept across reloads: all but the password.
    pub fn to_json(&self) -> Json {
        let entries = |rows: &[UserDataEntry]| {
            Json::List(
                rows.iter()
                    .map(|e| {
                        Json::object([
                            ("key", e.key.as_str().into()),
                            ("value", e.value.as_str().into()),
                        ])
                    })
                    .collect(),
            )
        };
        let text = |s: &String| Json::from(s.as_str());
        Json::object([
            ("username", text(&self.username)),
            ("first_name", text(&self.first_name)),
            ("last_name", text(&self.last_name)),
            ("email", text(&self.email)),
            ("phone_numbers", Json::texts(&self.phone_numbers)),
            ("groups", Json::texts(&self.groups)),
            ("locations", Json::texts(&self.locations)),
            ("primary_location", text(&self.primary_location)),
            ("role", text(&self.role)),
            ("user_data", entries(&self.user_data)),
            ("language", text(&self.language)),
            ("custom", entries(&self.custom)),
            ("profile", text(&self.profile)),
            ("confirm_by_email", self.confirm_by_email.into()),
        ])
    }

    /// A kept draft (missing keys left empty); `None` if `json` is not one.
    pub fn from_json(json: &Json) -> Option<Draft> {
        let text = |key| match json.get(key) {
            None => Some(String::new()),
            Some(value) => value.as_str().map(str::to_string),
        };
        let list = |key| match json.get(key) {
            None => Some(&[][..]),
            Some(value) => value.as_list(),
        };
        let texts = |key| match json.get(key) {
            None => Some(Vec::new()),
            Some(value) => value.as_texts(),
        };
        let entries = |key| -> Option<Vec<UserDataEntry>> {
            list(key)?
                .iter()
                .map(|e| {
                    Some(UserDataEntry {
                        key: e.get("key")?.as_str()?.to_string(),
                        value: e.get("value")?.as_str()?.to_string(),
                    })
                })
                .collect()
        };
        matches!(json, Json::Object(_)).then_some(())?;
        Some(Draft {
            username: text("username")?,
            password: String::new(),
            first_name: text("first_name")?,
            last_name: text("last_name")?,
            email: text("email")?,
            phone_numbers: texts("phone_numbers")?,
            groups: texts("groups")?,
            locations: texts("locations")?,
            primary_location: text("primary_location")?,
            role: text("role")?,
            user_data: entries("user_data")?,
            language: text("language")?,
            custom: entries("custom")?,
            profile: text("profile")?,
            confirm_by_email: match json.get("confirm_by_email") {
                None => false,
                Some(flag) => flag.as_bool()?,
            },
        })
    }

    /// The value of the project's field `slug` (see [`set_custom`]).
    pub fn set_custom(&mut self, slug: &str, value: String) {
        set_custom(&mut self.custom, slug, value);
    }

    /// Moves user data rows that name one of the project's fields (a portal's defaults, say)
    /// into that field, unless it already holds a value: a project field is filled in as
    /// itself, never as a free row.
    pub fn adopt_project_fields(&mut self, policy: &ProjectPolicy) {
        self.user_data.retain(|row| {
            let key = row.key.trim();
            let Some(field) = policy
                .user_fields
                .iter()
                .find(|f| f.slug.eq_ignore_ascii_case(key))
            else {
                return true;
            };
            match self.custom.iter_mut().find(|e| e.key == field.slug) {
                Some(entry) if !entry.value.trim().is_empty() => {}
                Some(entry) => entry.value = row.value.clone(),
                None => self.custom.push(UserDataEntry {
                    key: field.slug.clone(),
                    value: row.value.clone(),
                }),
            }
            false
        });
    }

    /// The location that will be primary: the chosen one if it is in the list, else the first.
    pub fn effective_primary_location(&self) -> Option<&str> {
        effective_primary_location(&self.locations, &self.primary_location)
    }
}

/// The location that will be primary: `primary` if it is among `locations`, else the first.
pub fn effective_primary_location<'a>(locations: &'a [String], primary: &str) -> Option<&'a str> {
    let mut ids = locations.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
    let first = ids.clone().next();
    ids.find(|l| *l == primary.trim()).or(first)
}

/// The value of the project's field `slug` in `rows` (a draft's `custom`): its row's, or a new
/// row's.
pub fn set_custom(rows: &mut Vec<UserDataEntry>, slug: &str, value: String) {
    match rows.iter_mut().find(|e| e.key == slug) {
        Some(entry) => entry.value = value,
        None => rows.push(UserDataEntry {
            key: slug.to_string(),
            value,
        }),
    }
}
