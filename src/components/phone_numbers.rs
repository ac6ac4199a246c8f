use super::{use_form, ListEditor, TextField};
use crate::mobile_worker::Field;
use leptos::prelude::*;

/// The mobile worker's phone numbers; the first is the default one, as HQ takes it.
#[component]
pub fn PhoneNumbers() -> impl IntoView {
    let form = use_form();
    let numbers = form.draft.phone_numbers;
    let row = move |i: usize| {
        let label = if i == 0 {
            "Phone number 1 (default)".to_string()
        } else {
            format!("Phone number {}", i + 1)
        };
        view! {
            <TextField
                id=Field::PhoneNumber(i).id()
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
            legend="Phone numbers"
            hint="With the country code, for example +256 772 123456. The first is the default."
            add_label="Add phone number"
            item_name="Phone number"
            field=Field::PhoneNumber
            row
            first_is_default=true
        />
    }
}
