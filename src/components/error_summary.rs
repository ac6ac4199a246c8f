use super::{say, tr};
use crate::form::Problem;
use leptos::prelude::*;

/// GOV.UK's error summary: "There is a problem", focused when it appears, each entry a link
/// that moves focus to its field (or plain text for answers that belong to no field).
#[component]
pub fn ErrorSummary(
    /// Every problem, in page order.
    #[prop(into)]
    problems: Signal<Vec<Problem>>,
    /// Put before its own id, where another form shares the page.
    #[prop(default = "")]
    prefix: &'static str,
) -> impl IntoView {
    view! {
        <div
            class="error-summary"
            id=format!("{prefix}error-summary")
            tabindex="-1"
            aria-labelledby=format!("{prefix}error-summary-title")
            hidden=move || problems.with(Vec::is_empty)
        >
            <h2 id=format!("{prefix}error-summary-title")>{tr("summary.title")}</h2>
            <ul>
                // Drawn afresh when the problems change: a short list, so no keyed diffing.
                {move || {
                    problems
                        .get()
                        .into_iter()
                        .map(|problem| {
                            let text = say(problem.message);
                            let to_field = problem.target.map(|id| (format!("#{id}"), Some(id)));
                            let item = match to_field.or(problem.link.map(|url| (url, None))) {
                                Some((href, id)) => {
                                    let url = href.clone();
                                    // An entry leads to its field; one whose worker may exist, to HQ's
                                    // list, beside this page, so nothing typed here is lost.
                                    view! {
                                        <a
                                            href=href
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                match &id {
                                                    Some(id) => focus_element(id),
                                                    None => open_beside(&url),
                                                }
                                            }
                                        >
                                            {text}
                                        </a>
                                    }
                                        .into_any()
                                }
                                None => view! { <span>{text}</span> }.into_any(),
                            };
                            view! { <li>{item}</li> }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Opens `url` in a new tab, apart from this page (`noopener`).
fn open_beside(url: &str) {
    let _ = window().open_with_url_and_target_and_features(url, "_blank", "noopener");
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

/// Focus, not just scroll, so the next keystroke edits the field.
pub fn focus_element(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
