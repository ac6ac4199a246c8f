use super::{optional, tr, use_texts};
use crate::form::Control;
use crate::i18n::Message;
use crate::worker::{Field, COMMON_LANGUAGES};
use leptos::prelude::*;

const OTHER: &str = "other";

fn listed(code: &str) -> bool {
    code.is_empty() || COMMON_LANGUAGES.iter().any(|(c, _)| *c == code)
}

/// A select of common CommCare language codes, with free entry of any other code.
#[component]
pub fn LanguageField(
    /// The code chosen or typed.
    code: RwSignal<String>,
    /// The message for a typed code, if any (listed codes are valid).
    #[prop(into)]
    error: Signal<Option<Message>>,
) -> impl IntoView {
    let texts = use_texts();
    // "Other code…" shows the free-entry box; so does any unlisted code, whether restored from
    // a draft or handed over by a portal.
    let other_chosen = RwSignal::new(false);
    let other = Memo::new(move |_| other_chosen.get() || code.with(|c| !listed(c)));
    let is_selected = move |value: &'static str| {
        move || {
            if other.get() {
                value == OTHER
            } else {
                code.with(|c| c == value)
            }
        }
    };
    view! {
        <div class="field">
            <label for="language-choice">{optional(tr("app_language.label"))}</label>
            <p class="hint" id="language-hint">
                {tr("app_language.hint")}
            </p>
            <select
                id="language-choice"
                aria-describedby="language-hint"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let choosing_other = value == OTHER;
                    other_chosen.set(choosing_other);
                    code.set(if choosing_other { String::new() } else { value });
                }
            >
                // `selected` on each option: a select's own value set before its options
                // exist would be lost.
                <option value="" prop:selected=is_selected("")>
                    {tr("app_language.project_default")}
                </option>
                {COMMON_LANGUAGES
                    .iter()
                    .map(|(code, key)| {
                        view! {
                            <option value=*code prop:selected=is_selected(code)>
                                {Signal::derive(move || format!("{} ({code})", texts.get(key)))}
                            </option>
                        }
                    })
                    .collect_view()}
                <option value=OTHER prop:selected=is_selected(OTHER)>
                    {tr("app_language.other")}
                </option>
            </select>
        </div>
        <Show when=move || other.get()>
            <super::TextField
                id=Field::Language.id()
                ltr=true
                label=tr("app_language.code")
                hint=Some(tr("app_language.code_hint"))
                value=code
                on_input=move |v| code.set(v)
                error=error
                autocomplete="off"
            />
        </Show>
    }
}
