use super::{tr, use_form, TextField};
use crate::worker::Field;
use leptos::prelude::*;

/// The operator's web user email and API key, in `api_key` mode when no portal handed over a
/// credential. Kept in the page's memory only.
#[component]
pub fn CredentialFields() -> impl IntoView {
    let form = use_form();
    let key = form.typed_key;
    view! {
        <fieldset class="credentials">
            <legend>{tr("credentials.legend")}</legend>
            <TextField
                id=Field::WebUserEmail.id()
                ltr=true
                label=tr("credentials.email")
                value=Signal::derive(move || key.with(|k| k.email.clone()))
                on_input=move |v| key.update(|k| k.email = v)
                error=form.error(Field::WebUserEmail)
                input_type="email"
                autocomplete="off"
            />
            <TextField
                id=Field::ApiKey.id()
                ltr=true
                label=tr("credentials.api_key")
                hint=Some(tr("credentials.api_key_hint"))
                value=Signal::derive(move || key.with(|k| k.key.clone()))
                on_input=move |v| key.update(|k| k.key = v)
                error=form.error(Field::ApiKey)
                input_type="password"
                autocomplete="off"
                revealable=true
            />
        </fieldset>
    }
}
