use super::{say, tr, use_mode, use_texts, BulkMode, ModeSwitch, RegistrationForm};
use crate::config::{Config, ConfigError};
use crate::i18n::{self, Catalogue, CatalogueError, Lang, LanguageChoice, Texts};
use crate::portal::browser as portal_frame;
use crate::portal::protocol::{HostStates, Outgoing};
use crate::portal::Portal;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the app knows before its first render (read in the browser, or fixed for the first view
/// rendered at build time: see `start`).
#[derive(Clone, Debug)]
pub struct Start {
    /// `config.json`, checked.
    pub config: Result<Config, ConfigError>,
    /// The interface language's texts; `Err` when not even English could be loaded.
    pub catalogue: Result<Catalogue, CatalogueError>,
    /// Where the interface language came from, for the switcher and later choices.
    pub choice: LanguageChoice,
    /// The page runs inside another page's frame.
    pub framed: bool,
    /// The address asks for bulk creation (`#bulk`).
    pub many: bool,
    /// Rendered at build time as the first view: only what a person types first (username to
    /// phone numbers) and Create. The rest comes with the app, under them.
    pub first_view: bool,
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

/// The page: the language switcher, the heading and the form (or bulk creation), or a screen
/// naming what is wrong with `config.json`. Everything it needs is in `start`, so its first
/// render is whole: it takes over the first view in one go (see `start`).
#[component]
pub fn App(
    /// What the page learned before this render.
    start: Start,
) -> impl IntoView {
    let Start {
        config,
        catalogue,
        choice,
        framed,
        many,
        first_view,
    } = start;
    let catalogue = match catalogue {
        Ok(catalogue) => catalogue,
        Err(error) => {
            // The one text not in a catalogue: there is none to take it from.
            return view! {
                <main class="page">
                    <div class="config-error" role="alert">
                        <p>
                            "This page's texts could not be loaded (" {error.to_string()}
                            "). Reload the page; if it keeps happening, tell whoever hosts it."
                        </p>
                    </div>
                </main>
            }
            .into_any();
        }
    };
    let languages = Languages {
        choice: StoredValue::new(choice),
        wanted: RwSignal::new(catalogue.lang()),
        failed: RwSignal::new(false),
    };
    let texts = Texts::new(catalogue);
    provide_context(texts);
    let failed = config.is_err();
    // The page's lang and dir, and the title of the configuration error screen (the form
    // keeps its own), follow the interface language.
    Effect::new(move || {
        i18n::browser::set_page_language(texts.lang());
        if failed {
            document().set_title(&texts.get("page.title"));
        }
    });
    let main_ref = NodeRef::<html::Main>::new();
    let body = match config {
        Ok(config) => form(config, framed, many, first_view, languages, texts, main_ref),
        Err(error) => view! { <ConfigErrorScreen error /> }.into_any(),
    };
    view! {
        <main class="page" class:embedded=framed node_ref=main_ref>
            // Only in the first view, shown by its style if the page's start never came.
            {first_view.then(|| view! { <p class="first-view-late">{tr("start.late")}</p> })}
            <LanguageSwitcher languages />
            <h1 class:visually-hidden=framed>{tr("page.heading")}</h1>
            {body}
        </main>
    }
    .into_any()
}

/// The two modes and the form; inside a portal's frame, the conversation with the portal.
fn form(
    config: Config,
    framed: bool,
    many: bool,
    first_view: bool,
    languages: Languages,
    texts: Texts,
    main_ref: NodeRef<html::Main>,
) -> AnyView {
    if framed {
        let portal = Portal::new(config.parent_origins.clone());
        let host_states = HostStates {
            project: config.project != Default::default(),
            handover: config.handover.is_some(),
        };
        portal_frame::listen(
            config.parent_origins.clone(),
            host_states,
            move |configure| portal.configure(configure),
        );
        let origins = config.parent_origins.clone();
        Effect::new(move |_| {
            if let Some(main) = main_ref.get() {
                portal_frame::report_height(&main, origins.clone());
            }
        });
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
    let many = use_mode(many);
    view! {
        <ModeSwitch many />
        <div id="one-worker" hidden=move || many.get()>
            <RegistrationForm config first_view />
        </div>
        <BulkMode many />
    }
    .into_any()
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
                        selected=languages.wanted.get_untracked() == lang
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
                    // Nothing at all while all is well, so `:empty` hides it from the first view on.
                    {move || failed.get().then(|| texts.get("switcher.failed"))}
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
