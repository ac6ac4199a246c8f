//! The handover slips of a run: one for each worker created, with the password the page holds
//! for it (generated here, or read from the file), made when the sheet is opened and dropped
//! when it is closed.

use super::BulkState;
use crate::record::Status;
use leptos::prelude::*;
use mobile_worker_form::worker::normalise_username;
use mobile_worker_form::worker::slip::Slip;

impl BulkState {
    /// A slip for each row created, in the file's order.
    pub fn slips(&self) -> Vec<Slip> {
        let config = self.config.get_value();
        let generated = self.passwords.get_value();
        self.checked.with_untracked(|rows| {
            self.statuses.with_untracked(|statuses| {
                rows.iter()
                    .zip(statuses)
                    .filter(|(_, status)| matches!(status, Status::Created { .. }))
                    .map(|(row, _)| {
                        let draft = &row.draft;
                        let username = normalise_username(&draft.username);
                        let typed = Some(draft.password.clone()).filter(|p| !p.is_empty());
                        Slip::new(
                            &username,
                            config.full_username(&username),
                            [&draft.first_name, &draft.last_name]
                                .map(|n| Some(n.trim()).filter(|n| !n.is_empty())),
                            generated.get(&username).cloned().or(typed),
                        )
                    })
                    .collect()
            })
        })
    }

    /// What the slips say of the app: `config.json`'s, else a portal's.
    pub fn slip_app(&self) -> Option<String> {
        self.config
            .with_value(|c| c.handover.clone())
            .or_else(|| self.handover.with_untracked(|h| h.slips.clone()))
    }
}
