use super::error_summary::focus_element;
use super::{
    tr, use_form, use_texts, CreatedView, CredentialFields, ErrorSummary, LanguageField,
    LocationFields, PasswordFields, PhoneNumbers, Picker, ProjectFields, SelectField, TextField,
    UserDataRows,
};
use crate::config::Config;
use crate::form::session;
use crate::form::{Control, Focus, FormState, Success, KEY_IDS};
use crate::hq::lists::Resource;
use crate::portal::Portal;
use crate::worker::Field;
use leptos::prelude::*;

/// The mobile worker form: validates on submit, re-validates as fields change once submitted,
/// sends exactly one request per submit, and keeps every typed value after any error.
#[component]
pub fn RegistrationForm(
    /// Where to send, and how.
    config: Config,
    /// Rendered at build time as the page's first view (see `start`): the fields a person
    /// types first, and Create.
    #[prop(optional)]
    first_view: bool,
) -> impl IntoView {
    let portal = use_context::<Portal>();
    let draft = session::restore(&config.domain).unwrap_or_default();
    let form = FormState::new(config, portal, draft, use_texts());
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
                form.success
                    .get()
                    .map(|Success { user_id, full_username, generated_password, .. }| {
                        view! {
                            <CreatedView
                                user_id
                                full_username
                                generated_password
                                on_another=move || form.start_another()
                                on_another_alike=move || form.start_another_alike()
                            />
                        }
                    })
            }
        >
            <Form first_view />
        </Show>
    }
}

/// The Effects of the form: each only carries state out of it.
fn push_state_out(form: FormState) {
    // The draft (never the password) survives a reload, until the worker is created. Kept in
    // the microtask after each change, before the next event is handled, so the page's fault
    // handler (src/start.js) always finds the last change kept.
    let domain = form.config(|c| c.domain.clone());
    Effect::new(move || {
        if form.success.with(Option::is_none) {
            session::save(&domain, &form.draft.snapshot());
        }
    });
    // "Error: " in the title tells screen-reader users at once that the page has problems.
    let texts = use_texts();
    Effect::new(move || {
        let title = texts.get(if form.problems.with(Vec::is_empty) {
            "page.title"
        } else {
            "page.title_error"
        });
        document().set_title(&title);
    });
    // The password scorer hears each password worth scoring; it is started by the first.
    Effect::new(move || {
        if let Some(question) = form.question_for_scorer() {
            crate::worker::password::browser::ask(&question, move |answer| match answer {
                Some(strength) => form.scored(strength),
                None => form.scorer_failed(),
            });
        }
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

/// The form itself, with the credentials under it where the operator must type them: they
/// appear when the app runs, and below the fields nothing moves the field being typed in.
#[component]
fn Form(
    /// Rendered at build time: only what a person types first, and Create.
    first_view: bool,
) -> impl IntoView {
    let form = use_form();
    let texts = use_texts();
    let draft = form.draft;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit();
    };
    view! {
        <ErrorSummary problems=form.problems />
        // `dialog`: a press of Create before the app runs can never submit natively.
        <form id=FORM_ID class="registration" method="dialog" novalidate on:submit=on_submit>
            <TextField
                id=Field::Username.id()
                ltr=true
                label=tr("label.username")
                hint=Some(Signal::derive(move || texts.render(&form.login_preview())))
                value=draft.username
                on_input=move |v| form.type_username(v)
                error=form.error(Field::Username)
                autocomplete="off"
            />
            // Drawn again only if a portal states other policies; what was typed is kept.
            {move || {
                let policy = form.policy.get();
                view! {
                    <PasswordFields
                        confirmation=policy.account_confirmation
                        strong=policy.strong_passwords
                    />
                }
                    .into_any()
            }}
            <div class="name-row">
                {draft_field(form, Field::FirstName, "label.first_name", draft.first_name, None)}
                {draft_field(form, Field::LastName, "label.last_name", draft.last_name, None)}
            </div>
            // Required where the worker is to be emailed a link to set their password.
            <TextField
                id=Field::Email.id()
                ltr=true
                label=tr("label.email")
                value=draft.email
                on_input=move |v| draft.email.set(v)
                error=form.error(Field::Email)
                input_type="email"
                autocomplete="off"
                optional=Signal::derive(move || {
                    !(form.policy.with(|p| p.account_confirmation) && draft.confirm_by_email.get())
                })
            />
            <PhoneNumbers />
            {(!first_view).then(|| view! { <LaterFields /> })}
        </form>
        // Outside the form, so browsers do not offer to save the key as a login.
        <Show when=move || form.needs_typed_key()>
            <CredentialFields
                ids=KEY_IDS
                typed=form.typed_key
                email_error=form.error_at(KEY_IDS.email.into())
                key_error=form.error_at(KEY_IDS.key.into())
            />
        </Show>
        <FormActions />
    }
}

/// The fields a person reaches after the first ones (groups, locations, role, the project's
/// fields, user data, language): they come with the app, under the fields typed first.
#[component]
fn LaterFields() -> impl IntoView {
    let form = use_form();
    let draft = form.draft;
    view! {
        <Picker
            chosen=draft.groups
            state=form.groups
            resource=Resource::Groups
            on_refresh=move |_| form.refresh(Resource::Groups)
            legend=tr("groups.legend")
            hint=tr("groups.hint")
            field=Field::Group
        />
        <LocationFields />
        {move || {
            let policy = form.policy.get();
            view! {
                <RoleField roles=policy.roles.clone() />
                <ProjectFields policy />
            }
                .into_any()
        }}
        <UserDataRows />
        <LanguageField code=draft.language error=form.error(Field::Language) />
    }
}

/// The form's element id, which Create names as its form.
const FORM_ID: &str = "registration";

/// The role: one of the project's roles where it lists them, else its exact name typed.
#[component]
fn RoleField(
    /// The project's roles; empty when the role is typed.
    roles: Vec<String>,
) -> impl IntoView {
    let form = use_form();
    let role = form.draft.role;
    if roles.is_empty() {
        return draft_field(form, Field::Role, "label.role", role, Some(tr("role.hint")));
    }
    let options: Vec<(String, String)> = roles.into_iter().map(|r| (r.clone(), r)).collect();
    view! {
        <SelectField
            id=Field::Role.id()
            label=tr("label.role")
            options
            none=tr("role.project_default")
            value=role
            on_change=move |v| role.set(v)
            error=form.error(Field::Role)
            optional=true
        />
    }
    .into_any()
}

/// One of the draft's optional free-text fields (names, a typed role). A function, not a copy
/// of the wiring per field, so the page's code holds it once.
fn draft_field(
    form: FormState,
    field: Field,
    label: &'static str,
    value: RwSignal<String>,
    hint: Option<Signal<String>>,
) -> AnyView {
    view! {
        <TextField
            id=field.id()
            label=tr(label)
            hint
            value
            on_input=move |v| value.set(v)
            error=form.error(field)
            autocomplete="off"
            optional=true
        />
    }
    .into_any()
}

/// Create, and Cancel where a portal listens (not while a request is out).
#[component]
fn FormActions() -> impl IntoView {
    let form = use_form();
    let in_flight = form.in_flight;
    let listening = move || form.portal().is_some_and(|p| p.listening());
    let texts = use_texts();
    view! {
        <div class="form-actions">
            <button
                type="submit"
                id="create"
                form=FORM_ID
                aria-disabled=move || in_flight.get().then_some("true")
            >
                {Signal::derive(move || {
                    texts.get(if in_flight.get() { "submit.creating" } else { "submit.create" })
                })}
            </button>
            <Show when=listening>
                <button
                    type="button"
                    class="secondary cancel"
                    aria-disabled=move || in_flight.get().then_some("true")
                    on:click=move |_| form.cancel()
                >
                    {tr("submit.cancel")}
                </button>
            </Show>
        </div>
    }
}
