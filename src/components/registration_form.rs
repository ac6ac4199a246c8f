use super::error_summary::{error_at, focus_element, Problem};
use super::{
    CreatedView, ErrorSummary, LanguageField, Picker, Portal, StringList, TextField, UserDataRows,
};
use crate::config::{AuthMode, Config};
use crate::credentials::{self, Credentials};
use crate::embed::{Defaults, Outgoing};
use crate::hq::{self, CreateError};
use crate::mobile_worker::{normalise_username, Draft, Field, FieldError};
use crate::project_data::{self, ListState, ReadError, Resource};
use crate::session;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The web user's email and API key as typed.
#[derive(Clone, Default, PartialEq, Eq)]
struct TypedKey {
    email: String,
    key: String,
}

impl TypedKey {
    fn credentials(&self) -> Credentials {
        Credentials::ApiKey {
            email: self.email.clone(),
            key: self.key.clone(),
        }
    }
}

/// Ends "in flight" when the request's task ends, however it ends.
struct InFlight(RwSignal<bool>);

impl InFlight {
    fn start(flag: RwSignal<bool>) -> Self {
        flag.set(true);
        InFlight(flag)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.try_set(false);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Success {
    user_id: String,
    full_username: String,
}

/// The mobile worker form: validates on submit, re-validates as fields change once submitted,
/// sends exactly one request per submit, and keeps every typed value after any error.
#[component]
pub fn RegistrationForm(config: Config) -> impl IntoView {
    let domain = config.domain.clone();
    let config = StoredValue::new(config);
    let draft = RwSignal::new(session::restore(&domain).unwrap_or_default());
    let success = RwSignal::new(None::<Success>);
    // Until a mobile worker is created: its draft is not kept once it exists.
    Effect::new({
        let domain = domain.clone();
        move || {
            if success.with(Option::is_none) {
                draft.with(|d| session::save(&domain, d))
            }
        }
    });
    let portal = use_context::<Portal>();
    // In memory only: never stored, never in a URL.
    let typed_key = RwSignal::new(TypedKey::default());
    let needs_typed_key = move || {
        config.with_value(|c| c.auth) == AuthMode::ApiKey
            && portal.is_none_or(|p| p.credentials.with(Option::is_none))
    };
    if let Some(portal) = portal {
        // Shown after a creation, the form waits for "Create another", which takes the
        // defaults then; until then the created worker's draft is left alone.
        portal.on_defaults(Callback::new(
            move |(previous, new): (Defaults, Defaults)| {
                if success.with_untracked(Option::is_none) {
                    draft.update(|d| new.refill(&previous, d));
                }
            },
        ));
    }
    // The typed key's problems are shown once the operator has tried to use it.
    let key_tried = RwSignal::new(false);
    // What the request should carry, if anything; `None` also while a typed key is blank.
    let current_credentials = move || match config.with_value(|c| c.auth) {
        // A same-origin proxy adds the credential; nothing is sent from here.
        AuthMode::Proxy => None,
        AuthMode::ApiKey => portal
            .and_then(|p| p.credentials.get_untracked())
            .or_else(|| {
                typed_key.with_untracked(|t| {
                    (!t.email.trim().is_empty() && !t.key.trim().is_empty())
                        .then(|| t.credentials())
                })
            }),
    };

    // The project's groups and locations, loaded once for the page's life.
    let groups_list = RwSignal::new(ListState::loading());
    let locations_list = RwSignal::new(ListState::loading());
    // Each load of a list is numbered, so an older answer arriving late cannot replace a newer.
    let groups_loads = StoredValue::new(0_u64);
    let locations_loads = StoredValue::new(0_u64);
    let load = move |resource: Resource| {
        let (list, loads) = match resource {
            Resource::Groups => (groups_list, groups_loads),
            Resource::Locations => (locations_list, locations_loads),
        };
        let credentials = current_credentials();
        loads.update_value(|n| *n += 1);
        let this_load = loads.get_value();
        if credentials.is_none() && config.with_value(|c| c.auth) == AuthMode::ApiKey {
            list.set(ListState::NeedsCredentials);
            return;
        }
        if let Some(Err(error)) = credentials.as_ref().map(Credentials::check) {
            list.set(ListState::Failed(ReadError::BadCredential(error)));
            return;
        }
        list.set(ListState::loading());
        spawn_local(async move {
            let config = config.get_value();
            let current = move || loads.try_get_value() == Some(this_load);
            let progress = move |loaded, total| {
                if current() {
                    list.try_set(ListState::Loading { loaded, total });
                }
            };
            let loaded =
                project_data::load_all(&config, credentials.as_ref(), resource, progress).await;
            if current() {
                list.try_set(match loaded {
                    Ok(choices) => ListState::Loaded(std::sync::Arc::new(
                        project_data::ChoiceList::new(choices),
                    )),
                    Err(error) => ListState::Failed(error),
                });
            }
        });
    };
    // Loads at start-up, and again only when a portal hands over a different credential.
    let portal_credentials = Memo::new(move |_| portal.and_then(|p| p.credentials.get()));
    Effect::new(move || {
        portal_credentials.track();
        load(Resource::Groups);
        load(Resource::Locations);
    });

    let submitted = RwSignal::new(false);
    let in_flight = RwSignal::new(false);
    let server_error = RwSignal::new(None::<CreateError>);
    let summary_ref = NodeRef::<html::Div>::new();

    // Every rule, ids checked against the loaded lists: the body to send, or the problems.
    let checked = Memo::new(move |_| {
        groups_list.with(|groups| {
            locations_list.with(|locations| {
                draft.with(|d| {
                    d.validate_with(|g| groups.membership(g), |l| locations.membership(l))
                })
            })
        })
    });
    let rule_errors = Memo::new(move |_| {
        if submitted.get() {
            checked.with(|c| c.as_ref().err().cloned().unwrap_or_default())
        } else {
            Vec::new()
        }
    });
    // Each typed part on its own, so a bad email and a bad key are both named.
    let credential_errors = Memo::new(move |_| {
        if !(submitted.get() || key_tried.get()) || !needs_typed_key() {
            return Vec::new();
        }
        typed_key.with(|t| credentials::api_key_problems(&t.email, &t.key))
    });
    let problems = Memo::new(move |_| {
        let mut problems: Vec<Problem> = credential_errors
            .get()
            .into_iter()
            .map(|error| Problem {
                field: None,
                message: error.to_string(),
                anchor: error.part().field_id(),
            })
            .collect();
        problems.extend(
            rule_errors
                .get()
                .into_iter()
                .map(|FieldError { field, message }| Problem {
                    field: Some(field),
                    message,
                    anchor: None,
                }),
        );
        if let Some(error) = server_error.get() {
            problems.push(Problem {
                field: error.field(),
                message: error.to_string(),
                anchor: None,
            });
        }
        problems
    });
    let field_error = move |field: Field| error_at(problems, field.id());
    // A text field bound to one string of the draft: its value, and what typing does.
    let text =
        move |get: fn(&Draft) -> &String| Signal::derive(move || draft.with(|d| get(d).clone()));
    let typed = move |get_mut: fn(&mut Draft) -> &mut String| {
        move |value: String| draft.update(|d| *get_mut(d) = value)
    };

    // "Error: " in the title tells screen-reader users at once that the page has problems.
    let title = document().title();
    Effect::new(move || {
        let prefix = if problems.with(Vec::is_empty) {
            ""
        } else {
            "Error: "
        };
        document().set_title(&format!("{prefix}{title}"));
    });
    let credential_error = move |id: &'static str| error_at(problems, id.to_string());

    let focus_summary = move || {
        request_animation_frame(move || {
            if let Some(summary) = summary_ref.get_untracked() {
                let _ = summary.focus();
            }
        });
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if in_flight.get_untracked() {
            return;
        }
        submitted.set(true);
        server_error.set(None);
        let body = match checked.get_untracked() {
            Ok(body) if credential_errors.get_untracked().is_empty() => body,
            _ => return focus_summary(),
        };
        let credentials = current_credentials();
        let flight = InFlight::start(in_flight);
        spawn_local(async move {
            let config = config.get_value();
            let answer = hq::create_mobile_worker(&config, credentials.as_ref(), &body).await;
            drop(flight);
            match answer {
                Ok(created) => {
                    session::clear(&config.domain);
                    let full_username = config.full_username(&body.username);
                    if let Some(portal) = portal {
                        portal.post(Outgoing::Created {
                            user_id: created.user_id.clone(),
                            username: full_username.clone(),
                        });
                    }
                    success.set(Some(Success {
                        user_id: created.user_id,
                        full_username,
                    }));
                    // The form is gone; the news takes focus.
                    request_animation_frame(|| focus_element("created-title"));
                }
                Err(error) => {
                    if let Some(portal) = portal {
                        portal.post(Outgoing::Error {
                            message: error.to_string(),
                        });
                    }
                    server_error.set(Some(error));
                    focus_summary();
                }
            }
        });
    };

    // A server refusal stands until the field it is about changes.
    Effect::new(move |previous: Option<String>| {
        let username = draft.with(|d| d.username.clone());
        if previous.is_some_and(|p| p != username) {
            server_error.update(|e| {
                if e.as_ref()
                    .is_some_and(|e| e.field() == Some(Field::Username))
                {
                    *e = None;
                }
            });
        }
        username
    });

    let fresh_draft = move || {
        let mut fresh = Draft::default();
        if let Some(portal) = portal {
            portal.defaults.with_untracked(|d| d.apply_to(&mut fresh));
        }
        fresh
    };
    let reset = move || {
        draft.set(fresh_draft());
        submitted.set(false);
        server_error.set(None);
    };
    let start_another = move || {
        reset();
        success.set(None);
        request_animation_frame(|| focus_element(&Field::Username.id()));
    };
    // Tells the portal the operator gave up; the next visitor starts afresh. Not while a
    // request is out: its answer decides (created, or an error), and the portal hears that.
    let cancel = move || {
        if in_flight.get_untracked() {
            return;
        }
        if let Some(portal) = portal {
            portal.post(Outgoing::Cancelled);
        }
        reset();
    };

    let full_username_hint = Signal::derive(move || {
        let typed = draft.with(|d| normalise_username(&d.username));
        let shown = if typed.is_empty() {
            "name".to_string()
        } else {
            typed
        };
        format!(
            "Their login will be {}",
            config.with_value(|c| c.full_username(&shown))
        )
    });

    view! {
        <Show
            when=move || success.with(Option::is_none)
            fallback=move || {
                let s = success.get().unwrap_or_else(|| Success { user_id: String::new(), full_username: String::new() });
                view! { <CreatedView user_id=s.user_id full_username=s.full_username on_another=start_another /> }
            }
        >
            <ErrorSummary problems=problems node_ref=summary_ref />
            // Outside the form, so browsers do not offer to save the key as a login.
            <Show when=needs_typed_key>
                <fieldset class="credentials">
                    <legend>"Your CommCare web user"</legend>
                    <TextField
                        id="web-user-email".into()
                        label="Web user email"
                        value=Signal::derive(move || typed_key.with(|c| c.email.clone()))
                        on_input=move |v| typed_key.update(|c| c.email = v)
                        error=credential_error("web-user-email")
                        input_type="email"
                        autocomplete="off"
                    />
                    <TextField
                        id="api-key".into()
                        label="API key"
                        hint=Signal::derive(|| "Kept in this page's memory only, never saved.".to_string())
                        value=Signal::derive(move || typed_key.with(|c| c.key.clone()))
                        on_input=move |v| typed_key.update(|c| c.key = v)
                        error=credential_error("api-key")
                        input_type="password"
                        autocomplete="off"
                        revealable=true
                    />
                </fieldset>
            </Show>
            <form class="registration" novalidate on:submit=on_submit>
                <TextField
                    id=Field::Username.id()
                    label="Username"
                    hint=full_username_hint
                    value=text(|d| &d.username)
                    on_input=typed(|d| &mut d.username)
                    error=field_error(Field::Username)
                    autocomplete="off"
                />
                <TextField
                    id=Field::Password.id()
                    label="Password"
                    value=text(|d| &d.password)
                    on_input=typed(|d| &mut d.password)
                    error=field_error(Field::Password)
                    input_type="password"
                    autocomplete="new-password"
                    revealable=true
                />
                <div class="name-row">
                    <TextField
                        id=Field::FirstName.id()
                        label="First name"
                        value=text(|d| &d.first_name)
                        on_input=typed(|d| &mut d.first_name)
                        error=field_error(Field::FirstName)
                        autocomplete="off"
                        optional=true
                    />
                    <TextField
                        id=Field::LastName.id()
                        label="Last name"
                        value=text(|d| &d.last_name)
                        on_input=typed(|d| &mut d.last_name)
                        error=field_error(Field::LastName)
                        autocomplete="off"
                        optional=true
                    />
                </div>
                <TextField
                    id=Field::Email.id()
                    label="Email"
                    value=text(|d| &d.email)
                    on_input=typed(|d| &mut d.email)
                    error=field_error(Field::Email)
                    input_type="email"
                    autocomplete="off"
                    optional=true
                />
                <StringList
                    draft
                    problems
                    legend="Phone numbers"
                    hint="With the country code, for example +256 772 123456. The first is the default."
                    item_label="Phone number"
                    add_label="Add phone number"
                    field=Field::PhoneNumber
                    get=|d| &d.phone_numbers
                    get_mut=|d| &mut d.phone_numbers
                    first_is_default=true
                    input_type="tel"
                />
                <Picker
                    draft
                    problems
                    resource=Resource::Groups
                    state=groups_list
                    on_refresh=move || {
                        key_tried.set(true);
                        load(Resource::Groups)
                    }
                    legend="Groups"
                    hint="Find groups by name; the mobile worker joins each one chosen."
                    field=Field::Group
                    get=|d| &d.groups
                    get_mut=|d| &mut d.groups
                />
                <LocationFields draft problems state=locations_list on_refresh=move || {
                    key_tried.set(true);
                    load(Resource::Locations)
                } />
                <TextField
                    id=Field::Role.id()
                    label="Role"
                    hint=Signal::derive(|| "The exact name of a role in your project, as under Roles & Permissions, e.g. Field worker. CommCare skips a name it does not know without saying so, so check the spelling.".to_string())
                    value=text(|d| &d.role)
                    on_input=typed(|d| &mut d.role)
                    error=field_error(Field::Role)
                    autocomplete="off"
                    optional=true
                />
                <UserDataRows draft problems />
                <LanguageField draft problems />
                <div class="form-actions">
                    <button type="submit" aria-disabled=move || in_flight.get().then_some("true")>
                        {move || if in_flight.get() { "Creating…" } else { "Create mobile worker" }}
                    </button>
                    <Show when=move || portal.is_some_and(|p| p.listening())>
                        <button
                            type="button"
                            class="secondary cancel"
                            aria-disabled=move || in_flight.get().then_some("true")
                            on:click=move |_| cancel()
                        >
                            "Cancel"
                        </button>
                    </Show>
                </div>
            </form>
        </Show>
    }
}

/// Assigned locations (a picker) and the primary one among them, or a note where this server
/// or account has no locations.
#[component]
fn LocationFields(
    draft: RwSignal<Draft>,
    problems: Memo<Vec<Problem>>,
    state: RwSignal<ListState>,
    on_refresh: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    // A Memo, so the picker is rebuilt only when availability changes, not on every reload.
    let unavailable = Memo::new(move |_| {
        state.with(|s| match s {
            ListState::Failed(error) if error.means_unavailable() => {
                Some(error.describe(Resource::Locations))
            }
            _ => None,
        })
    });
    // Locations this server or account cannot have are dropped: they could never be sent.
    Effect::new(move || {
        if unavailable.with(Option::is_some) && draft.with_untracked(|d| !d.locations.is_empty()) {
            draft.update(|d| {
                d.locations.clear();
                d.primary_location.clear();
            });
        }
    });
    let chosen = Memo::new(move |_| draft.with(|d| d.locations.clone()));
    let primary = Memo::new(move |_| {
        draft.with(|d| {
            d.effective_primary_location()
                .unwrap_or_default()
                .to_string()
        })
    });
    move || {
        match unavailable.get() {
        Some(why) => view! {
            <div class="picker unavailable" id="location-picker">
                <p class="legend-like">"Locations"</p>
                <p class="picker-status" role="status">
                    {why}" The mobile worker will be created without locations."
                </p>
            </div>
        }
        .into_any(),
        None => view! {
            <Picker
                draft
                problems
                resource=Resource::Locations
                state=state
                on_refresh=on_refresh.clone()
                legend="Locations"
                hint="Find locations by name or site code. The first one chosen is the primary location unless you choose another."
                field=Field::Location
                get=|d| &d.locations
                get_mut=|d| &mut d.locations
            />
            <Show when=move || chosen.with(|c| c.len() > 1)>
                <div class="field">
                    <label for="primary-location">"Primary location"</label>
                    <select
                        id="primary-location"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            draft.update(|d| d.primary_location = value);
                        }
                    >
                        // `selected` on each option: a select's own value set before its
                        // options exist would be lost.
                        {move || {
                            chosen
                                .get()
                                .into_iter()
                                .map(|id| {
                                    let name = state.with(|s| s.name_of(&id));
                                    let is_primary = {
                                        let id = id.clone();
                                        move || primary.with(|p| *p == id)
                                    };
                                    view! { <option value=id prop:selected=is_primary>{name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
            </Show>
        }
        .into_any(),
    }
    }
}
