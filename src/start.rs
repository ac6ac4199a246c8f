//! How the page starts. A person on a slow connection should be typing long before the
//! WebAssembly has arrived, so the start comes in three steps:
//!
//! 1. **The first view**, rendered when the page is built: [`first_view`] renders the app's own
//!    components on the host, once per interface language, and [`into_page`] writes them into
//!    `index.html` (the English one in place, the others as text to parse when chosen). Nothing is drawn by
//!    hand, so the first view cannot drift from the form.
//! 2. **Before the app runs**, `start.js` (loaded from `<head>`, no inline script) picks
//!    the language as [`LanguageChoice::pick`] does, shows that language's view, and keeps
//!    a press of Create for later. The form's `method="dialog"` means no press can ever submit
//!    it natively (no reload, no password in a URL).
//! 3. **The take-over**: [`Start::load`] reads what the app needs before its first render
//!    (`config.json`, the language's texts), so that render is whole. The app
//!    is then mounted apart and put in the first view's place in one task, with what was typed,
//!    the focus, the caret and the scroll carried over and a Create pressed early honoured
//!    (`start.js`'s `mobileWorkerFormTakeOver`).

pub use crate::components::Start;
use crate::config::{AuthMode, Config};
use crate::i18n::{self, Catalogue, Lang, LanguageChoice};

/// The project space the first view names in the login preview. `start.js` puts
/// `config.json`'s in its place before the view is shown; a real project space never has
/// braces in it.
pub const FIRST_VIEW_DOMAIN: &str = "{domain}";

impl Start {
    /// The start the first view is rendered from: the form as any `config.json` first shows
    /// it, before the parts that depend on one (the typed-key box, the project's policies, the
    /// role list) appear.
    pub fn first_view(catalogue: Catalogue) -> Self {
        Start {
            config: Ok(Config {
                base_url: String::new(),
                domain: FIRST_VIEW_DOMAIN.into(),
                api_version: "v0.5".into(),
                auth: AuthMode::Proxy,
                timeout_seconds: 30,
                parent_origins: Vec::new(),
                ui_language: None,
                ui_languages: Vec::new(),
                project: Default::default(),
                default_country_code: None,
                handover: None,
            }),
            catalogue: Ok(catalogue),
            choice: LanguageChoice::default(),
            framed: false,
            many: false,
            first_view: true,
        }
    }

    /// What the first render needs, read in the browser: `config.json` (asked for by
    /// `start.js` before the wasm arrived), the language it leads to and its texts (also
    /// asked for early), whether the page is framed.
    pub async fn load() -> Start {
        let config = crate::config::load().await;
        let choice = LanguageChoice {
            fixed: config.as_ref().ok().and_then(|c| c.ui_language),
            offered: config
                .as_ref()
                .map(|c| c.ui_languages.clone())
                .unwrap_or_default(),
            portal: None,
            remembered: i18n::browser::remembered(),
            browser: i18n::browser::preferred(),
        };
        let lang = choice.pick();
        let catalogue = match i18n::browser::load(lang).await {
            Ok(catalogue) => Ok(catalogue),
            Err(_) if lang != Lang::En => i18n::browser::load(Lang::En).await,
            Err(error) => Err(error),
        };
        Start {
            config,
            catalogue,
            choice,
            framed: crate::portal::browser::is_framed(),
            many: false,
            first_view: false,
        }
    }
}

/// Mounts the app apart, then puts it in the first view's place in the same task, so no frame
/// is drawn between and no keystroke lands in between: `start.js` carries over what the
/// person typed, the focus, the caret, the scroll, and a Create pressed early. Without that
/// script (a development build serves none of the views) the app simply takes the view's place.
pub fn take_over(mut start: Start) {
    use wasm_bindgen::JsCast;
    // The mode as the address says now: a mode link may have been followed meanwhile.
    start.many = crate::components::many_in_address();
    let document = leptos::prelude::document();
    let Ok(holder) = document.create_element("div") else {
        return;
    };
    let holder: web_sys::HtmlElement = holder.unchecked_into();
    leptos::mount::mount_to(holder.clone(), move || {
        leptos::view! { <crate::components::App start /> }
    })
    .forget();
    let Some(main) = holder.first_element_child() else {
        return;
    };
    if hand_over(&main).is_err() {
        match document.get_element_by_id("first-view") {
            Some(view) => {
                let _ = view.replace_with_with_node_1(&main);
            }
            None => {
                if let Some(body) = document.body() {
                    let _ = body.append_child(&main);
                }
            }
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `start.js`'s hand-over: puts `main` in the first view's place with what was done
    /// there.
    #[wasm_bindgen(js_namespace = window, js_name = mobileWorkerFormTakeOver, catch)]
    fn hand_over(main: &web_sys::Element) -> Result<(), wasm_bindgen::JsValue>;
}

/// One language's first view, as [`first_view`] renders it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstView {
    /// The language's code, its `lang`.
    pub lang: &'static str,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// The page's title in that language.
    pub title: String,
    /// The page's `<main>`, as the app first draws it.
    pub html: String,
}

/// Renders the app's first view in `catalogue`'s language, with the app's own components.
#[cfg(not(target_arch = "wasm32"))]
pub fn first_view(catalogue: Catalogue) -> FirstView {
    use leptos::prelude::*;

    /// No effect or task runs while the first view is rendered: they belong to the browser.
    struct Nowhere;
    impl any_spawner::CustomExecutor for Nowhere {
        fn spawn(&self, _: any_spawner::PinnedFuture<()>) {}
        fn spawn_local(&self, _: any_spawner::PinnedLocalFuture<()>) {}
        fn poll_local(&self) {}
    }
    // Only the first call sets it; every call wants the same.
    let _ = any_spawner::Executor::init_custom_executor(Nowhere);

    let lang = catalogue.lang();
    let title = catalogue.render(&crate::i18n::Message::new("page.title"));
    let owner = Owner::new();
    let html = owner.with(|| {
        // Read once, as a server reads: no reactive context is missing.
        let _quiet = leptos::reactive::diagnostics::SpecialNonReactiveZone::enter();
        let start = Start::first_view(catalogue);
        view! { <crate::components::App start /> }.to_html()
    });
    // Markers only a hydrating app would read; this one takes the view over whole.
    let html = html.replace("<!>", "").replace("<!--<() />-->", "");
    FirstView {
        lang: lang.code(),
        dir: lang.dir(),
        title,
        html,
    }
}

/// Why the first views could not be written into `index.html`.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IntoPageError {
    #[error("index.html has no </noscript> to put the first view after")]
    NoPlace,
    #[error("index.html already holds a first view")]
    AlreadyThere,
    #[error("no first view in English, the one shown without JavaScript")]
    NoEnglish,
    #[error(
        "the {0} first view holds \"</script\" or \"<!--\", which would break the block holding it"
    )]
    BreaksItsBlock(&'static str),
}

/// `index.html` with the first views in its `<body>`, after the `<noscript>` text: the English
/// one in place (what a browser without JavaScript shows, which cannot submit), the others as
/// text in `<script type="text/html">` blocks, which the browser does not parse until
/// `start.js` takes the chosen one (six parsed views would hold a slow phone up). Hidden until
/// `start.js` has chosen (`style/main.css`).
pub fn into_page(index: &str, views: &[FirstView]) -> Result<String, IntoPageError> {
    const MARK: &str = "</noscript>";
    if index.contains("id=\"first-view\"") {
        return Err(IntoPageError::AlreadyThere);
    }
    let at = index
        .to_ascii_lowercase()
        .find(MARK)
        .ok_or(IntoPageError::NoPlace)?
        + MARK.len();
    let english = views
        .iter()
        .find(|v| v.lang == "en")
        .ok_or(IntoPageError::NoEnglish)?;
    let mut block = String::from("<div id=\"first-view\" class=\"first-view\" data-lang=\"en\">");
    block.push_str(&english.html);
    for view in views.iter().filter(|v| v.lang != "en") {
        let lower = view.html.to_ascii_lowercase();
        if lower.contains("</script") || lower.contains("<!--") {
            return Err(IntoPageError::BreaksItsBlock(view.lang));
        }
        block.push_str(&format!(
            "<script type=\"text/html\" data-lang=\"{}\" data-dir=\"{}\" data-title=\"{}\">{}</script>",
            view.lang,
            view.dir,
            attribute(&view.title),
            view.html
        ));
    }
    block.push_str("</div>");
    Ok(format!("{}{block}{}", &index[..at], &index[at..]))
}

fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

// The first view is rendered on the host only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn catalogue(lang: Lang) -> Catalogue {
        let text = std::fs::read_to_string(format!(
            "{}/locales/{}.json",
            env!("CARGO_MANIFEST_DIR"),
            lang.code()
        ))
        .unwrap();
        Catalogue::parse(lang, &text).unwrap()
    }

    #[test]
    fn the_first_view_is_the_form_as_it_first_appears() {
        let view = first_view(catalogue(Lang::En));
        let html = &view.html;
        let order = [
            "id=\"ui-language\"",
            "<h1",
            "id=\"mode-one\"",
            "id=\"username\"",
            "id=\"password\"",
            "id=\"first-name\"",
            "id=\"last-name\"",
            "id=\"email\"",
            "Add phone number",
            "type=\"submit\"",
        ];
        let mut from = 0;
        for piece in order {
            let at = html[from..]
                .find(piece)
                .unwrap_or_else(|| panic!("{piece} missing or out of order in {html}"));
            from += at + piece.len();
        }
        assert!(html.starts_with("<main"), "{html}");
        assert!(html.contains("Their login will be name@{domain}.commcarehq.org"));
        assert!(
            html.contains("method=\"dialog\""),
            "no native submission: {html}"
        );
        assert_eq!(view.title, "Create a mobile worker – CommCare");
        // Nothing that depends on config.json: no typed-key box, no project fields.
        assert!(!html.contains("id=\"web-user-email\""), "{html}");
        assert!(!html.contains("project-fields"), "{html}");
    }

    #[test]
    fn each_language_is_rendered_in_its_own_words_and_direction() {
        let fr = first_view(catalogue(Lang::Fr));
        assert_eq!((fr.lang, fr.dir), ("fr", "ltr"));
        assert!(
            fr.html.contains("Nom d&#x27;utilisateur") || fr.html.contains("Nom d'utilisateur"),
            "{}",
            fr.html
        );
        let ar = first_view(catalogue(Lang::Ar));
        assert_eq!((ar.lang, ar.dir), ("ar", "rtl"));
        assert!(!ar.html.contains("Username"));
    }

    #[test]
    fn the_views_go_after_the_noscript_text_english_in_place() {
        let index =
            "<html><body><noscript>Needs JS</noscript><script src=x></script></body></html>";
        let view = |lang, title: &str| FirstView {
            lang,
            dir: "ltr",
            title: title.into(),
            html: format!("<main>{lang}</main>"),
        };
        let page = into_page(index, &[view("en", "T"), view("fr", "Un \"titre\" & <b>")]).unwrap();
        assert_eq!(
            page,
            "<html><body><noscript>Needs JS</noscript><div id=\"first-view\" class=\"first-view\" \
             data-lang=\"en\"><main>en</main><script type=\"text/html\" data-lang=\"fr\" \
             data-dir=\"ltr\" data-title=\"Un &quot;titre&quot; &amp; &lt;b>\"><main>fr</main>\
             </script></div><script src=x></script></body></html>"
        );
        assert_eq!(
            into_page(&page, &[view("en", "T")]),
            Err(IntoPageError::AlreadyThere)
        );
        assert_eq!(
            into_page("<body></body>", &[view("en", "T")]),
            Err(IntoPageError::NoPlace)
        );
        assert_eq!(
            into_page(index, &[view("fr", "T")]),
            Err(IntoPageError::NoEnglish)
        );
        for breaking in [
            "<main><p>a </SCRIPT> b</p></main>",
            "<main title=\"<!--\"></main>",
        ] {
            let mut fr = view("fr", "T");
            fr.html = breaking.into();
            assert_eq!(
                into_page(index, &[view("en", "T"), fr]),
                Err(IntoPageError::BreaksItsBlock("fr"))
            );
        }
    }
}
