use super::{say, tr, use_mode, use_texts, BulkMode, ModeSwitch, RegistrationForm};
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

/// The interface language as the switcher and the portal change it: where a choice can come
/// from, the language last asked for (a later choice overtakes a slower earlier one), and
/// whether the last one could not be loaded.
#[derive(Clone, Copy)]
struct Languages {
    choice: StoredValue<LanguageChoice>,
    wanted: RwSignal<Lang>,
    failed: RwSignal<bool>,
}

impl Languages {
    /// Speaks `lang` once its texts have arrived, unless another language was asked for
    /// meanwhile; an operator's choice is remembered for the next visit. When the texts
    /// cannot be fetched, the page stays as it is and says so.
    fn switch(self, texts: Texts, lang: Lang, by_operator: bool) {
        self.wanted.set(lang);
        if by_operator {
            self.choice.update_value(|c| c.remembered = Some(lang));
        }
        if texts.lang() == lang {
            self.failed.set(false);
            return;
        }
        spawn_local(async move {
            let loaded = i18n::browser::load(lang).await;
            if self.wanted.get_untracked() != lang {
                return;
            }
            match loaded {
                Ok(catalogue) => {
                    self.failed.set(false);
                    texts.set(catalogue);
                    if by_operator {
                        i18n::browser::remember(lang);
                    }
                }
                Err(_) => {
                    self.failed.set(true);
                    self.wanted.set(texts.lang());
                }
            }
        });
    }
}

/// Loads `config.json` and the interface language's texts, then shows the form, or a screen
/// naming what is wrong with the file.
#[component]
pub fn App() -> impl IntoView {
    let start = RwSignal::new(Start::Loading);
    let texts = Texts::new(Catalogue::empty(Lang::En));
    provide_context(texts);
    let languages = Languages {
        choice: StoredValue::new(LanguageChoice::default()),
        wanted: RwSignal::new(Lang::En),
        failed: RwSignal::new(false),
    };
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
        languages.choice.set_value(choice);
        let catalogue = match i18n::browser::load(lang).await {
            Ok(catalogue) => Ok(catalogue),
            Err(_) if lang != Lang::En => i18n::browser::load(Lang::En).await,
            Err(error) => Err(error),
        };
        start.set(match (catalogue, config) {
            (Err(error), _) => Start::Speechless(error),
            (Ok(catalogue), config) => {
                languages.wanted.set(catalogue.lang());
                texts.set(catalogue);
                match config {
                    Ok(config) => Start::Ready(config),
                    Err(error) => Start::Failed(error),
                }
            }
        });
    });
    // The page's lang and dir, and the title of the configuration error screen (the form
    // keeps its own), follow the interface language.
    Effect::new(move || {
        i18n::browser::set_page_language(texts.lang());
        if start.with(|s| matches!(s, Start::Failed(_))) {
            document().set_title(&texts.get("page.title"));
        }
    });

    let form = move |config: Config| {
        if framed {
            let portal = Portal::new(config.parent_origins.clone());
            let host_states_project = config.project != Default::default();
            embed::browser::listen(
                config.parent_origins.clone(),
                host_states_project,
                move |configure| portal.configure(configure),
            );
            if let Some(main) = main_ref.get_untracked() {
                embed::browser::report_height(&main, config.parent_origins.clone());
            }
            provide_context(portal);
            // The portal's language, when it names one the page may speak.
            Effect::new(move |_| {
                if let Some(lang) = portal.ui_language.get() {
                    languages.choice.update_value(|c| c.portal = Some(lang));
                    let chosen = languages.choice.with_value(LanguageChoice::pick);
                    languages.switch(texts, chosen, false);
                }
            });
            portal.post(Outgoing::Ready);
        }
        let many = use_mode();
        view! {
            <ModeSwitch many />
            <div hidden=move || many.get()>
                <RegistrationForm config />
            </div>
            <BulkMode many />
        }
    };

    view! {
        <main class="page" class:embedded=framed node_ref=main_ref>
            {move || match start.get() {
                Start::Loading => {
                    // No words yet: the page's language is still being found.
                    view! { <p class="loading" role="status" aria-busy="true"></p> }
                        .into_any()
                }
                Start::Ready(config) => {
                    view! {
                        <LanguageSwitcher languages />
                        <h1 class:visually-hidden=framed>{tr("page.heading")}</h1>
                        {form(config)}
                    }
                        .into_any()
                }
                Start::Failed(error) => {
                    view! {
                        <LanguageSwitcher languages />
                        <h1 class:visually-hidden=framed>{tr("page.heading")}</h1>
                        <ConfigErrorScreen error />
                    }
                        .into_any()
                }
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

/// A select of the interface languages on offer, each named in itself; absent when the host
/// fixed one. Everything typed stays: only the words change.
#[component]
fn LanguageSwitcher(
    /// The languages on offer.
    languages: Languages,
) -> impl IntoView {
    let texts = use_texts();
    let offer = languages.choice.with_value(LanguageChoice::offer);
    let failed = languages.failed;
    (offer.len() > 1).then(|| {
        let options = offer
            .into_iter()
            .map(|lang| {
                view! {
                    <option
                        value=lang.code()
                        lang=lang.code()
                        prop:selected=move || languages.wanted.get() == lang
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
                            languages.switch(texts, lang, true);
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
