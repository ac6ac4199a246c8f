use super::{use_form, ListEditor, TextField};
use crate::mobile_worker::{Field, UserDataEntry};
use leptos::prelude::*;

/// Custom user data: name/value rows.
#[component]
pub fn UserDataRows() -> impl IntoView {
    let form = use_form();
    let entries = form.draft.user_data;
    let part = move |i: usize, pick: fn(&UserDataEntry) -> &String| {
        Signal::derive(move || entries.with(|e| e.get(i).map(pick).cloned().unwrap_or_default()))
    };
    let set = move |i: usize, put: fn(&mut UserDataEntry, String)| {
        move |v: String| {
            entries.update(|e| {
                if let Some(entry) = e.get_mut(i) {
                    put(entry, v);
                }
            })
        }
    };
    let row = move |i: usize| {
        view! {
            <TextField
                id=Field::UserDataKey(i).id()
                label=format!("Name {}", i + 1)
                value=part(i, |e| &e.key)
                on_input=set(i, |e, v| e.key = v)
                error=form.error(Field::UserDataKey(i))
                autocomplete="off"
            />
            <TextField
                id=Field::UserDataValue(i).id()
                label=format!("Value {}", i + 1)
                value=part(i, |e| &e.value)
                on_input=set(i, |e, v| e.value = v)
                error=form.error(Field::UserDataValue(i))
                autocomplete="off"
            />
        }
    };
    view! {
        <ListEditor
            items=entries
            legend="User data"
            hint="Custom user fields of your project, such as district or supervisor."
            add_label="Add user data"
            item_name="user data"
            field=Field::UserDataKey
            row
            row_class="user-data-row"
        />
    }
}
