use super::error_summary::focus_first;
use super::{optional_when, say, tr, use_form, use_texts, InlineError};
use crate::form::Control;
use crate::hq::lists::{search, Choice, ListState, Resource};
use crate::i18n::Message;
use crate::worker::Field;
use leptos::prelude::*;

/// How many matches are listed at once; typing narrows them.
const SHOWN: usize = 25;

/// Adds `id` if absent, removes it if present.
fn toggle(chosen: RwSignal<Vec<String>>, id: &str) {
    chosen.update(|list| match list.iter().position(|x| x == id) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(id.to_string()),
    })
}

/// Choose several items of a project list by name (and site code): a search box, matching
/// items as checkboxes, the chosen ones above with Remove buttons. Shows names, keeps ids.
#[component]
pub fn Picker(
    /// The chosen ids, in the order chosen.
    chosen: RwSignal<Vec<String>>,
    /// The project's list.
    #[prop(into)]
    state: Signal<ListState>,
    /// Which list it is.
    resource: Resource,
    /// Loads the list again.
    #[prop(into)]
    on_refresh: Callback<()>,
    /// The fieldset's legend.
    #[prop(into)]
    legend: Signal<String>,
    /// A line of help under the legend.
    #[prop(into)]
    hint: Signal<String>,
    /// The `i`th chosen item, for its error and its Remove button's id.
    field: fn(usize) -> Field,
    /// A problem with the choice as a whole (none chosen where one is required).
    #[prop(optional_no_strip)]
    error: Option<Signal<Option<Message>>>,
    /// One must be chosen (the legend then does not say "optional").
    #[prop(optional, into)]
    required: Signal<bool>,
) -> impl IntoView {
    // The list's own ids (`group-picker`, `group-search`, …) come from its fields.
    let name = field(0).list().unwrap_or_else(|| resource.singular());
    let texts = use_texts();
    let query = RwSignal::new(String::new());
    let loaded = move || state.with(|s| matches!(s, ListState::Loaded(_)));
    let busy = move || state.with(ListState::is_loading);
    let has_error = move || error.is_some_and(|e| e.with(Option::is_some));
    let refresh_label = move || {
        texts.get(if state.with(|s| *s == ListState::NeedsCredentials) {
            resource.pick("list.groups.load", "list.locations.load")
        } else {
            resource.pick("list.groups.refresh", "list.locations.refresh")
        })
    };
    view! {
        <fieldset class="picker" id=format!("{name}-picker")>
            <legend>{optional_when(legend, Signal::derive(move || !required.get()))}</legend>
            <p class="hint">{hint}</p>
            {error
                .map(|error| {
                    view! { <InlineError id=format!("{name}-search-error") error /> }
                })}
            <p class="picker-status" role="status">
                {Signal::derive(move || state.with(|s| texts.render(&s.status(resource))))}
            </p>
            <Chosen chosen state resource field />
            <Show when=loaded>
                <label for=format!(
                    "{name}-search",
                )>{tr(resource.pick("list.groups.search", "list.locations.search"))}</label>
                <input
                    id=format!("{name}-search")
                    aria-invalid=move || has_error().then_some("true")
                    aria-describedby=move || has_error().then(|| format!("{name}-search-error"))
                    type="search"
                    autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <Options chosen state query />
            </Show>
            <button
                type="button"
                class="secondary refresh"
                id=format!("{name}-refresh")
                aria-disabled=move || busy().then_some("true")
                on:click=move |_| {
                    if !busy() {
                        on_refresh.run(())
                    }
                }
            >
                {refresh_label}
            </button>
        </fieldset>
    }
}

/// The chosen items, each with its name, its error and a Remove button.
#[component]
fn Chosen(
    /// The chosen ids.
    chosen: RwSignal<Vec<String>>,
    /// The list that names them.
    state: Signal<ListState>,
    /// Which list it is.
    resource: Resource,
    /// The `i`th chosen item's field.
    field: fn(usize) -> Field,
) -> impl IntoView {
    let form = use_form();
    let texts = use_texts();
    let name = field(0).list().unwrap_or_else(|| resource.singular());
    let rows = move || {
        chosen
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, id)| {
                let label = state.with(|s| s.name_of(&id));
                let error = form.error(field(i));
                let error_id = format!("{}-error", field(i).id());
                let remove = move |_| {
                    toggle(chosen, &id);
                    request_animation_frame(move || {
                        focus_first(&[
                            field(i).id(),
                            format!("{name}-search"),
                            format!("{name}-refresh"),
                        ])
                    });
                };
                view! {
                    <li class:field-error=move || error.with(Option::is_some)>
                        <span class="chosen-name">{label.clone()}</span>
                        <button
                            type="button"
                            class="secondary remove"
                            id=field(i).id()
                            aria-label={
                                let label = label.clone();
                                move || {
                                    texts
                                        .render(
                                            &Message::new("list.remove_named")
                                                .text("name", label.clone()),
                                        )
                                }
                            }
                            aria-describedby={
                                let error_id = error_id.clone();
                                move || error.with(Option::is_some).then(|| error_id.clone())
                            }
                            on:click=remove
                        >
                            {tr("list.remove")}
                        </button>
                        <InlineError id=error_id error />
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ul
            class="chosen"
            aria-label=tr(resource.pick("list.groups.chosen", "list.locations.chosen"))
        >
            {rows}
        </ul>
    }
}

/// The items matching the search, as checkboxes: only the first few are put on the page,
/// however long the list.
#[component]
fn Options(
    /// The chosen ids, which the checkboxes show and change.
    chosen: RwSignal<Vec<String>>,
    /// The list searched.
    state: Signal<ListState>,
    /// What is typed in the search box.
    query: RwSignal<String>,
) -> impl IntoView {
    let matches = move || {
        state.with(|s| match s {
            ListState::Loaded(list) => query.with(|q| {
                let (shown, total) = search(list.choices(), q, SHOWN);
                (shown.into_iter().cloned().collect::<Vec<Choice>>(), total)
            }),
            _ => (Vec::new(), 0),
        })
    };
    move || {
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
                                on:change=move |_| toggle(chosen, &id)
                            />
                            <span>{choice.name}</span>
                            {(!choice.detail.is_empty())
                                .then(|| view! { <span class="detail">{choice.detail}</span> })}
                        </label>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul class="options">{rows}</ul>
            {(more > 0)
                .then(|| {
                    view! {
                        <p class="hint">{say(Message::new("list.more_matches").count(more))}</p>
                    }
                })}
        }
    }
}
