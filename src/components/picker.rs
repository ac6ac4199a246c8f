use super::error_summary::{error_for, focus_first, Problem};
use super::text_field::InlineError;
use crate::mobile_worker::{Draft, Field};
use crate::project_data::{grouped, search, ListState, Resource};
use leptos::prelude::*;

/// How many matches are listed at once; typing narrows them.
const SHOWN: usize = 25;

/// Choose several items of a project list by name (and site code): a search box, matching
/// items as checkboxes, the chosen ones above with Remove buttons. Shows names, keeps ids.
#[component]
pub fn Picker(
    draft: RwSignal<Draft>,
    problems: Memo<Vec<Problem>>,
    resource: Resource,
    #[prop(into)] state: Signal<ListState>,
    on_refresh: impl Fn() + Clone + 'static,
    legend: &'static str,
    hint: &'static str,
    field: fn(usize) -> Field,
    get: fn(&Draft) -> &Vec<String>,
    get_mut: fn(&mut Draft) -> &mut Vec<String>,
) -> impl IntoView {
    let name = match resource {
        Resource::Groups => "group",
        Resource::Locations => "location",
    };
    let plural = format!("{name}s");
    let query = RwSignal::new(String::new());
    let chosen = Memo::new(move |_| draft.with(|d| get(d).clone()));
    let toggle = move |id: String| {
        draft.update(|d| {
            let list = get_mut(d);
            match list.iter().position(|x| *x == id) {
                Some(i) => {
                    list.remove(i);
                }
                None => list.push(id),
            }
        })
    };
    let status = {
        let plural = plural.clone();
        move || {
            state.with(|s| match s {
                ListState::NeedsCredentials => format!(
                    "Enter your web user email and API key above, then choose “Load {plural}”."
                ),
                ListState::Loading { loaded: 0, .. } => {
                    format!("Loading the project's {plural}…")
                }
                ListState::Loading {
                    loaded,
                    total: Some(total),
                } => format!(
                    "Loading the project's {plural}… {} of {}",
                    grouped(*loaded),
                    grouped(*total)
                ),
                ListState::Loading {
                    loaded,
                    total: None,
                } => {
                    format!("Loading the project's {plural}… {}", grouped(*loaded))
                }
                ListState::Loaded(choices) if choices.is_empty() => {
                    format!("This project has no {plural}.")
                }
                ListState::Loaded(choices) if choices.len() == 1 => {
                    format!("1 {name} in this project.")
                }
                ListState::Loaded(choices) => {
                    format!("{} {plural} in this project.", grouped(choices.len()))
                }
                ListState::Failed(error) => format!(
                    "{} The mobile worker can still be created without {plural}.",
                    error.describe(resource)
                ),
            })
        }
    };
    // Only the first matches are built into the page, however long the list.
    let matches = move || {
        state.with(|s| match s {
            ListState::Loaded(choices) => query.with(|q| {
                let (shown, total) = search(choices.choices(), q, SHOWN);
                (shown.into_iter().cloned().collect::<Vec<_>>(), total)
            }),
            _ => (Vec::new(), 0),
        })
    };
    let chosen_rows = move || {
        chosen
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, id)| {
                let label = state.with(|s| s.name_of(&id));
                let error = error_for(problems, field(i));
                let error_id = format!("{}-error", field(i).id());
                let remove = {
                    let id = id.clone();
                    move |_| {
                        toggle(id.clone());
                        request_animation_frame(move || {
                            focus_first(&[field(i).id(), format!("{name}-search"), format!("{name}-refresh")])
                        });
                    }
                };
                view! {
                    <li class:field-error=move || error.with(Option::is_some)>
                        <span class="chosen-name">{label.clone()}</span>
                        <button
                            type="button"
                            class="secondary remove"
                            id=field(i).id()
                            aria-label=format!("Remove {label}")
                            aria-describedby=move || error.with(Option::is_some).then(|| error_id.clone())
                            on:click=remove
                        >
                            "Remove"
                        </button>
                        <InlineError id=format!("{}-error", field(i).id()) error />
                    </li>
                }
            })
            .collect_view()
    };
    let options = move || {
        let (shown, total) = matches();
        let more = total.saturating_sub(shown.len());
        let rows = shown
            .into_iter()
            .map(|choice| {
                let id = choice.id.clone();
                let checked = {
                    let id = id.clone();
                    move || chosen.with(|c| c.contains(&id))
                };
                view! {
                    <li>
                        <label class="option">
                            <input
                                type="checkbox"
                                value=id.clone()
                                prop:checked=checked
                                on:change=move |_| toggle(id.clone())
                            />
                            <span>{choice.name}</span>
                            {(!choice.detail.is_empty()).then(|| view! { <span class="detail">{choice.detail}</span> })}
                        </label>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul class="options">{rows}</ul>
            {(more > 0).then(|| view! { <p class="hint">{format!("{} more match; type to narrow the list.", grouped(more))}</p> })}
        }
    };
    let loaded = move || state.with(|s| matches!(s, ListState::Loaded(_)));
    let busy = move || state.with(ListState::is_loading);
    let refresh_label = move || {
        if state.with(|s| *s == ListState::NeedsCredentials) {
            format!("Load {name}s")
        } else {
            format!("Refresh the {name} list")
        }
    };
    view! {
        <fieldset class="picker" id=format!("{name}-picker")>
            <legend>{legend}" (optional)"</legend>
            <p class="hint">{hint}</p>
            <p class="picker-status" role="status">{status}</p>
            <ul class="chosen" aria-label=format!("Chosen {plural}")>{chosen_rows}</ul>
            <Show when=loaded>
                <label for=format!("{name}-search")>{format!("Search {plural}")}</label>
                <input
                    id=format!("{name}-search")
                    type="search"
                    autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                {options}
            </Show>
            <button
                type="button"
                class="secondary refresh"
                id=format!("{name}-refresh")
                aria-disabled=move || busy().then_some("true")
                on:click={
                    let on_refresh = on_refresh.clone();
                    move |_| {
                        if !busy() {
                            on_refresh()
                        }
                    }
                }
            >
                {refresh_label}
            </button>
        </fieldset>
    }
}
