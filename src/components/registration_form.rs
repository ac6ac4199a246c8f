use super::error_summary::focus_element;
use super::{
    use_form, CreatedView, CredentialFields, ErrorSummary, LanguageField, LocationFields,
    PhoneNumbers, Picker, TextField, UserDataRows,
};
use crate::config::Config;
use crate::form_state::{Focus, FormState, Success};
use crate::mobile_worker::Field;
use crate::portal::Portal;
use crate::project_data::Resource;
use crate::session;
use leptos::prelude::*;

/// The mobile worker form: validates on submit, re-validates as fields change once submitted,
/// sends exactly one request per submit, and keeps every typed value after any error.
#[component]
pub fn RegistrationForm(
    /// Where to send, and how.
    config: Config,
) -> impl IntoView {
    let portal = use_context::<Portal>();
    let draft = session::restore(&config.domain).unwrap_or_default();
    let form = FormState::new(config, portal, draft);
    provide_context(form);
    if let Some(portal) = portal {
        portal.on_configure(Callback::new(
            move |(previous, new, credentials_changed)| {
                form.configured(&previous, &new, credentials_changed)
            },
        ));
    }
    form.load_lists();
    push_state_out(form);

    view! {
        <Show
            when=move || form.success.with(Option::is_none)
            fallback=move || {
                let Success { user_id, full_username } = form
                    .success
                    .get()
                    .unwrap_or(Success {
                        user_id: String::new(),
                        full_username: String::new(),
                    });
                view! {
                    <CreatedView user_id full_username on_another=move || form.start_another() />
                }
            }
        >
            <Form />
        </Show>
    }
}

/// The Effects of the form: each only carries state out of it.
fn push_state_out(form: FormState) {
    // The draft (never the password) survives a reload, until the worker is created.
    let domain = form.config(|c| c.domain.clone());
    Effect::new(move || {
        if form.success.with(Option::is_none) {
            session::save(&domain, &form.draft.snapshot());
        }
    });
    // "Error: " in the title tells screen-reader users at once that the page has problems.
    let title = document().title();
    Effect::new(move || {
        let prefix = if form.problems.with(Vec::is_empty) {
            ""
        } else {
            "Error: "
        };
        document().set_title(&format!("{prefix}{title}"));
    });
    // Focus moves once the page has drawn what it moves to.
    Effect::new(move || {
        if let Some(focus) = form.focus.get() {
            request_animation_frame(move || match focus {
                Focus::Summary => focus_element("error-summary"),
                Focus::Created => focus_element("created-title"),
                Focus::Field(field) => focus_element(&field.id()),
            });
        }
    });
}

/// The form itself, with the credentials above it where the operator must type them.
#[component]
fn Form() -> impl IntoView {
    let form = use_form();
    let draft = form.draft;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit();
    };
    view! {
        <ErrorSummary problems=form.problems />
        // Outside the form, so browsers do not offer to save the key as a login.
        <Show when=move || form.needs_typed_key()>
            <CredentialFields />
        </Show>
        <form class="registration" novalidate on:submit=on_submit>
            <TextField
                id=Field::Username.id()
                label="Username"
                hint=Signal::derive(move || form.login_preview())
                value=draft.username
                on_input=move |v| form.type_username(v)
                error=form.error(Field::Username)
                autocomplete="off"
            />
            <TextField
                id=Field::Password.id()
                label="Password"
                value=draft.password
                on_input=move |v| draft.password.set(v)
                error=form.error(Field::Password)
                input_type="password"
                autocomplete="new-password"
                revealable=true
            />
            <div class="name-row">
                <TextField
                    id=Field::FirstName.id()
                    label="First name"
                    value=draft.first_name
                    on_input=move |v| draft.first_name.set(v)
                    error=form.error(Field::FirstName)
                    autocomplete="off"
                    optional=true
                />
                <TextField
                    id=Field::LastName.id()
                    label="Last name"
                    value=draft.last_name
                    on_input=move |v| draft.last_name.set(v)
                    error=form.error(Field::LastName)
                    autocomplete="off"
                    optional=true
                />
            </div>
            <TextField
                id=Field::Email.id()
                label="Email"
                value=draft.email
                on_input=move |v| draft.email.set(v)
                error=form.error(Field::Email)
                input_type="email"
                autocomplete="off"
                optional=true
            />
            <PhoneNumbers />
            <Picker
                chosen=draft.groups
                state=form.groups
                resource=Resource::Groups
                on_refresh=move || form.refresh(Resource::Groups)
                legend="Groups"
                hint="Find groups by name; the mobile worker joins each one chosen."
                field=Field::Group
            />
            <LocationFields />
            <TextField
                id=Field::Role.id()
                label="Role"
                hint=Signal::derive(|| {
                    "The exact name of a role in your project, as under Roles & Permissions, e.g. Field worker. CommCare skips a name it does not know without saying so, so check the spelling."
                        .to_string()
                })
                value=draft.role
                on_input=move |v| draft.role.set(v)
                error=form.error(Field::Role)
                autocomplete="off"
                optional=true
            />
            <UserDataRows />
            <LanguageField code=draft.language error=form.error(Field::Language) />
            <FormActions />
        </form>
    }
}

/// Create, and Cancel where a portal listens (not while a request is out).
#[component]
fn FormActions() -> impl IntoView {
    let form = use_form();
    let in_flight = form.in_flight;
    let listening = move || form.portal().is_some_and(|p| p.listening());
    view! {
        <div class="form-actions">
            <button type="submit" aria-disabled=move || in_flight.get().then_some("true")>
                {move || if in_flight.get() { "Creating…" } else { "Create mobile worker" }}
            </button>
            <Show when=listening>
                <button
                    type="button"
                    class="secondary cancel"
                    aria-disabled=move || in_flight.get().then_some("true")
                    on:click=move |_| form.cancel()
                >
                    "Cancel"
                </button>
            </Show>
        </div>
    }
}
