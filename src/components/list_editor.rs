use super::error_summary::{focus_element, focus_first};
use super::{optional, tr, use_texts};
use crate::form::Control;
use crate::i18n::Message;
use crate::worker::Field;
use leptos::prelude::*;

/// An editable list of rows in a fieldset: "Add" puts an empty row at the end and moves the
/// cursor into it; each row's Remove takes it away and keeps focus in the list (the row that
/// took its place, or "Add"); optionally "Make default" moves a row to the top, for lists
/// whose first entry is the default. What a row holds is the caller's.
#[component]
pub fn ListEditor<T, R, V>(
    /// The rows.
    items: RwSignal<Vec<T>>,
    /// The fieldset's legend.
    #[prop(into)]
    legend: Signal<String>,
    /// A line of help under the legend.
    #[prop(into)]
    hint: Signal<String>,
    /// The Add button's text.
    #[prop(into)]
    add_label: Signal<String>,
    /// The catalogue key of what row `{{position}}` is called after "Remove", for screen
    /// readers: "phone number 2" gives "Remove phone number 2".
    item_key: &'static str,
    /// Row `i`'s first control, where focus goes; also names the list's own ids.
    field: fn(usize) -> Field,
    /// Draws row `i`'s controls.
    row: R,
    /// Offer "Make default" on every row but the first.
    #[prop(optional)]
    first_is_default: bool,
    /// A class for each row, for its layout.
    #[prop(optional)]
    row_class: &'static str,
) -> impl IntoView
where
    T: Default + Send + Sync + 'static,
    R: Fn(usize) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let texts = use_texts();
    let item = move |i: usize| texts.render(&Message::new(item_key).number("position", i + 1));
    let list = field(0).list().unwrap_or("list");
    let add_id = format!("{list}-add");
    let count = Memo::new(move |_| items.with(Vec::len));
    let add = move |_| {
        let next = count.get_untracked();
        items.update(|rows| rows.push(T::default()));
        request_animation_frame(move || focus_element(&field(next).id()));
    };
    let rows = {
        let add_id = add_id.clone();
        move || {
            (0..count.get())
                .map(|i| {
                    let actions = row_actions(items, i, field, first_is_default, item, &add_id);
                    view! { <div class=format!("list-row {row_class}")>{row.clone()(i)} {actions}</div> }
                })
                .collect_view()
        }
    };
    view! {
        <fieldset class="list">
            <legend>{optional(legend)}</legend>
            <p class="hint">{hint}</p>
            {rows}
            <button type="button" class="secondary add" id=add_id data-list=list on:click=add>
                {add_label}
            </button>
        </fieldset>
    }
}

/// Row `i`'s own buttons: "Make default" where offered and Remove, each naming its row for
/// screen readers and keeping focus in the list (the row that took its place, or Add).
fn row_actions<T: Send + Sync + 'static>(
    items: RwSignal<Vec<T>>,
    i: usize,
    field: fn(usize) -> Field,
    first_is_default: bool,
    item: impl Fn(usize) -> String + Copy + Send + Sync + 'static,
    add_id: &str,
) -> impl IntoView {
    let add_id = add_id.to_string();
    let remove = move |_| {
        items.update(|rows| {
            if i < rows.len() {
                rows.remove(i);
            }
        });
        let add_id = add_id.clone();
        request_animation_frame(move || focus_first(&[field(i).id(), add_id]));
    };
    let make_default = move |_| {
        items.update(|rows| {
            if i < rows.len() {
                let row = rows.remove(i);
                rows.insert(0, row);
            }
        });
        request_animation_frame(move || focus_element(&field(0).id()));
    };
    view! {
        <div class="row-actions">
            {(first_is_default && i > 0)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="secondary make-default"
                            data-index=i
                            on:click=make_default
                        >
                            {tr("list.make_default")}
                            <span class="visually-hidden">
                                {Signal::derive(move || format!(" ({})", item(i)))}
                            </span>
                        </button>
                    }
                })} <button type="button" class="secondary remove" data-index=i on:click=remove>
                {tr("list.remove")}
                <span class="visually-hidden">
                    {Signal::derive(move || format!(" {}", item(i)))}
                </span>
            </button>
        </div>
    }
}
