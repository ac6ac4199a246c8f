use super::error_summary::{error_for, focus_element, focus_first, Problem};
use super::TextField;
use crate::mobile_worker::{Draft, Field};
use leptos::prelude::*;

/// An editable list of strings in the draft (phone numbers, group ids): add, remove, and
/// optionally "make default", which moves a row to the top, since HQ treats the first as default.
#[component]
pub fn StringList(
    draft: RwSignal<Draft>,
    problems: Memo<Vec<Problem>>,
    legend: &'static str,
    hint: &'static str,
    item_label: &'static str,
    add_label: &'static str,
    field: fn(usize) -> Field,
    get: fn(&Draft) -> &Vec<String>,
    get_mut: fn(&mut Draft) -> &mut Vec<String>,
    #[prop(optional)] first_is_default: bool,
    #[prop(default = "text")] input_type: &'static str,
) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| get(d).len()));
    let add = move |_| {
        let next = count.get_untracked();
        draft.update(|d| get_mut(d).push(String::new()));
        request_animation_frame(move || focus_element(&field(next).id()));
    };
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let label = match (i, first_is_default) {
                    (0, true) => format!("{item_label} 1 (default)"),
                    _ => format!("{item_label} {}", i + 1),
                };
                let remove = move |_| {
                    draft.update(|d| {
                        if i < get(d).len() {
                            get_mut(d).remove(i);
                        }
                    });
                    // The row is gone: keep focus in the list rather than losing it.
                    let list = field(0).id().trim_end_matches("-0").to_string();
                    request_animation_frame(move || focus_first(&[field(i).id(), format!("{list}-add")]));
                };
                let make_default = move |_| {
                    draft.update(|d| {
                        let list = get_mut(d);
                        if i < list.len() {
                            let item = list.remove(i);
                            list.insert(0, item);
                        }
                    });
                    request_animation_frame(move || focus_element(&field(0).id()));
                };
                view! {
                    <div class="list-row">
                        <TextField
                            id=field(i).id()
                            label=label
                            value=Signal::derive(move || draft.with(|d| get(d).get(i).cloned().unwrap_or_default()))
                            on_input=move |v| draft.update(|d| {
                                if let Some(item) = get_mut(d).get_mut(i) {
                                    *item = v;
                                }
                            })
                            error=error_for(problems, field(i))
                            input_type=input_type
                            autocomplete="off"
                        />
                        <div class="row-actions">
                            {(first_is_default && i > 0).then(|| view! {
                                <button type="button" class="secondary make-default" data-index=i on:click=make_default>
                                    "Make default"<span class="visually-hidden">{format!(" ({item_label} {})", i + 1)}</span>
                                </button>
                            })}
                            <button type="button" class="secondary remove" data-index=i on:click=remove>
                                "Remove"<span class="visually-hidden">{format!(" {item_label} {}", i + 1)}</span>
                            </button>
                        </div>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="list">
            <legend>{legend}" (optional)"</legend>
            <p class="hint">{hint}</p>
            {rows}
            <button
                type="button"
                class="secondary add"
                id=format!("{}-add", field(0).id().trim_end_matches("-0"))
                data-list=field(0).id().trim_end_matches("-0").to_string()
                on:click=add
            >
                {add_label}
            </button>
        </fieldset>
    }
}
