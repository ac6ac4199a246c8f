use super::{tr, use_form, use_texts, TextField};
use crate::form::Control;
use crate::i18n::Message;
use crate::worker::password::{feedback_key, Verdict, MIN_LENGTH};
use crate::worker::Field;
use leptos::prelude::*;

/// The password, or (where the project allows it) an email that lets the worker set their
/// own; "Generate a password"; and, where the project requires strong passwords, how strong
/// the password is and what would make it stronger.
#[component]
pub fn PasswordFields(
    /// The project allows account confirmation by email.
    confirmation: bool,
    /// The project requires strong passwords.
    strong: bool,
) -> impl IntoView {
    let form = use_form();
    let draft = form.draft;
    let confirm = draft.confirm_by_email;
    let generated = move || {
        form.scorer
            .with(|s| s.generated.clone())
            .filter(|g| draft.password.with(|p| p == g))
    };
    let generate = move |_| {
        if let Some(password) = crate::worker::password::browser::generate() {
            form.use_generated(password);
        }
    };
    view! {
        <div class="password" hidden=move || confirmation && confirm.get()>
            <TextField
                id=Field::Password.id()
                ltr=true
                label=tr("label.password")
                value=draft.password
                on_input=move |v| draft.password.set(v)
                error=form.error(Field::Password)
                input_type="password"
                autocomplete="new-password"
                revealable=true
            />
            {strong.then(|| view! { <Strength /> })}
            <div class="password-tools">
                <button type="button" class="secondary" id="generate-password" on:click=generate>
                    {tr("password.generate")}
                </button>
                <p class="generated" role="status">
                    {move || {
                        generated()
                            .map(|password| {
                                view! {
                                    {tr("password.generated")}
                                    " "
                                    <code dir="ltr" class="generated-password">
                                        {password}
                                    </code>
                                }
                            })
                    }}
                </p>
            </div>
        </div>
        // Under the password: it appears when the app runs, and must not move the field.
        {confirmation
            .then(|| {
                view! {
                    <div class="field checkbox">
                        <input
                            type="checkbox"
                            id="confirm-by-email"
                            aria-describedby="confirm-by-email-hint"
                            prop:checked=move || confirm.get()
                            on:change=move |ev| confirm.set(event_target_checked(&ev))
                        />
                        <label for="confirm-by-email">{tr("confirm.label")}</label>
                        <p class="hint" id="confirm-by-email-hint">
                            {tr("confirm.hint")}
                        </p>
                    </div>
                }
            })}
    }
}

/// The strength meter: a bar of four steps, the verdict in words, and zxcvbn's advice.
#[component]
fn Strength() -> impl IntoView {
    let form = use_form();
    let texts = use_texts();
    let verdict = move || form.verdict();
    let steps = move || match verdict() {
        Verdict::Weak(score) | Verdict::Strong(score) => score,
        _ => 0,
    };
    // Nothing is said of a password not yet typed.
    let typed = move || form.draft.password.with(|p| !p.is_empty());
    let words = move || {
        if !typed() {
            return String::new();
        }
        let verdict = verdict();
        let shown = form.scorer.with(|s| verdict.shown(s.answer.as_ref()));
        let message = match shown {
            Verdict::TooShort => Message::new("strength.too_short").number("min", MIN_LENGTH),
            Verdict::Checking => Message::new("strength.checking"),
            Verdict::Unavailable => Message::new("strength.unavailable"),
            Verdict::Weak(_) => Message::new("strength.weak"),
            Verdict::Strong(_) => Message::new("strength.strong"),
        };
        texts.render(&message)
    };
    // Advice only about what is in the field now, and only while it is too weak.
    let advice = move || {
        let weak = matches!(verdict(), Verdict::Weak(_));
        form.scorer.with(|s| {
            s.answer
                .iter()
                .filter(|_| weak)
                .flat_map(|a| a.warning.iter().chain(&a.suggestions))
                .filter_map(|code| feedback_key(code))
                .map(|key| texts.get(key))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    view! {
        <div class="strength" id="password-strength">
            <div class="strength-bar" data-steps=steps aria-hidden="true">
                <span></span>
                <span></span>
                <span></span>
                <span></span>
            </div>
            <p class="strength-words" aria-live="polite">
                <Show when=typed>
                    <span class="visually-hidden">{tr("strength.label")}": "</span>
                </Show>
                {words}
            </p>
            <p class="strength-advice">{advice}</p>
        </div>
    }
}
