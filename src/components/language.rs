use super::error_summary::{error_for, Problem};
use crate::mobile_worker::{Draft, Field, COMMON_LANGUAGES};
use leptos::prelude::*;

const OTHER: &str = "other";

/// A select of common CommCare language codes, with free entry of any other code.
#[component]
pub fn LanguageField(draft: RwSignal<Draft>, problems: Memo<Vec<Problem>>) -> impl IntoView {
    let listed = |code: &str| code.is_empty() || COMMON_LANGUAGES.iter().any(|(c, _)| *c == code);
    // Restored drafts may hold an unlisted code: open the free-entry box for it.
    let other = RwSignal::new(draft.with_untracked(|d| !listed(&d.language)));
    // Listed codes are valid, so an error can only belong to the free-entry box.
    let error = error_for(problems, Field::Language);
    let selected = move || {
        if other.get() {
            OTHER.to_string()
        } else {
            draft.with(|d| d.language.clone())
        }
    };
    view! {
        <div class="field">
            <label for="language-choice">"Language (optional)"</label>
            <p class="hint" id="language-hint">"The language CommCare shows this mobile worker."</p>
            <select
                id="language-choice"
                aria-describedby="language-hint"
                prop:value=selected
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if value == OTHER {
                        other.set(true);
                    } else {
                        other.set(false);
                        draft.update(|d| d.language = value);
                    }
                }
            >
                <option value="">"Project default"</option>
                {COMMON_LANGUAGES
                    .iter()
                    .map(|(code, name)| view! { <option value=*code>{format!("{name} ({code})")}</option> })
                    .collect_view()}
                <option value=OTHER>"Other code…"</option>
            </select>
        </div>
        <Show when=move || other.get()>
            <super::TextField
                id=Field::Language.id()
                label="Language code"
                hint=Signal::derive(|| "As in your CommCare app, for example lug or kin.".to_string())
                value=Signal::derive(move || draft.with(|d| d.language.clone()))
                on_input=move |v| draft.update(|d| d.language = v)
                error=error
                autocomplete="off"
            />
        </Show>
    }
}
