use crate::mobile_worker::Field;
use leptos::html;
use leptos::prelude::*;

/// One problem in the summary: a link to its field, or plain text for answers that belong to
/// no field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<Field>,
    pub message: String,
    /// The element id to link to for problems outside the draft (the credentials).
    pub anchor: Option<&'static str>,
}

impl Problem {
    fn target(&self) -> Option<String> {
        self.field
            .map(Field::id)
            .or_else(|| self.anchor.map(String::from))
    }
}

/// GOV.UK's error summary: "There is a problem", focused when it appears, each entry a link
/// that moves focus to its field.
#[component]
pub fn ErrorSummary(
    #[prop(into)] problems: Signal<Vec<Problem>>,
    node_ref: NodeRef<html::Div>,
) -> impl IntoView {
    view! {
        <div
            class="error-summary"
            node_ref=node_ref
            tabindex="-1"
            aria-labelledby="error-summary-title"
            hidden=move || problems.with(Vec::is_empty)
        >
            <h2 id="error-summary-title">"There is a problem"</h2>
            <ul>
                <For
                    each=move || problems.get()
                    key=|p| (p.field, p.message.clone())
                    let(problem)
                >
                    <li>{match problem.target() {
                        Some(id) => {
                            view! {
                                <a
                                    href=format!("#{id}")
                                    on:click=move |ev| {
                                        // Focus, not just scroll, so the next keystroke edits it.
                                        ev.prevent_default();
                                        focus_element(&id);
                                    }
                                >
                                    {problem.message}
                                </a>
                            }.into_any()
                        }
                        None => view! { <span>{problem.message}</span> }.into_any(),
                    }}</li>
                </For>
            </ul>
        </div>
    }
}

/// Focuses the first of `ids` that is on the page.
pub fn focus_first(ids: &[String]) {
    if let Some(id) = ids
        .iter()
        .find(|id| document().get_element_by_id(id).is_some())
    {
        focus_element(id);
    }
}

pub fn focus_element(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The message for the control with element id `id`, if the summary lists one.
pub fn error_at(problems: Memo<Vec<Problem>>, id: String) -> Signal<Option<String>> {
    Signal::derive(move || {
        problems.with(|ps| {
            ps.iter()
                .find(|p| p.target().as_deref() == Some(id.as_str()))
                .map(|p| p.message.clone())
        })
    })
}

/// The message for `field`, if the summary lists one.
pub fn error_for(problems: Memo<Vec<Problem>>, field: Field) -> Signal<Option<String>> {
    error_at(problems, field.id())
}
