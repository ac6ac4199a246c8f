//! The request body of `POST /a/{domain}/api/v0.5/user/`, in HQ's field names.

use crate::json::Json;
use std::collections::BTreeMap;

/// The request body of `POST /a/{domain}/api/v0.5/user/`. Empty optionals are omitted, never
/// sent as `null` or `""`: HQ crashes on a null email and stores empty strings as values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMobileWorker {
    pub username: String,
    /// None when the worker sets their own (account confirmation): HQ refuses both together.
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone_numbers: Vec<String>,
    pub default_phone_number: Option<String>,
    pub groups: Vec<String>,
    /// HQ requires both together, the primary one in the list.
    pub primary_location: Option<String>,
    pub locations: Vec<String>,
    pub role: Option<String>,
    pub user_data: UserData,
    pub language: Option<String>,
    /// HQ creates the account unconfirmed and emails the worker a link to set a password.
    pub require_account_confirmation: bool,
    pub send_confirmation_email_now: bool,
}

impl NewMobileWorker {
    /// The JSON body, in HQ's field names.
    pub fn to_json(&self) -> Json {
        let mut body = vec![("username", Json::from(self.username.as_str()))];
        let texts = [
            ("password", &self.password),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("email", &self.email),
            ("default_phone_number", &self.default_phone_number),
            ("primary_location", &self.primary_location),
            ("role", &self.role),
            ("language", &self.language),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                body.push((key, value.as_str().into()));
            }
        }
        let lists = [
            ("phone_numbers", &self.phone_numbers),
            ("groups", &self.groups),
            ("locations", &self.locations),
        ];
        for (key, values) in lists {
            if !values.is_empty() {
                body.push((key, Json::texts(values)));
            }
        }
        if !self.user_data.is_empty() {
            let mut data: Vec<(&str, Json)> = (self.user_data.values.iter())
                .map(|(k, v)| (k.as_str(), v.as_str().into()))
                .collect();
            if let Some(id) = self.user_data.profile {
                data.push((PROFILE_KEY, id.into()));
            }
            body.push(("user_data", Json::object(data)));
        }
        for (key, on) in [
            (
                "require_account_confirmation",
                self.require_account_confirmation,
            ),
            (
                "send_confirmation_email_now",
                self.send_confirmation_email_now,
            ),
        ] {
            if on {
                body.push((key, on.into()));
            }
        }
        Json::object(body)
    }
}

/// Where HQ keeps a worker's profile in `user_data`.
pub const PROFILE_KEY: &str = "commcare_profile";

/// `user_data` as HQ takes it: text values, and a profile's id as a number under
/// [`PROFILE_KEY`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserData {
    pub values: BTreeMap<String, String>,
    pub profile: Option<u64>,
}

impl UserData {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.profile.is_none()
    }
}
