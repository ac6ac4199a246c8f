use super::{tr, TextField};
use crate::form::KeyIds;
use crate::hq::credentials::TypedKey;
use crate::i18n::Message;
use leptos::prelude::*;

/// The operator's web user email and API key, in `api_key` mode when no portal handed over a
/// credential; the one-worker form's and bulk creation's alike. Kept in the page's memory only.
#[component]
pub fn CredentialFields(
    /// The two inputs' element ids.
    ids: KeyIds,
    /// What was typed.
    typed: RwSignal<TypedKey>,
    /// The message under the email, if any.
    #[prop(into)]
    email_error: Signal<Option<Message>>,
    /// The message under the key, if any.
    #[prop(into)]
    key_error: Signal<Option<Message>>,
) -> impl IntoView {
    view! {
        <fieldset class="credentials">
            <legend>{tr("credentials.legend")}</legend>
            <TextField
                id=ids.email.to_string()
                ltr=true
                label=tr("credentials.email")
                value=Signal::derive(move || typed.with(|t| t.email.clone()))
                on_input=move |v| typed.update(|t| t.email = v)
                error=email_error
                input_type="email"
                autocomplete="off"
            />
            <TextField
                id=ids.key.to_string()
                ltr=true
                label=tr("credentials.api_key")
                hint=Some(tr("credentials.api_key_hint"))
                value=Signal::derive(move || typed.with(|t| t.key.clone()))
                on_input=move |v| typed.update(|t| t.key = v)
                error=key_error
                input_type="password"
                autocomplete="off"
                revealable=true
            />
        </fieldset>
    }
}
