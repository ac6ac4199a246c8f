use super::{say, tr, use_form, SelectField, TextField};
use crate::config::project_policy::{ProjectPolicy, UserField};
use crate::form::Control;
use crate::i18n::Message;
use crate::worker::Field;
use leptos::prelude::*;

/// The project's own fields (see `project_policy`): its profiles, and its custom user fields,
/// each as the project describes it. A field the chosen profile fixes is hidden, its value
/// listed under the profile instead, so it cannot be changed.
#[component]
pub fn ProjectFields(
    /// The project's policies.
    policy: ProjectPolicy,
) -> impl IntoView {
    let form = use_form();
    let profile = form.draft.profile;
    if policy.user_fields.is_empty() && policy.profiles.is_empty() {
        return ().into_any();
    }
    let profiles: Vec<(String, String)> = policy
        .profiles
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let required = policy.profile_required;
    let profile_field = (!profiles.is_empty()).then(|| {
        view! {
            <SelectField
                id=Field::Profile.id()
                label=tr("profile.label")
                hint=Some(tr("profile.hint"))
                options=profiles
                none=tr(if required { "profile.choose" } else { "profile.none" })
                value=profile
                on_change=move |v| profile.set(v)
                error=form.error(Field::Profile)
                optional=!required
            />
        }
    });
    // One copy for the closures below: this view is drawn again if the policies change.
    let policy = std::sync::Arc::new(policy);
    let fields = policy
        .user_fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let (p, slug) = (policy.clone(), field.slug.clone());
            let hidden = move || {
                profile.with(|id| p.profile(id).is_some_and(|c| c.fields.contains_key(&slug)))
            };
            view! { <div hidden=hidden>{user_field(i, field)}</div> }
        })
        .collect_view();
    view! {
        <fieldset class="project-fields">
            <legend>{tr("project_fields.legend")}</legend>
            {profile_field}
            <FixedByProfile policy />
            {fields}
        </fieldset>
    }
    .into_any()
}

/// What the chosen profile fixes, listed read-only under the profile: each field's label and
/// value.
#[component]
fn FixedByProfile(
    /// The project's policies.
    policy: std::sync::Arc<ProjectPolicy>,
) -> impl IntoView {
    let profile = use_form().draft.profile;
    let fixed = {
        let p = policy.clone();
        move || {
            profile.with(|id| {
                let Some(chosen) = p.profile(id) else {
                    return Vec::new();
                };
                p.user_fields
                    .iter()
                    .filter_map(|f| {
                        chosen
                            .fields
                            .get(&f.slug)
                            .map(|v| (f.label.clone(), v.clone()))
                    })
                    .collect::<Vec<_>>()
            })
        }
    };
    let chosen_name = move || profile.with(|id| policy.profile(id).map(|c| c.name.clone()));
    let no_profile = {
        let chosen_name = chosen_name.clone();
        move || chosen_name().is_none()
    };
    view! {
        <div class="fixed-by-profile" hidden=no_profile>
            <p class="hint">
                {move || {
                    chosen_name().map(|name| say(Message::new("profile.fixed").text("name", name)))
                }}
            </p>
            <dl>
                {move || {
                    fixed()
                        .into_iter()
                        .map(|(label, value)| {
                            view! {
                                <dt>{label}</dt>
                                <dd>{value}</dd>
                            }
                        })
                        .collect_view()
                }}
            </dl>
        </div>
    }
}

/// A custom user field the operator fills in: a select for fixed choices, else text.
fn user_field(i: usize, field: &UserField) -> AnyView {
    let form = use_form();
    let custom = form.draft.custom;
    let slug = field.slug.clone();
    let value = {
        let slug = slug.clone();
        Signal::derive(move || {
            custom.with(|c| {
                c.iter()
                    .find(|e| e.key == slug)
                    .map(|e| e.value.clone())
                    .unwrap_or_default()
            })
        })
    };
    let set = Callback::new(move |value: String| {
        custom.update(|rows| crate::worker::draft::set_custom(rows, &slug, value))
    });
    if field.choices.is_empty() {
        let hint = field
            .pattern
            .as_ref()
            .and_then(|(_, message)| message.clone())
            .map(Signal::stored);
        view! {
            <TextField
                id=Field::UserField(i).id()
                label=field.label.clone()
                hint
                value
                on_input=set
                error=form.error(Field::UserField(i))
                optional=!field.required
                autocomplete="off"
            />
        }
        .into_any()
    } else {
        let options: Vec<(String, String)> = field
            .choices
            .iter()
            .map(|c| (c.clone(), c.clone()))
            .collect();
        view! {
            <SelectField
                id=Field::UserField(i).id()
                label=field.label.clone()
                options
                none=tr("choice.none")
                value
                on_change=set
                error=form.error(Field::UserField(i))
                optional=!field.required
            />
        }
        .into_any()
    }
}
