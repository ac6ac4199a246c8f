use super::error_summary::{error_for, focus_element, focus_first, Problem};
use super::TextField;
use crate::mobile_worker::{Draft, Field, UserDataEntry};
use leptos::prelude::*;

/// Custom user data: name/value rows.
#[component]
pub fn UserDataRows(draft: RwSignal<Draft>, problems: Memo<Vec<Problem>>) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| d.user_data.len()));
    let add = move |_| {
        let next = count.get_untracked();
        draft.update(|d| d.user_data.push(UserDataEntry::default()));
        request_animation_frame(move || focus_element(&Field::UserDataKey(next).id()));
    };
    let entry = move |i: usize, pick: fn(&UserDataEntry) -> &String| {
        Signal::derive(move || {
            draft.with(|d| d.user_data.get(i).map(pick).cloned().unwrap_or_default())
        })
    };
    let rows = move || {
        (0..count.get())
            .map(|i| {
                view! {
                    <div class="list-row user-data-row">
                        <TextField
                            id=Field::UserDataKey(i).id()
                            label=format!("Name {}", i + 1)
                            value=entry(i, |e| &e.key)
                            on_input=move |v| draft.update(|d| {
                                if let Some(e) = d.user_data.get_mut(i) {
                                    e.key = v;
                                }
                            })
                            error=error_for(problems, Field::UserDataKey(i))
                            autocomplete="off"
                        />
                        <TextField
                            id=format!("user-data-value-{i}")
                            label=format!("Value {}", i + 1)
                            value=entry(i, |e| &e.value)
                            on_input=move |v| draft.update(|d| {
                                if let Some(e) = d.user_data.get_mut(i) {
                                    e.value = v;
                                }
                            })
                            error=error_for(problems, Field::UserDataValue(i))
                            autocomplete="off"
                        />
                        <div class="row-actions">
                            <button
                                type="button"
                                class="secondary"
                                on:click=move |_| {
                                    draft.update(|d| {
                                        if i < d.user_data.len() {
                                            d.user_data.remove(i);
                                        }
                                    });
                                    request_animation_frame(move || {
                                        focus_first(&[Field::UserDataKey(i).id(), "user-data-add".into()])
                                    });
                                }
                            >
                                "Remove"<span class="visually-hidden">{format!(" user data {}", i + 1)}</span>
                            </button>
                        </div>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="list">
            <legend>"User data (optional)"</legend>
            <p class="hint">"Custom user fields of your project, such as district or supervisor."</p>
            {rows}
            <button type="button" class="secondary add" id="user-data-add" data-list="user-data" on:click=add>"Add user data"</button>
        </fieldset>
    }
}
