//! Loading the project's groups and locations: each load numbered, its pages' progress shown,
//! and only the latest load's answer kept.

use super::FormState;
use crate::config::AuthMode;
use crate::hq::credentials::Credentials;
use crate::hq::lists::{self, ChoiceList, ListState, ReadError, Resource};
use leptos::prelude::*;
use std::sync::Arc;

fn slot(resource: Resource) -> usize {
    match resource {
        Resource::Groups => 0,
        Resource::Locations => 1,
    }
}

impl FormState {
    pub(super) fn list(&self, resource: Resource) -> RwSignal<ListState> {
        match resource {
            Resource::Groups => self.groups,
            Resource::Locations => self.locations,
        }
    }

    /// The operator asked for a list (Load or Refresh): their key is now in use.
    pub fn refresh(&self, resource: Resource) {
        self.key_tried.set(true);
        self.load(resource);
    }

    /// Loads both lists (at start, and when a portal hands over another credential).
    pub fn load_lists(&self) {
        self.load(Resource::Groups);
        self.load(Resource::Locations);
    }

    pub fn load(&self, resource: Resource) {
        let Some((ticket, credentials)) = self.begin_load(resource) else {
            return;
        };
        let state = *self;
        leptos::task::spawn_local(async move {
            let config = state.config.get_value();
            let progress = move |loaded, total| state.progress(resource, ticket, loaded, total);
            let loaded = lists::load_all(&config, credentials.as_ref(), resource, progress).await;
            state.finish_load(resource, ticket, loaded);
        });
    }

    /// Numbers a new load and says whether to fetch, with which credential.
    pub fn begin_load(&self, resource: Resource) -> Option<(u64, Option<Credentials>)> {
        let ticket = self
            .loads
            .try_update_value(|l| l[slot(resource)].issue())
            .unwrap_or_default();
        let list = self.list(resource);
        let credentials = self.current_credentials();
        if credentials.is_none() && self.config(|c| c.auth) == AuthMode::ApiKey {
            list.set(ListState::NeedsCredentials);
            return None;
        }
        if let Some(Err(error)) = credentials.as_ref().map(Credentials::check) {
            list.set(ListState::Failed(ReadError::BadCredential(error)));
            return None;
        }
        list.set(ListState::loading());
        Some((ticket, credentials))
    }

    fn is_current(&self, resource: Resource, ticket: u64) -> bool {
        self.loads
            .try_with_value(|l| l[slot(resource)].is_latest(ticket))
            .unwrap_or(false)
    }

    /// Pages are arriving.
    pub fn progress(&self, resource: Resource, ticket: u64, loaded: usize, total: Option<usize>) {
        if self.is_current(resource, ticket) {
            self.list(resource)
                .try_set(ListState::Loading { loaded, total });
        }
    }

    /// A list's answer, unless a newer load has started since.
    pub fn finish_load(
        &self,
        resource: Resource,
        ticket: u64,
        loaded: Result<Vec<lists::Choice>, ReadError>,
    ) {
        if !self.is_current(resource, ticket) {
            return;
        }
        // Locations this server or account cannot have could never be sent: they go.
        if resource == Resource::Locations
            && loaded.as_ref().is_err_and(ReadError::means_unavailable)
        {
            self.draft.locations.set(Vec::new());
            self.draft.primary_location.set(String::new());
        }
        self.list(resource).try_set(match loaded {
            Ok(choices) => ListState::Loaded(Arc::new(ChoiceList::new(choices))),
            Err(error) => ListState::Failed(error),
        });
    }
}
