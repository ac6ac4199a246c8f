use super::{optional as self_optional, tr, use_texts};
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
    /// `text`, `email`, `password`, `tel`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The browser's autofill hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Adds "(optional)" to the label.
    #[prop(optional)]
    optional: bool,
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
    let current_type = move || if shown.get() { "text" } else { input_type };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_error = move || error.with(Option::is_some);
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if has_error() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let label_text = if optional {
        self_optional(label)
    } else {
        label
    };
    view! {
        <div class="field" class:field-error=has_error>
            <label for=id.clone()>{label_text}</label>
            {hint
                .map(|hint| {
                    view! {
                        <p class="hint" id=hint_id>
                            {hint}
                        </p>
                    }
                })}
            <InlineError id=error_id error />
            <div class="input-row">
                <input
                    id=id.clone()
                    name=id
                    type=current_type
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
        </div>
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
