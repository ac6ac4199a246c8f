//! The draft as the form holds it: a signal per field, so a field's widget wakes for its own
//! field only.

use crate::worker::{Draft, UserDataEntry};
use leptos::prelude::*;

/// The draft, one signal per field.
#[derive(Clone, Copy)]
pub struct DraftSignals {
    pub username: RwSignal<String>,
    pub password: RwSignal<String>,
    pub first_name: RwSignal<String>,
    pub last_name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub phone_numbers: RwSignal<Vec<String>>,
    pub groups: RwSignal<Vec<String>>,
    pub locations: RwSignal<Vec<String>>,
    pub primary_location: RwSignal<String>,
    pub role: RwSignal<String>,
    pub user_data: RwSignal<Vec<UserDataEntry>>,
    pub language: RwSignal<String>,
    pub custom: RwSignal<Vec<UserDataEntry>>,
    pub profile: RwSignal<String>,
    pub confirm_by_email: RwSignal<bool>,
}

impl DraftSignals {
    pub fn new(draft: Draft) -> Self {
        DraftSignals {
            username: RwSignal::new(draft.username),
            password: RwSignal::new(draft.password),
            first_name: RwSignal::new(draft.first_name),
            last_name: RwSignal::new(draft.last_name),
            email: RwSignal::new(draft.email),
            phone_numbers: RwSignal::new(draft.phone_numbers),
            groups: RwSignal::new(draft.groups),
            locations: RwSignal::new(draft.locations),
            primary_location: RwSignal::new(draft.primary_location),
            role: RwSignal::new(draft.role),
            user_data: RwSignal::new(draft.user_data),
            language: RwSignal::new(draft.language),
            custom: RwSignal::new(draft.custom),
            profile: RwSignal::new(draft.profile),
            confirm_by_email: RwSignal::new(draft.confirm_by_email),
        }
    }

    /// The whole draft, read (and so tracked) field by field.
    pub fn snapshot(&self) -> Draft {
        Draft {
            username: self.username.get(),
            password: self.password.get(),
            first_name: self.first_name.get(),
            last_name: self.last_name.get(),
            email: self.email.get(),
            phone_numbers: self.phone_numbers.get(),
            groups: self.groups.get(),
            locations: self.locations.get(),
            primary_location: self.primary_location.get(),
            role: self.role.get(),
            user_data: self.user_data.get(),
            language: self.language.get(),
            custom: self.custom.get(),
            profile: self.profile.get(),
            confirm_by_email: self.confirm_by_email.get(),
        }
    }

    /// Replaces the draft, waking only the fields whose value changes.
    pub fn replace(&self, draft: Draft) {
        fn put<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
            if signal.with_untracked(|v| *v != value) {
                signal.set(value);
            }
        }
        put(self.username, draft.username);
        put(self.password, draft.password);
        put(self.first_name, draft.first_name);
        put(self.last_name, draft.last_name);
        put(self.email, draft.email);
        put(self.phone_numbers, draft.phone_numbers);
        put(self.groups, draft.groups);
        put(self.locations, draft.locations);
        put(self.primary_location, draft.primary_location);
        put(self.role, draft.role);
        put(self.user_data, draft.user_data);
        put(self.language, draft.language);
        put(self.custom, draft.custom);
        put(self.profile, draft.profile);
        put(self.confirm_by_email, draft.confirm_by_email);
    }

    /// Changes the draft as a whole (defaults arriving, say).
    pub fn update(&self, change: impl FnOnce(&mut Draft)) {
        let mut draft = untrack(|| self.snapshot());
        change(&mut draft);
        self.replace(draft);
    }
}
