use super::{tr, use_form, use_texts, ListEditor, TextField};
use crate::form::Control;
use crate::i18n::Message;
use crate::worker::Field;
use leptos::prelude::*;

/// The mobile worker's phone numbers; the first is the default one, as HQ takes it.
#[component]
pub fn PhoneNumbers() -> impl IntoView {
    let form = use_form();
    let numbers = form.draft.phone_numbers;
    let texts = use_texts();
    let row = move |i: usize| {
        let key = if i == 0 {
            "phones.label_default"
        } else {
            "phones.label"
        };
        let label =
            Signal::derive(move || texts.render(&Message::new(key).number("position", i + 1)));
        view! {
            <TextField
                id=Field::PhoneNumber(i).id()
                ltr=true
                label
                value=Signal::derive(move || {
                    numbers.with(|n| n.get(i).cloned().unwrap_or_default())
                })
                on_input=move |v| {
                    numbers
                        .update(|n| {
                            if let Some(number) = n.get_mut(i) {
                                *number = v;
                            }
                        })
                }
                error=form.error(Field::PhoneNumber(i))
                input_type="tel"
                autocomplete="off"
            />
        }
    };
    view! {
        <ListEditor
            items=numbers
            legend=tr("phones.legend")
            hint=tr("phones.hint")
            add_label=tr("phones.add")
            item_key="phones.item"
            field=Field::PhoneNumber
            row
            first_is_default=true
        />
    }
}
