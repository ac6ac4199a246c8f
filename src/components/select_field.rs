use super::optional_when;
use super::text_field::{described_by, FieldShell};
use crate::i18n::Message;
use leptos::prelude::*;

/// A labelled select with an optional hint and inline error, wired for screen readers as
/// [`super::TextField`] is, in the same [`FieldShell`]. The first option, worth `""`, means none chosen.
#[component]
pub fn SelectField(
    /// The select's element id (from `Field::id`).
    id: String,
    /// What the label says.
    #[prop(into)]
    label: Signal<String>,
    /// The options after the first: value and text.
    options: Vec<(String, String)>,
    /// The first option's text (its value is `""`).
    #[prop(into)]
    none: Signal<String>,
    /// The value chosen.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new value when another option is chosen.
    #[prop(into)]
    on_change: Callback<String>,
    /// The message under the field, if any.
    #[prop(into)]
    error: Signal<Option<Message>>,
    /// A line of help under the label.
    #[prop(optional_no_strip)]
    hint: Option<Signal<String>>,
    /// Adds "(optional)" to the label.
    #[prop(optional, into)]
    optional: Signal<bool>,
) -> impl IntoView {
    let has_error = move || error.with(Option::is_some);
    let described_by = described_by(&id, hint.is_some(), error);
    view! {
        <FieldShell id=id.clone() label=optional_when(label, optional) hint error>
            <select
                id=id
                aria-invalid=move || has_error().then_some("true")
                aria-required=move || (!optional.get()).then_some("true")
                aria-describedby=described_by
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                // `selected` on each option: a select's own value set before its options
                // exist would be lost.
                <option value="" prop:selected=move || value.with(String::is_empty)>
                    {none}
                </option>
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        let chosen = option.clone();
                        view! {
                            <option value=option prop:selected=move || value.with(|v| *v == chosen)>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </FieldShell>
    }
}
