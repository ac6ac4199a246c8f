//! A project's own settings for new mobile workers, as HQ's own dialog enforces them: custom
//! user fields (required, fixed choices, a regex with its message), profiles that fix some
//! fields, strong passwords, account confirmation by email, a required location, and the
//! project's roles.
//!
//! HQ's API checks none of these on create and no API lists them, so whoever hosts the form
//! states them: `"project"` in `config.json`, or the same object in a portal's `configure`.
//! They are checked as strictly as the rest of the configuration, so a project's policy can
//! never silently mean less here than in HQ.

use crate::config::pattern::Pattern;
use crate::i18n::Message;
use crate::json::{join, Expected, Fields, Json, Wrong};
use std::collections::BTreeMap;

/// Keys HQ sets itself (`custom_data_fields/models.py` `SYSTEM_FIELDS`, and the two keys
/// `user_data.py` refuses to set directly). Compared exactly, as HQ does.
const SYSTEM_USER_DATA_KEYS: [&str; 9] = [
    "commcare_project",
    "commcare_profile",
    "name",
    "type",
    "owner_id",
    "external_id",
    "hq_user_id",
    "user_type",
    "commtrack-supply-point",
];
/// Prefixes HQ keeps for itself, compared exactly (case-sensitive), as HQ does.
const SYSTEM_USER_DATA_PREFIXES: [&str; 2] = ["commcare", "xml"];
/// Case property names HQ refuses as field slugs (`case-reserved-words.json`), compared in
/// lower case. HQ's list has changed over the years; this is every word any version holds.
const CASE_RESERVED_WORDS: [&str; 45] = [
    "actions",
    "activation_date",
    "case_id",
    "case_name",
    "case_type",
    "case_type_id",
    "closed",
    "closed_by",
    "closed_on",
    "commtrack",
    "computed_",
    "computed_modified_on_",
    "create",
    "date",
    "date-opened",
    "date_modified",
    "date_opened",
    "doc_type",
    "domain",
    "due_date",
    "external-id",
    "external_id",
    "followup_type",
    "index",
    "indices",
    "initial_processing_complete",
    "last_modified",
    "modified_by",
    "modified_on",
    "name",
    "opened_by",
    "opened_on",
    "parent",
    "referrals",
    "server_modified_on",
    "server_opened_on",
    "start_date",
    "status",
    "type",
    "user_id",
    "userid",
    "version",
    "xform_id",
    "xform_ids",
    "owner_id",
];
/// HQ's `Field.slug` column.
pub const USER_DATA_KEY_MAX_CHARS: usize = 127;

/// HQ's rules for a custom user field's slug (`custom_data_fields/edit_model.py`): Django's
/// slug characters with at least one that is not a digit, at most 127 characters, not a
/// system key or prefix, not a case property reserved word.
pub fn check_user_data_key(key: &str) -> Result<(), Message> {
    let named = |k| Message::new(k).text("name", key);
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
    {
        return Err(named("rule.user_data.characters").chars("chars", vec![c]));
    }
    if key.chars().all(|c| c.is_ascii_digit()) {
        return Err(named("rule.user_data.only_digits"));
    }
    let len = key.chars().count();
    if len > USER_DATA_KEY_MAX_CHARS {
        return Err(Message::new("rule.too_long")
            .message("label", Message::new("label.user_data_name_any"))
            .number("max", USER_DATA_KEY_MAX_CHARS)
            .number("length", len));
    }
    if SYSTEM_USER_DATA_KEYS.contains(&key) {
        return Err(named("rule.user_data.reserved"));
    }
    if let Some(prefix) = SYSTEM_USER_DATA_PREFIXES
        .iter()
        .find(|p| key.starts_with(*p))
    {
        return Err(named("rule.user_data.prefix").text("prefix", *prefix));
    }
    if CASE_RESERVED_WORDS.contains(&key.to_ascii_lowercase().as_str()) {
        return Err(named("rule.user_data.reserved_word"));
    }
    Ok(())
}

/// A custom user field, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserField {
    /// The `user_data` key.
    pub slug: String,
    /// What the project calls it (the project's own words, shown as they are).
    pub label: String,
    pub required: bool,
    /// A fixed list of values, or none.
    pub choices: Vec<String>,
    /// A regex the value must contain a match of, and the project's message when it does not.
    pub pattern: Option<(Pattern, Option<String>)>,
}

/// A profile: a name, and values it fixes for some custom fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub id: u64,
    pub name: String,
    pub fields: BTreeMap<String, String>,
}

/// A project's policies, checked. The default is a project with none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectPolicy {
    pub user_fields: Vec<UserField>,
    pub profiles: Vec<Profile>,
    pub profile_required: bool,
    pub strong_passwords: bool,
    pub account_confirmation: bool,
    pub location_required: bool,
    /// Role names; empty means the role is typed freely.
    pub roles: Vec<String>,
}

/// What is wrong with a policy: where (`user_fields[1].regex`, relative to `"project"`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub key: String,
    pub reason: Message,
}

/// Bounds, so a broken or hostile portal cannot hand over a project no form could show.
pub const MAX_ITEMS: usize = 200;
pub const MAX_TEXT: usize = 1000;

fn error(key: String, reason: &'static str) -> PolicyError {
    PolicyError {
        key,
        reason: Message::new(reason),
    }
}

/// `value` stated twice where it must be once.
fn repeated(key: String, value: String) -> PolicyError {
    PolicyError {
        key,
        reason: Message::new("policy_error.repeated").text("value", value),
    }
}

/// `text` trimmed, if it is not empty and not longer than `max` characters.
pub(super) fn text(
    key: &dyn Fn() -> String,
    value: &str,
    max: usize,
) -> Result<String, PolicyError> {
    let value = value.trim();
    if value.is_empty() {
        Err(error(key(), "policy_error.empty"))
    } else if value.chars().count() > max {
        Err(PolicyError {
            key: key(),
            reason: Message::new("policy_error.too_long").number("max", max),
        })
    } else {
        Ok(value.to_string())
    }
}

impl UserField {
    /// Whether `value` (stripped as HQ strips it) is one this field takes; the message if not.
    /// An empty value is the caller's to judge (required or not).
    pub fn check(&self, value: &str) -> Result<(), Message> {
        if !self.choices.is_empty() && !self.choices.iter().any(|c| c == value) {
            return Err(Message::new("rule.user_field.choice")
                .text("label", self.label.as_str())
                .text("choices", self.choices.join(", ")));
        }
        match &self.pattern {
            Some((pattern, _)) if pattern.found_in(value) => Ok(()),
            Some((_, Some(message))) => Err(Message::new("rule.user_field.project_says")
                .text("label", self.label.as_str())
                .text("message", message.as_str())),
            Some((_, None)) => Err(Message::new("rule.user_field.pattern")
                .text("label", self.label.as_str())
                .text("pattern", pattern_text(self))),
            None => Ok(()),
        }
    }
}

fn pattern_text(field: &UserField) -> String {
    field
        .pattern
        .as_ref()
        .map(|(p, _)| p.python.clone())
        .unwrap_or_default()
}

impl From<Wrong> for PolicyError {
    fn from(wrong: Wrong) -> Self {
        PolicyError {
            key: wrong.at,
            reason: Message::new(match wrong.expected {
                Expected::Object => "policy_error.not_object",
                Expected::List => "policy_error.not_list",
                Expected::Text => "policy_error.not_text",
                Expected::Flag => "policy_error.not_flag",
                Expected::WholeNumber => "policy_error.not_number",
                Expected::Present => "policy_error.missing",
                Expected::KnownKey => "policy_error.unknown_key",
                Expected::FewerItems => "policy_error.over_limit",
            }),
        }
    }
}

/// Each text of a list, checked, none repeated.
fn texts(fields: &Fields, key: &str) -> Result<Vec<String>, PolicyError> {
    let mut checked: Vec<String> = Vec::new();
    for (place, item) in fields.texts(key, MAX_ITEMS)? {
        let value = text(&|| place.clone(), item, MAX_TEXT)?;
        if checked.contains(&value) {
            return Err(repeated(place, value));
        }
        checked.push(value);
    }
    Ok(checked)
}

impl ProjectPolicy {
    /// Reads and checks `"project"` as written (`null` or absent: no policies).
    pub fn read(project: &Json) -> Result<Self, PolicyError> {
        if project.is_null() {
            return Ok(ProjectPolicy::default());
        }
        let map = project.fields(
            "",
            &[
                "user_fields",
                "profiles",
                "profile_required",
                "strong_passwords",
                "account_confirmation",
                "location_required",
                "roles",
            ],
        )?;
        let mut user_fields: Vec<UserField> = Vec::new();
        for (i, field) in map.list("user_fields", MAX_ITEMS)?.iter().enumerate() {
            let field = read_user_field(&format!("user_fields[{i}]"), field, &user_fields)?;
            user_fields.push(field);
        }
        let mut profiles: Vec<Profile> = Vec::new();
        for (i, profile) in map.list("profiles", MAX_ITEMS)?.iter().enumerate() {
            let at = format!("profiles[{i}]");
            let profile = read_profile(&at, profile, &user_fields, &profiles)?;
            profiles.push(profile);
        }
        let profile_required = map.flag("profile_required")?;
        if profile_required && profiles.is_empty() {
            return Err(error(
                "profile_required".into(),
                "policy_error.profile_required",
            ));
        }
        Ok(ProjectPolicy {
            user_fields,
            profiles,
            profile_required,
            strong_passwords: map.flag("strong_passwords")?,
            account_confirmation: map.flag("account_confirmation")?,
            location_required: map.flag("location_required")?,
            roles: texts(&map, "roles")?,
        })
    }

    /// The profile chosen by its id as the form holds it (text), if there is one.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        let id: u64 = id.trim().parse().ok()?;
        self.profiles.iter().find(|p| p.id == id)
    }
}

/// A custom user field at `at`, its slug unlike any of the `earlier` ones.
fn read_user_field(
    at: &str,
    field: &Json,
    earlier: &[UserField],
) -> Result<UserField, PolicyError> {
    let key = |part: &str| join(at, part);
    let field = field.fields(
        at,
        &["slug", "label", "required", "choices", "regex", "regex_msg"],
    )?;
    let slug = text(
        &|| key("slug"),
        field.text("slug")?.unwrap_or_default(),
        MAX_TEXT,
    )?;
    check_user_data_key(&slug).map_err(|reason| PolicyError {
        key: key("slug"),
        reason,
    })?;
    // HQ compares field names without regard to case.
    if earlier.iter().any(|f| f.slug.eq_ignore_ascii_case(&slug)) {
        return Err(repeated(key("slug"), slug));
    }
    let label = match field.text("label")? {
        Some(label) => text(&|| key("label"), label, MAX_TEXT)?,
        None => slug.clone(),
    };
    let choices = texts(&field, "choices")?;
    let pattern = read_pattern(at, &field, !choices.is_empty())?;
    Ok(UserField {
        slug,
        label,
        required: field.flag("required")?,
        choices,
        pattern,
    })
}

/// A field's regex and its message, where it has one (never beside fixed choices).
fn read_pattern(
    at: &str,
    field: &Fields,
    has_choices: bool,
) -> Result<Option<(Pattern, Option<String>)>, PolicyError> {
    let key = |part: &str| join(at, part);
    match (field.text("regex")?, field.text("regex_msg")?) {
        (Some(_), _) if has_choices => Err(error(key("regex"), "policy_error.choices_and_regex")),
        (Some(regex), _) if regex.chars().count() > MAX_TEXT => Err(PolicyError {
            key: key("regex"),
            reason: Message::new("policy_error.too_long").number("max", MAX_TEXT),
        }),
        (Some(regex), message) => {
            let pattern = Pattern::new(regex).map_err(|reason| PolicyError {
                key: key("regex"),
                reason,
            })?;
            let message = message
                .map(|m| text(&|| key("regex_msg"), m, MAX_TEXT))
                .transpose()?;
            Ok(Some((pattern, message)))
        }
        (None, Some(_)) => Err(error(
            key("regex_msg"),
            "policy_error.message_without_regex",
        )),
        (None, None) => Ok(None),
    }
}

/// A profile at `at`: its id and name unlike the `earlier` ones', and each value it fixes one
/// its field (among `user_fields`) takes.
fn read_profile(
    at: &str,
    profile: &Json,
    user_fields: &[UserField],
    earlier: &[Profile],
) -> Result<Profile, PolicyError> {
    let key = |part: &str| join(at, part);
    let profile = profile.fields(at, &["id", "name", "fields"])?;
    let id = profile
        .get("id")
        .and_then(Json::as_whole)
        .ok_or_else(|| error(key("id"), "policy_error.not_id"))?;
    let name = text(
        &|| key("name"),
        profile.text("name")?.unwrap_or_default(),
        MAX_TEXT,
    )?;
    if earlier.iter().any(|p| p.id == id) {
        return Err(repeated(key("id"), id.to_string()));
    }
    if earlier.iter().any(|p| p.name == name) {
        return Err(repeated(key("name"), name));
    }
    let fields_at = key("fields");
    let fields = match profile.get("fields") {
        None => Vec::new(),
        Some(Json::Object(fields)) => fields.iter().collect(),
        Some(_) => return Err(error(fields_at, "policy_error.not_object")),
    };
    let mut fixed = BTreeMap::new();
    for (slug, value) in fields {
        let value = read_fixed_value(&join(&fields_at, slug), slug, value, user_fields)?;
        fixed.insert(slug.clone(), value);
    }
    Ok(Profile {
        id,
        name,
        fields: fixed,
    })
}

/// The value a profile fixes for the field `slug`, at `at`: a text its field takes.
fn read_fixed_value(
    at: &str,
    slug: &str,
    value: &Json,
    user_fields: &[UserField],
) -> Result<String, PolicyError> {
    let Some(field) = user_fields.iter().find(|f| f.slug == slug) else {
        return Err(PolicyError {
            key: at.to_string(),
            reason: Message::new("policy_error.no_such_field").text("slug", slug),
        });
    };
    let value = value
        .as_str()
        .ok_or_else(|| error(at.to_string(), "policy_error.not_text"))?;
    let value = text(&|| at.to_string(), value, MAX_TEXT)?;
    field.check(&value).map_err(|reason| PolicyError {
        key: at.to_string(),
        reason: Message::new("policy_error.fixed_value")
            .text("value", value.as_str())
            .message("problem", reason),
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::english;

    fn check(json: &str) -> Result<ProjectPolicy, String> {
        let value = Json::parse(json).map_err(|e| e.0)?;
        ProjectPolicy::read(&value).map_err(|e| format!("{}: {}", e.key, english(&e.reason)))
    }

    const EXAMPLE: &str = r#"{
        "user_fields": [
            {"slug": "district", "label": "District", "required": true, "choices": ["North", "South"]},
            {"slug": "chw_id", "label": "CHW number", "regex": "^[0-9]{6}$", "regex_msg": "Six digits, e.g. 004512"}
        ],
        "profiles": [{"id": 12, "name": "Nurse", "fields": {"district": "North"}}],
        "profile_required": false,
        "strong_passwords": true,
        "account_confirmation": true,
        "location_required": false,
        "roles": ["Field worker", "Supervisor"]
    }"#;

    #[test]
    fn the_documented_example_is_read_whole() {
        let policy = check(EXAMPLE).unwrap();
        assert_eq!(policy.user_fields.len(), 2);
        assert_eq!(policy.user_fields[0].choices, ["North", "South"]);
        assert!(policy.user_fields[0].required);
        assert_eq!(policy.profile("12").unwrap().fields["district"], "North");
        assert!(policy.profile("13").is_none());
        assert!(policy.strong_passwords && policy.account_confirmation);
        assert_eq!(policy.roles, ["Field worker", "Supervisor"]);
        assert_eq!(check("{}").unwrap(), ProjectPolicy::default());
    }

    #[test]
    fn a_field_checks_its_choices_and_its_regex_with_the_projects_message() {
        let policy = check(EXAMPLE).unwrap();
        let [district, chw] = &policy.user_fields[..] else {
            unreachable!()
        };
        assert!(district.check("North").is_ok());
        let wrong = english(&district.check("north").unwrap_err());
        assert!(
            wrong.contains("District") && wrong.contains("North, South"),
            "{wrong}"
        );
        assert!(chw.check("004512").is_ok());
        let wrong = english(&chw.check("4512").unwrap_err());
        assert!(
            wrong.contains("CHW number") && wrong.contains("Six digits, e.g. 004512"),
            "{wrong}"
        );
        let bare = check(r#"{"user_fields": [{"slug": "x", "regex": "^a"}]}"#).unwrap();
        let wrong = english(&bare.user_fields[0].check("b").unwrap_err());
        assert!(wrong.contains("^a"), "{wrong}");
    }

    /// Each mistake a project's policies can hold: the JSON, the place named, and words of
    /// the reason.
    const MISTAKES: [(&str, &str, &str); 25] = [
        (r#"{"colour": 1}"#, "colour", "not a key"),
        (
            r#"{"user_fields": [{"slug": "x", "lable": "X"}]}"#,
            "user_fields[0].lable",
            "not a key",
        ),
        (r#"{"user_fields": {"slug": "x"}}"#, "user_fields", "list"),
        (
            r#"{"strong_passwords": "yes"}"#,
            "strong_passwords",
            "true or false",
        ),
        (
            r#"{"profiles": [{"id": "12", "name": "N"}]}"#,
            "profiles[0].id",
            "whole number",
        ),
        (r#"{"roles": ["A", 2]}"#, "roles[1]", "text"),
        (
            r#"{"user_fields": [{"slug": "name"}]}"#,
            "user_fields[0].slug",
            "reserved",
        ),
        (
            r#"{"user_fields": [{"slug": "a b"}]}"#,
            "user_fields[0].slug",
            "can only contain",
        ),
        (
            r#"{"user_fields": [{"slug": "ward"}, {"slug": "Ward"}]}"#,
            "user_fields[1].slug",
            "more than once",
        ),
        (
            r#"{"user_fields": [{"slug": "x", "regex": "(a"}]}"#,
            "user_fields[0].regex",
            "not a valid",
        ),
        (
            r#"{"user_fields": [{"slug": "x", "regex": "a++"}]}"#,
            "user_fields[0].regex",
            "++",
        ),
        (
            r#"{"user_fields": [{"slug": "x", "regex": "^(a|a)*$"}]}"#,
            "user_fields[0].regex",
            "too long to check",
        ),
        (
            r#"{"user_fields": [{"slug": "x", "regex_msg": "m"}]}"#,
            "user_fields[0].regex_msg",
            "regex",
        ),
        (
            r#"{"user_fields": [{"slug": "x", "choices": ["a"], "regex": "a"}]}"#,
            "user_fields[0].regex",
            "choices",
        ),
        (
            r#"{"user_fields": [{"slug": "x", "choices": ["a", " a "]}]}"#,
            "user_fields[0].choices[1]",
            "more than once",
        ),
        (
            r#"{"profiles": [{"id": 1, "name": "N", "fields": {"ward": "1"}}]}"#,
            "profiles[0].fields.ward",
            "ward",
        ),
        (
            r#"{"user_fields": [{"slug": "d", "choices": ["N"]}], "profiles": [{"id": 1, "name": "N", "fields": {"d": "S"}}]}"#,
            "profiles[0].fields.d",
            "S",
        ),
        (
            r#"{"profiles": [{"id": 1, "name": "A"}, {"id": 1, "name": "B"}]}"#,
            "profiles[1].id",
            "more than once",
        ),
        (
            r#"{"profile_required": true}"#,
            "profile_required",
            "profile",
        ),
        (r#"{"roles": ["A", ""]}"#, "roles[1]", "empty"),
        // `null` is never "off" or "none": a policy must not quietly mean less.
        (
            r#"{"strong_passwords": null}"#,
            "strong_passwords",
            "true or false",
        ),
        (r#"{"user_fields": null}"#, "user_fields", "list"),
        (
            r#"{"user_fields": [{"slug": "x", "required": null}]}"#,
            "user_fields[0].required",
            "true or false",
        ),
        (
            r#"{"profiles": [{"id": 1, "name": "N", "fields": null}]}"#,
            "profiles[0].fields",
            "object",
        ),
        (
            r#"{"user_fields": [{"label": "No slug"}]}"#,
            "user_fields[0].slug",
            "empty",
        ),
    ];

    #[test]
    fn each_mistake_is_named_with_its_place() {
        for (json, place, words) in MISTAKES {
            let error = check(json).expect_err(json);
            assert!(error.starts_with(place), "{json}: {error}");
            assert!(error.contains(words), "{json}: {error}");
        }
    }
}
