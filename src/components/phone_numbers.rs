use super::{tr, use_form, use_texts, ListEditor, TextField};
use crate::form::Control;
use crate::i18n::Message;
use crate::worker::phones::{phone_warning, with_country_code};
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
        let editing = RwSignal::new(false);
        view! {
            <div
                class="phone-number"
                on:focusin=move |_| editing.set(true)
                on:focusout=move |_| editing.set(false)
            >
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
                <PhoneWarning i editing />
            </div>
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

/// Under phone number `i`, a warning that does not block: CommCare sends SMS only to numbers
/// with their country code. A number starting with 0 is said at once; one too short only once
/// the person has left the field. Where the host names a country code, one click puts it in
/// place of the 0.
#[component]
fn PhoneWarning(
    /// Which number.
    i: usize,
    /// Whether the number is being typed.
    editing: RwSignal<bool>,
) -> impl IntoView {
    let form = use_form();
    let numbers = form.draft.phone_numbers;
    let texts = use_texts();
    let typed = move || numbers.with(|n| n.get(i).cloned().unwrap_or_default());
    let warning = move || {
        phone_warning(&typed()).filter(|w| w.key != "warning.phone.short" || !editing.get())
    };
    let fixed = move || {
        form.country_code()
            .and_then(|code| with_country_code(&typed(), &code))
    };
    let use_fixed = move |_| {
        if let Some(number) = fixed() {
            numbers.update(|n| {
                if let Some(slot) = n.get_mut(i) {
                    *slot = number;
                }
            });
        }
    };
    let id = format!("{}-warning", Field::PhoneNumber(i).id());
    view! {
        <div class="phone-warning" id=id aria-live="polite">
            {move || {
                warning()
                    .map(|w| {
                        view! {
                            <p class="hint">{texts.render(&w)}</p>
                            {fixed()
                                .map(|number| {
                                    let label = texts
                                        .render(
                                            &Message::new("phones.use_country_code")
                                                .text("number", format!("\u{2066}{number}\u{2069}")),
                                        );
                                    view! {
                                        <button
                                            type="button"
                                            class="secondary use-country-code"
                                            on:click=use_fixed
                                        >
                                            {label}
                                        </button>
                                    }
                                })}
                        }
                    })
            }}
        </div>
    }
}
