use super::{say, tr, use_texts, RegistrationForm};
use crate::config::{self, Config, ConfigError};
use crate::embed::{self, Outgoing};
use crate::i18n::{self, Catalogue, CatalogueError, Lang, LanguageChoice, Texts};
use crate::portal::Portal;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug)]
enum Start {
    Loading,
    Ready(Config),
    Failed(ConfigError),
    /// Not even English could be loaded: the page has no words to speak.
    Speechless(CatalogueError),
}

/// Where the interface language can come from, as the switcher and the portal see it.
#[derive(Clone, Copy)]
struct Languages(StoredValue<LanguageChoice>);

/// Loads `config.json` and the interface language's texts, then shows the form, or a screen
/// naming what is wrong with the file.
#[component]
pub fn App() -> impl IntoView {
    let start = RwSignal::new(Start::Loading);
    let texts = Texts::new(Catalogue::empty(Lang::En));
    provide_context(texts);
    let languages = Languages(StoredValue::new(LanguageChoice::default()));
    let framed = embed::browser::is_framed();
    let main_ref = NodeRef::<html::Main>::new();
    spawn_local(async move {
        let config = config::load().await;
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
        languages.0.set_value(choice);
        let catalogue = match i18n::browser::load(lang).await {
            Ok(catalogue) => Ok(catalogue),
            Err(_) if lang != Lang::En => i18n::browser::load(Lang::En).await,
            Err(error) => Err(error),
        };
        start.set(match (catalogue, config) {
            (Err(error), _) => Start::Speechless(error),
            (Ok(catalogue), config) => {
                texts.set(catalogue);
                match config {
                    Ok(config) => Start::Ready(config),
                    Err(error) => Start::Failed(error),
                }
            }
        });
    });
    // The page's lang and dir, and its title until the form takes it over, follow the
    // interface language.
    Effect::new(move || {
        i18n::browser::set_page_language(texts.lang());
        if !start.with(|s| matches!(s, Start::Ready(_))) {
            document().set_title(&texts.get("page.title"));
        }
    });

    let form = move |config: Config| {
        if framed {
            let portal = Portal::new(config.parent_origins.clone());
            embed::browser::listen(config.parent_origins.clone(), move |configure| {
                portal.configure(configure)
            });
            if let Some(main) = main_ref.get_untracked() {
                embed::browser::report_height(&main, config.parent_origins.clone());
            }
            provide_context(portal);
            // The portal's language, when it names one the page may speak.
            Effect::new(move |_| {
                if let Some(lang) = portal.ui_language.get() {
                    languages.0.update_value(|c| c.portal = Some(lang));
                    let chosen = languages.0.with_value(LanguageChoice::pick);
                    switch_language(texts, chosen, false, RwSignal::new(false));
                }
            });
            portal.post(Outgoing::Ready);
        }
        view! { <RegistrationForm config /> }
    };

    view! {
        <main class="page" class:embedded=framed node_ref=main_ref>
            {move || {
                matches!(start.get(), Start::Ready(_) | Start::Failed(_))
                    .then(|| view! { <LanguageSwitcher languages /> })
            }}
            <h1 class:visually-hidden=framed>{tr("page.heading")}</h1>
            {move || match start.get() {
                Start::Loading => {
                    view! { <p class="loading" role="status" aria-busy="true"></p> }.into_any()
                }
                Start::Ready(config) => form(config).into_any(),
                Start::Failed(error) => view! { <ConfigErrorScreen error /> }.into_any(),
                Start::Speechless(error) => {
                    // The one text not in a catalogue: there is none to take it from.
                    view! {
                        <div class="config-error" role="alert">
                            <p>
                                "This page's texts could not be loaded (" {error.to_string()}
                                "). Reload the page; if it keeps happening, tell whoever hosts it."
                            </p>
                        </div>
                    }
                        .into_any()
                }
            }}
        </main>
    }
}

/// Fetches `lang`'s texts and speaks it; remembers it for the next visit when the operator
/// chose it. `failed` turns on when the texts could not be fetched (the page keeps its
/// current language).
fn switch_language(texts: Texts, lang: Lang, remember: bool, failed: RwSignal<bool>) {
    if texts.lang() == lang {
        return;
    }
    spawn_local(async move {
        match i18n::browser::load(lang).await {
            Ok(catalogue) => {
                failed.set(false);
                texts.set(catalogue);
                if remember {
                    i18n::browser::remember(lang);
                }
            }
            Err(_) => failed.set(true),
        }
    });
}

/// A select of the interface languages on offer, each named in itself; absent when the host
/// fixed one. Everything typed stays: only the words change.
#[component]
fn LanguageSwitcher(
    /// The languages on offer.
    languages: Languages,
) -> impl IntoView {
    let texts = use_texts();
    let offer = languages.0.with_value(LanguageChoice::offer);
    let failed = RwSignal::new(false);
    (offer.len() > 1).then(|| {
        let options = offer
            .into_iter()
            .map(|lang| {
                view! {
                    <option
                        value=lang.code()
                        lang=lang.code()
                        prop:selected=move || texts.lang() == lang
                    >
                        {lang.autonym()}
                    </option>
                }
            })
            .collect_view();
        view! {
            <div class="language-switcher">
                <label for="ui-language">{tr("switcher.label")}</label>
                <select
                    id="ui-language"
                    on:change=move |ev| {
                        if let Some(lang) = Lang::from_code(&event_target_value(&ev)) {
                            switch_language(texts, lang, true, failed);
                        }
                    }
                >
                    {options}
                </select>
                <p class="switcher-status" role="status">
                    {Signal::derive(move || {
                        if failed.get() { texts.get("switcher.failed") } else { String::new() }
                    })}
                </p>
            </div>
        }
    })
}

/// What is wrong with `config.json`, for whoever hosts the page.
#[component]
fn ConfigErrorScreen(
    /// Why the file could not be used.
    error: ConfigError,
) -> impl IntoView {
    let reason = error.message();
    view! {
        <div class="config-error" role="alert">
            <h2>{tr("config_error.title")}</h2>
            <p class="config-error-reason">{say(reason)}</p>
            <p>{tr("config_error.fix")}</p>
        </div>
    }
}
