use super::{optional_when, tr, use_texts};
use crate::i18n::Message;
use leptos::prelude::*;

/// A labelled input with an optional hint and inline error, wired for screen readers:
/// the error is linked by `aria-describedby` and flagged with `aria-invalid`.
#[component]
pub fn TextField(
    /// The input's element id (from `Field::id`).
    id: String,
    /// What the label says.
    #[prop(into)]
    label: Signal<String>,
    /// The text shown.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new text on every keystroke. A `Callback`, not a generic closure, so
    /// one copy of this component serves every field.
    #[prop(into)]
    on_input: Callback<String>,
    /// The message under the field, if any.
    #[prop(into)]
    error: Signal<Option<Message>>,
    /// A line of help under the label.
    #[prop(optional_no_strip)]
    hint: Option<Signal<String>>,
    /// `text`, `email`, `password`, `tel`. An `email` field is a text input with the email
    /// keyboard (`inputmode`): an `email` input hides its caret from scripts, and the caret must
    /// survive the app taking over the first view.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The browser's autofill hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Adds "(optional)" to the label (where a field is optional or not as other answers go,
    /// a signal).
    #[prop(optional, into)]
    optional: Signal<bool>,
    /// Adds a Show/Hide button for a masked value.
    #[prop(optional)]
    revealable: bool,
    /// Always written left to right (usernames, addresses, numbers, keys), also on a
    /// right-to-left page; other text follows what is typed.
    #[prop(optional)]
    ltr: bool,
) -> impl IntoView {
    let texts = use_texts();
    let shown = RwSignal::new(false);
    let (input_type, inputmode) = match input_type {
        "email" => ("text", Some("email")),
        other => (other, None),
    };
    let current_type = move || if shown.get() { "text" } else { input_type };
    let has_error = move || error.with(Option::is_some);
    let described_by = described_by(&id, hint.is_some(), error);
    view! {
        <FieldShell id=id.clone() label=optional_when(label, optional) hint error>
            <div class="input-row">
                // No `name`: even a browser that submitted the form natively would send nothing.
                <input
                    id=id.clone()
                    type=current_type
                    inputmode=inputmode
                    autocomplete=autocomplete
                    spellcheck="false"
                    dir=if ltr { "ltr" } else { "auto" }
                    aria-invalid=move || has_error().then_some("true")
                    aria-describedby=described_by
                    prop:value=move || value.get()
                    on:input=move |ev| on_input.run(event_target_value(&ev))
                />
                {revealable
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                id=format!("{id}-reveal")
                                class="secondary reveal"
                                on:click=move |_| shown.update(|s| *s = !*s)
                            >
                                {Signal::derive(move || {
                                    texts.get(if shown.get() { "field.hide" } else { "field.show" })
                                })}
                                <span class="visually-hidden">
                                    {Signal::derive(move || { format!(" {}", label.get()) })}
                                </span>
                            </button>
                        }
                    })}
            </div>
        </FieldShell>
    }
}

/// GOV.UK's form group: a control's label, its hint if it has one and its inline error, the
/// group marked while the error stands, then the control (`children`).
#[component]
pub fn FieldShell(
    /// The control's element id; the hint and error take theirs from it.
    id: String,
    /// What the label says.
    #[prop(into)]
    label: Signal<String>,
    /// A line of help under the label.
    hint: Option<Signal<String>>,
    /// The message under the label, if any.
    #[prop(into)]
    error: Signal<Option<Message>>,
    /// The control.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint
                .map(|hint| {
                    view! {
                        <p class="hint" id=format!("{id}-hint")>
                            {hint}
                        </p>
                    }
                })}
            <InlineError id=format!("{id}-error") error />
            {children()}
        </div>
    }
}

/// What a control's `aria-describedby` names: its hint, if it has one, and its error while
/// one stands (ids as [`FieldShell`] gives them).
pub fn described_by(
    id: &str,
    has_hint: bool,
    error: Signal<Option<Message>>,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.as_str());
        }
        if error.with(Option::is_some) {
            ids.push(error_id.as_str());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The message under a field, with the id its control points `aria-describedby` at.
#[component]
pub fn InlineError(
    /// The id the control's `aria-describedby` names.
    id: String,
    /// The message, if any.
    #[prop(into)]
    error: Signal<Option<Message>>,
) -> impl IntoView {
    let texts = use_texts();
    view! {
        <Show when=move || error.with(Option::is_some)>
            <p class="error-message" id=id.clone()>
                <span class="visually-hidden">{tr("error.prefix")}" "</span>
                {Signal::derive(move || {
                    error.with(|e| e.as_ref().map(|m| texts.render(m)).unwrap_or_default())
                })}
            </p>
        </Show>
    }
}
