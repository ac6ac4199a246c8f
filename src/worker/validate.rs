//! Every rule over the whole draft, a function per section of the form, each adding what it
//! refuses to one list, in the order the fields stand on the page. All pass: the body to send.

use super::draft::Draft;
use super::email::check_email;
use super::field::{Field, FieldError};
use super::language::check_language;
use super::names::check_name;
use super::password::{check_password, check_strong, Verdict};
use super::phones::check_phone_number;
use super::places::{check_group_id, check_listed, GROUP_NOT_LISTED, LOCATION_NOT_LISTED};
use super::request::{NewMobileWorker, UserData};
use super::text::{check_text, hq_strip, too_long};
use super::username::check_username;
use crate::config::project_policy::{check_user_data_key, Profile, ProjectPolicy, UserField};
use crate::i18n::Message;

/// What the rules need besides the draft: the project's policies, the strong-password
/// verdict, and whether the project's lists hold a chosen group or location id (`None` while a
/// list is not loaded).
pub struct Checks<'a> {
    pub policy: &'a ProjectPolicy,
    /// Consulted only where the project requires strong passwords.
    pub strength: Verdict,
    pub known_group: &'a dyn Fn(&str) -> Option<bool>,
    pub known_location: &'a dyn Fn(&str) -> Option<bool>,
}

/// A project field's value: HQ sets no limit, but nothing a worker's field holds is longer,
/// and a project's regex is not run over pages of text.
pub const CUSTOM_VALUE_MAX_CHARS: usize = crate::config::pattern::SEARCHED_MAX_CHARS;

/// What the rules refused so far, in the order they ran.
#[derive(Default)]
struct Refusals(Vec<FieldError>);

impl Refusals {
    /// `result`'s value; or `None`, its refusal noted against `field`.
    fn keep<T>(&mut self, field: Field, result: Result<T, Message>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError { field, message });
                None
            }
        }
    }
}

/// The worker's own details, as checked.
struct Person {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
}

impl Draft {
    /// Applies every rule, taking any group or location id as known. On success, the body to
    /// send; otherwise every problem, in the order the fields appear on the page.
    pub fn validate(&self) -> Result<NewMobileWorker, Vec<FieldError>> {
        self.validate_for(&ProjectPolicy::default())
    }

    /// `validate` under a project's policies, taking any password as strong enough.
    pub fn validate_for(&self, policy: &ProjectPolicy) -> Result<NewMobileWorker, Vec<FieldError>> {
        self.validate_with(&Checks {
            policy,
            strength: Verdict::Strong(4),
            known_group: &|_| Some(true),
            known_location: &|_| Some(true),
        })
    }

    /// `validate`, also refusing group and location ids the project's lists do not hold (HQ
    /// burns the username when a group turns out unknown after the account was made). The
    /// lookups answer `None` while their list is not loaded: such ids cannot be checked, so
    /// they are refused too.
    pub fn validate_with(&self, checks: &Checks) -> Result<NewMobileWorker, Vec<FieldError>> {
        let policy = checks.policy;
        let mut refused = Refusals::default();
        let confirm = policy.account_confirmation && self.confirm_by_email;
        let username = refused.keep(Field::Username, check_username(&self.username));
        let password = self.password_checked(checks, confirm, &mut refused);
        let person = self.person(confirm, &mut refused);
        let phone_numbers = self.phone_numbers_checked(&mut refused);
        let groups = self.groups_checked(checks.known_group, &mut refused);
        let locations = self.locations_checked(checks, &mut refused);
        let role = self.role_checked(policy, &mut refused);
        let mut user_data = UserData::default();
        self.project_fields(policy, &mut user_data, &mut refused);
        self.free_user_data(policy, &mut user_data, &mut refused);
        let language = refused.keep(Field::Language, check_language(&self.language));
        let (Some(username), Some(password), Some(person), Some(language), true) =
            (username, password, person, language, refused.0.is_empty())
        else {
            return Err(refused.0);
        };
        let primary_location = self
            .effective_primary_location()
            .filter(|_| !locations.is_empty())
            .map(str::to_string);
        Ok(NewMobileWorker {
            username,
            password,
            first_name: person.first_name,
            last_name: person.last_name,
            email: person.email,
            default_phone_number: phone_numbers.first().cloned(),
            phone_numbers,
            groups,
            primary_location,
            locations,
            role,
            user_data,
            language,
            require_account_confirmation: confirm,
            send_confirmation_email_now: confirm,
        })
    }

    /// The password to send: `Some(None)` where the worker is to set their own.
    fn password_checked(
        &self,
        checks: &Checks,
        confirm: bool,
        refused: &mut Refusals,
    ) -> Option<Option<String>> {
        if confirm {
            return Some(None);
        }
        let checked = check_password(&self.password).and_then(|p| {
            if checks.policy.strong_passwords {
                check_strong(checks.strength).map(|()| p)
            } else {
                Ok(p)
            }
        });
        refused.keep(Field::Password, checked).map(Some)
    }

    fn person(&self, confirm: bool, refused: &mut Refusals) -> Option<Person> {
        let first_name = refused.keep(
            Field::FirstName,
            check_name(&self.first_name, Message::new("label.first_name")),
        );
        let last_name = refused.keep(
            Field::LastName,
            check_name(&self.last_name, Message::new("label.last_name")),
        );
        let email = check_email(&self.email).and_then(|email| match email {
            None if confirm => Err(Message::new("rule.email.needed_for_confirmation")),
            email => Ok(email),
        });
        let email = refused.keep(Field::Email, email);
        Some(Person {
            first_name: first_name?,
            last_name: last_name?,
            email: email?,
        })
    }

    fn phone_numbers_checked(&self, refused: &mut Refusals) -> Vec<String> {
        let mut numbers: Vec<String> = Vec::new();
        for (i, typed) in self.phone_numbers.iter().enumerate() {
            let checked = check_phone_number(typed, i + 1).and_then(|n| match n {
                Some(n) if numbers.contains(&n) => {
                    Err(Message::new("rule.phone.repeated").number("position", i + 1))
                }
                other => Ok(other),
            });
            if let Some(Some(n)) = refused.keep(Field::PhoneNumber(i), checked) {
                numbers.push(n);
            }
        }
        numbers
    }

    fn groups_checked(
        &self,
        known: &dyn Fn(&str) -> Option<bool>,
        refused: &mut Refusals,
    ) -> Vec<String> {
        let mut groups: Vec<String> = Vec::new();
        for (i, typed) in self.groups.iter().enumerate() {
            let checked = check_group_id(typed, i + 1).and_then(|g| match g {
                Some(g) if groups.contains(&g) => {
                    Err(Message::new("rule.group.repeated").number("position", i + 1))
                }
                Some(g) => check_listed(known(&g), GROUP_NOT_LISTED, i + 1).map(|()| Some(g)),
                None => Ok(None),
            });
            if let Some(Some(g)) = refused.keep(Field::Group(i), checked) {
                groups.push(g);
            }
        }
        groups
    }

    /// The locations to send, each once; one is needed where the project requires it.
    fn locations_checked(&self, checks: &Checks, refused: &mut Refusals) -> Vec<String> {
        let mut locations: Vec<String> = Vec::new();
        for (i, id) in self.locations.iter().enumerate() {
            let id = id.trim();
            let checked = if id.is_empty() || locations.iter().any(|l| l == id) {
                Ok(None)
            } else {
                check_listed((checks.known_location)(id), LOCATION_NOT_LISTED, i + 1)
                    .map(|()| Some(id.to_string()))
            };
            if let Some(Some(id)) = refused.keep(Field::Location(i), checked) {
                locations.push(id);
            }
        }
        let location_refused = refused
            .0
            .iter()
            .any(|e| matches!(e.field, Field::Location(_)));
        if checks.policy.location_required && locations.is_empty() && !location_refused {
            refused.0.push(FieldError {
                field: Field::Locations,
                message: Message::new("rule.location.required"),
            });
        }
        locations
    }

    fn role_checked(&self, policy: &ProjectPolicy, refused: &mut Refusals) -> Option<String> {
        let role = check_text(&self.role, Message::new("label.role")).and_then(|role| match role {
            Some(role) if !policy.roles.is_empty() && !policy.roles.contains(&role) => {
                Err(Message::new("rule.role.not_listed").text("role", role))
            }
            role => Ok(role),
        });
        refused.keep(Field::Role, role).flatten()
    }

    /// The profile, and each of the project's fields (a profile's value standing in for
    /// whatever was typed, as in HQ's own dialog), into `user_data`.
    fn project_fields(
        &self,
        policy: &ProjectPolicy,
        user_data: &mut UserData,
        refused: &mut Refusals,
    ) {
        let profile = match self.profile.trim() {
            "" if policy.profile_required => Err(Message::new("rule.profile.required")),
            "" => Ok(None),
            id => policy
                .profile(id)
                .map(Some)
                .ok_or_else(|| Message::new("rule.profile.not_listed")),
        };
        let profile = refused.keep(Field::Profile, profile).flatten();
        for (i, field) in policy.user_fields.iter().enumerate() {
            let checked = check_project_field(field, self.project_value(field, profile));
            if let Some(Some(value)) = refused.keep(Field::UserField(i), checked) {
                user_data
                    .values
                    .insert(field.slug.clone(), value.to_string());
            }
        }
        user_data.profile = profile.map(|p| p.id);
    }

    /// What stands in `field`: the profile's value, else what was typed, as HQ strips it.
    fn project_value<'a>(&'a self, field: &UserField, profile: Option<&'a Profile>) -> &'a str {
        profile
            .and_then(|p| p.fields.get(&field.slug))
            .or_else(|| {
                self.custom
                    .iter()
                    .find(|e| e.key == field.slug)
                    .map(|e| &e.value)
            })
            .map_or("", |v| hq_strip(v))
    }

    /// The free name/value rows, into `user_data`, after the project's fields.
    fn free_user_data(
        &self,
        policy: &ProjectPolicy,
        user_data: &mut UserData,
        refused: &mut Refusals,
    ) {
        for (i, entry) in self.user_data.iter().enumerate() {
            let key = entry.key.trim();
            if key.is_empty() {
                if !entry.value.trim().is_empty() {
                    let missing =
                        Message::new("rule.user_data.name_missing").number("position", i + 1);
                    refused.keep(Field::UserDataKey(i), Err::<(), _>(missing));
                }
                continue;
            }
            let key_ok = refused.keep(
                Field::UserDataKey(i),
                check_free_key(key, policy, user_data),
            );
            let value = refused.keep(
                Field::UserDataValue(i),
                check_text(
                    &entry.value,
                    Message::new("label.user_data_value_long").number("position", i + 1),
                ),
            );
            if let (Some(()), Some(value)) = (key_ok, value) {
                user_data
                    .values
                    .insert(key.to_string(), value.unwrap_or_default());
            }
        }
    }
}

/// A project field's value: required, at most [`CUSTOM_VALUE_MAX_CHARS`], no control
/// characters, and what the project's choices or regex allow. `None` for a blank optional one.
fn check_project_field<'a>(field: &UserField, typed: &'a str) -> Result<Option<&'a str>, Message> {
    let label = || Message::new("user_field.label").text("label", field.label.as_str());
    match typed {
        "" if field.required && field.choices.is_empty() => {
            Err(Message::new("rule.user_field.required").text("label", field.label.as_str()))
        }
        "" if field.required => {
            Err(Message::new("rule.user_field.choose").text("label", field.label.as_str()))
        }
        "" => Ok(None),
        value => {
            let len = value.chars().count();
            // Long values are refused before a project's regex searches them.
            if len > CUSTOM_VALUE_MAX_CHARS {
                Err(too_long(label(), CUSTOM_VALUE_MAX_CHARS, len))
            } else {
                check_text(value, label())
                    .and_then(|_| field.check(value))
                    .map(|()| Some(value))
            }
        }
    }
}

/// A free row's name: one HQ's custom fields allow, not a project field's, and not one already
/// given (HQ compares names without regard to case).
fn check_free_key(key: &str, policy: &ProjectPolicy, user_data: &UserData) -> Result<(), Message> {
    check_user_data_key(key)?;
    if let Some(declared) = policy
        .user_fields
        .iter()
        .find(|f| f.slug.eq_ignore_ascii_case(key))
    {
        return Err(Message::new("rule.user_field.named_twice")
            .text("name", key)
            .text("label", declared.label.as_str()));
    }
    let lower = key.to_ascii_lowercase();
    match user_data
        .values
        .keys()
        .find(|k: &&String| k.to_ascii_lowercase() == lower)
    {
        Some(earlier) if earlier == key => {
            Err(Message::new("rule.user_data.repeated").text("name", key))
        }
        Some(earlier) => Err(Message::new("rule.user_data.same_but_case")
            .text("name", key)
            .text("earlier", earlier.as_str())),
        None => Ok(()),
    }
}
