use super::{tr, use_form, use_texts, Picker};
use crate::hq::lists::{ListState, Resource};
use crate::worker::{effective_primary_location, Field};
use leptos::prelude::*;

/// Assigned locations (a picker) and the primary one among them, or a note where this server
/// or account has no locations.
#[component]
pub fn LocationFields() -> impl IntoView {
    let form = use_form();
    let state = form.locations;
    let texts = use_texts();
    // A Memo, so the picker is rebuilt only when availability changes, not on every reload.
    let unavailable = Memo::new(move |_| {
        state.with(|s| match s {
            ListState::Failed(error) if error.means_unavailable() => {
                Some(error.describe(Resource::Locations))
            }
            _ => None,
        })
    });
    move || match unavailable.get() {
        Some(why) => view! {
            <div class="picker unavailable" id="location-picker">
                <p class="legend-like">{tr("locations.legend")}</p>
                <p class="picker-status" role="status">
                    {move || {
                        texts
                            .render(
                                &crate::i18n::Message::new("locations.unavailable")
                                    .message("problem", why.clone()),
                            )
                    }}
                </p>
            </div>
        }
        .into_any(),
        None => view! {
            <Picker
                chosen=form.draft.locations
                state
                resource=Resource::Locations
                on_refresh=move |_| form.refresh(Resource::Locations)
                legend=tr("locations.legend")
                hint=tr("locations.hint")
                field=Field::Location
                error=Some(form.error(Field::Locations))
                required=Signal::derive(move || form.policy.with(|p| p.location_required))
            />
            <PrimaryLocation />
        }
        .into_any(),
    }
}

/// Once two or more locations are chosen, which of them is primary (the first by default).
#[component]
fn PrimaryLocation() -> impl IntoView {
    let form = use_form();
    let (chosen, primary, state) = (
        form.draft.locations,
        form.draft.primary_location,
        form.locations,
    );
    let effective = Memo::new(move |_| {
        chosen.with(|c| {
            primary.with(|p| {
                effective_primary_location(c, p)
                    .unwrap_or_default()
                    .to_string()
            })
        })
    });
    view! {
        <Show when=move || chosen.with(|c| c.len() > 1)>
            <div class="field">
                <label for="primary-location">{tr("locations.primary")}</label>
                <select
                    id="primary-location"
                    on:change=move |ev| primary.set(event_target_value(&ev))
                >
                    // `selected` on each option: a select's own value set before its
                    // options exist would be lost.
                    {move || {
                        chosen
                            .get()
                            .into_iter()
                            .map(|id| {
                                let name = state.with(|s| s.name_of(&id));
                                let is_primary = {
                                    let id = id.clone();
                                    move || effective.with(|p| *p == id)
                                };
                                view! {
                                    <option value=id prop:selected=is_primary>
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        </Show>
    }
}
