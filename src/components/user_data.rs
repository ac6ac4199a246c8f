use super::{tr, use_form, use_texts, ListEditor, TextField};
use crate::form::Control;
use crate::i18n::Message;
use crate::worker::{Field, UserDataEntry};
use leptos::prelude::*;

/// Custom user data: name/value rows.
#[component]
pub fn UserDataRows() -> impl IntoView {
    let form = use_form();
    let entries = form.draft.user_data;
    let texts = use_texts();
    let label = move |key, i: usize| {
        Signal::derive(move || texts.render(&Message::new(key).number("position", i + 1)))
    };
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
                ltr=true
                label=label("label.user_data_name", i)
                value=part(i, |e| &e.key)
                on_input=set(i, |e, v| e.key = v)
                error=form.error(Field::UserDataKey(i))
                autocomplete="off"
            />
            <TextField
                id=Field::UserDataValue(i).id()
                label=label("label.user_data_value", i)
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
            legend=tr("user_data.legend")
            hint=tr("user_data.hint")
            add_label=tr("user_data.add")
            item_key="user_data.item"
            field=Field::UserDataKey
            row
            row_class="user-data-row"
        />
    }
}
