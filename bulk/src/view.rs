//! Bulk mode's page: the file and its options, the rows with problems, the run's progress and
//! its controls, and the results file. Components only wire [`BulkState`] to markup.

use crate::run::{Counts, Phase};
use crate::sheet::{self, SheetError, MAX_BYTES};
use crate::state::{BulkState, FILE_ID, KEY_IDS};
use crate::workbook::{self, XLSX_TYPE};
use leptos::prelude::*;
use mobile_worker_form::components::{
    described_by, focus_element, open_slips, tr, use_texts, CredentialFields, ErrorSummary,
    FieldShell,
};
use mobile_worker_form::form::Problem;
use mobile_worker_form::i18n::Message;
use mobile_worker_form::worker::slip::sheet_json;
use wasm_bindgen::JsCast;

mod preview;
use preview::{MobileWorkersLink, Preview};

/// Before the ids of bulk mode's own summary: the one-worker form, hidden, shares the page.
const PREFIX: &str = "bulk-";

/// Bulk mode, whole.
#[component]
pub fn BulkPage(
    /// The state it shows.
    state: BulkState,
) -> impl IntoView {
    let texts = use_texts();
    let problems = Memo::new(move |_| state.problems());
    let counts = Memo::new(move |_| state.counts());
    let file_read = move || state.file.with(|f| matches!(f, Some(f) if f.sheet.is_ok()));
    let running = move || matches!(state.phase.get(), Phase::Running | Phase::Paused);
    let started = move || state.phase.get() != Phase::Preparing;
    let file_error = Signal::derive(move || state.file_error());

    let on_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        state.start();
        if !state.problems().is_empty() {
            // Once the summary is drawn.
            request_animation_frame(|| focus_element(&format!("{PREFIX}error-summary")));
        }
    };

    view! {
        <section class="bulk" aria-labelledby="bulk-title">
            <h2 id="bulk-title">{tr("bulk.title")}</h2>
            <ErrorSummary problems=Signal::derive(move || problems.get()) prefix=PREFIX />
            <p>{tr("bulk.intro")}</p>
            <Templates state />
            <form novalidate on:submit=on_start>
                {move || state.needs_typed_key().then(|| typed_key(state, problems))}
                <FileField state error=file_error />
                <Checkbox
                    id="bulk-generate-passwords"
                    label=tr("bulk.generate")
                    hint=Some(tr("bulk.generate_hint"))
                    checked=state.generate
                    disabled=Signal::derive(running)
                />
                {move || {
                    state
                        .country_code()
                        .map(|code| {
                            let label = Signal::derive(move || {
                                texts
                                    .render(
                                        &Message::new("bulk.add_country_code")
                                            .text("code", code.as_str()),
                                    )
                            });
                            view! {
                                <Checkbox
                                    id="bulk-add-country-code"
                                    label
                                    hint=None
                                    checked=state.add_country_code
                                    disabled=Signal::derive(running)
                                />
                            }
                        })
                }}
                <Show when=file_read>
                    <Preview state counts />
                </Show>
                <Show when=move || {
                    let done = state.phase.get() == Phase::Finished && counts.get().waiting == 0;
                    !(running() || done)
                }>
                    <button type="submit" class="primary" id="start-run">
                        {move || {
                            if started() {
                                texts.get("bulk.carry_on")
                            } else {
                                texts.get("bulk.start")
                            }
                        }}
                    </button>
                </Show>
            </form>
            <Show when=started>
                <Progress state counts />
            </Show>
            <Downloads state counts />
        </section>
    }
}

/// The operator's web user email and API key (`api_key` mode with no portal credential).
fn typed_key(state: BulkState, problems: Memo<Vec<Problem>>) -> impl IntoView {
    let error = move |id: &'static str| {
        Signal::derive(move || {
            problems.with(|ps| ps.iter().find(|p| p.is_at(id)).map(|p| p.message.clone()))
        })
    };
    view! {
        <CredentialFields
            ids=KEY_IDS
            typed=state.typed
            email_error=error(KEY_IDS.email)
            key_error=error(KEY_IDS.key)
        />
    }
}

/// The file input: read as soon as a file is chosen.
#[component]
fn FileField(
    /// Where the file goes.
    state: BulkState,
    /// The problem with the file, if any.
    error: Signal<Option<Message>>,
) -> impl IntoView {
    let id = FILE_ID.to_string();
    let reading = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Emptied, so choosing the same file again (fixed, or after a reload) is heard.
        input.set_value("");
        leptos::task::spawn_local(async move {
            let name = file.name();
            // A file far too big is not read into memory at all.
            if file.size() > MAX_BYTES as f64 {
                chosen(state, name, Err(SheetError::TooBig));
                return;
            }
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => Vec::new(),
            };
            let sheet = if workbook::is_workbook(&name, &file.type_()) {
                reading.set(true);
                let sheet = workbook::read(&bytes).await;
                reading.set(false);
                sheet
            } else {
                sheet::read(&bytes)
            };
            chosen(state, name, sheet);
        });
    };
    view! {
        <FieldShell id=id.clone() label=tr("bulk.file") hint=Some(tr("bulk.file_hint")) error>
            <input
                type="file"
                id=id.clone()
                accept=format!(".csv,text/csv,.xlsx,{XLSX_TYPE}")
                aria-describedby=described_by(&id, true, error)
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                disabled=move || state.busy()
                on:change=on_change
            />
            <Show when=move || reading.get()>
                <p role="status" id="bulk-reading">
                    {tr("bulk.reading_workbook")}
                </p>
            </Show>
        </FieldShell>
    }
}

/// Hands a file, read, to the state; a file that cannot be used moves focus to the error
/// summary, which says why, as a submit would.
fn chosen(state: BulkState, name: String, sheet: Result<sheet::Sheet, SheetError>) {
    let refused = sheet.is_err();
    state.choose_read(name, sheet);
    if refused {
        request_animation_frame(|| focus_element(&format!("{PREFIX}error-summary")));
    }
}

/// The templates: the header of a file for this project, as CSV or as an Excel workbook.
#[component]
fn Templates(
    /// Whose project the header is for.
    state: BulkState,
) -> impl IntoView {
    let failed = RwSignal::new(None::<Message>);
    let as_workbook = move |_| {
        leptos::task::spawn_local(async move {
            match workbook::write("users", &[state.template_header()]).await {
                Ok(bytes) => {
                    failed.set(None);
                    download_bytes("mobile-workers.xlsx", &bytes, XLSX_TYPE);
                }
                Err(error) => failed.set(Some(error.message())),
            }
        });
    };
    let texts = use_texts();
    view! {
        <p>
            <button
                type="button"
                class="link-button"
                id="download-template"
                on:click=move |_| {
                    download(
                        "mobile-workers.csv",
                        &sheet::template_csv(&state.template_header()),
                        CSV_TYPE,
                    )
                }
            >
                {tr("bulk.template_csv")}
            </button>
        </p>
        <p>
            <button
                type="button"
                class="link-button"
                id="download-template-xlsx"
                on:click=as_workbook
            >
                {tr("bulk.template_xlsx")}
            </button>
        </p>
        {move || {
            failed
                .get()
                .map(|m| {
                    view! {
                        <p class="error-message" role="alert" id="template-error">
                            {texts.render(&m)}
                        </p>
                    }
                })
        }}
    }
}

/// The results file, once a row is created, and the rows to fix, once there are some: each
/// as the chosen file was written (CSV with its separator, or a workbook).
#[component]
fn Downloads(
    /// The state they come from.
    state: BulkState,
    /// Where the rows stand.
    counts: Memo<Counts>,
) -> impl IntoView {
    let save = move |name: &'static str, table: Vec<Vec<String>>| {
        let (separator, sheet_name) = state.file_kind();
        match sheet_name {
            None => download(
                &format!("{name}.csv"),
                &crate::results::csv_file(&table, separator),
                CSV_TYPE,
            ),
            Some(sheet_name) => leptos::task::spawn_local(async move {
                if let Ok(bytes) = workbook::write(&sheet_name, &table).await {
                    download_bytes(&format!("{name}.xlsx"), &bytes, XLSX_TYPE);
                }
            }),
        }
    };
    let any_done = move || counts.get().done() > 0;
    let created = move || counts.get().created;
    let any_created = move || created() > 0;
    let to_fix = move || {
        let c = counts.get();
        c.refused + c.problems > 0 && state.file.with(|f| f.is_some())
    };
    let slips_host = NodeRef::<leptos::html::Div>::new();
    let slips_failed = RwSignal::new(false);
    let print_slips = move |_| {
        let Some(host) = slips_host.get() else {
            return;
        };
        let slip_app = state.slip_app();
        let domain = state.config.with_value(|c| c.domain.clone());
        let sheet = sheet_json(
            state.texts.lang(),
            &domain,
            &state.slips(),
            slip_app.as_deref(),
        );
        slips_failed.set(false);
        leptos::task::spawn_local(async move {
            let back = || focus_element("print-slips");
            if !open_slips(host.into(), sheet, back).await {
                slips_failed.set(true);
            }
        });
    };
    view! {
        <Show when=any_done>
            <p>
                <button
                    type="button"
                    class="primary"
                    id="download-results"
                    on:click=move |_| save("mobile-workers-results", state.results())
                >
                    {tr("bulk.download_results")}
                </button>
            </p>
        </Show>
        <Show when=any_created>
            <p>
                <button type="button" class="secondary" id="print-slips" on:click=print_slips>
                    {move || state.texts.render(&Message::new("slips.print_many").count(created()))}
                </button>
            </p>
            {move || {
                slips_failed
                    .get()
                    .then(|| {
                        view! {
                            <p class="error-message" role="alert">
                                {state.texts.get("slips.failed")}
                            </p>
                        }
                    })
            }}
        </Show>
        <div class="slips-host" node_ref=slips_host></div>
        <Show when=to_fix>
            <p>
                <button
                    type="button"
                    class="secondary"
                    id="download-rows-to-fix"
                    on:click=move |_| save("mobile-workers-to-fix", state.rows_to_fix())
                >
                    {tr("bulk.download_to_fix")}
                </button>
            </p>
        </Show>
    }
}

/// A checkbox with its label and hint, GOV.UK style.
#[component]
pub(crate) fn Checkbox(
    /// The input's element id.
    id: &'static str,
    /// What the label says.
    label: Signal<String>,
    /// A line of help under it.
    hint: Option<Signal<String>>,
    /// Whether it is ticked.
    checked: RwSignal<bool>,
    /// Whether it cannot be changed now.
    #[prop(into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="checkbox">
            <input
                type="checkbox"
                id=id
                prop:checked=move || checked.get()
                disabled=move || disabled.get()
                aria-describedby=hint.is_some().then(|| hint_id.clone())
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
            {hint
                .map(|hint| {
                    view! {
                        <p class="hint" id=hint_id.clone()>
                            {hint}
                        </p>
                    }
                })}
        </div>
    }
}

/// The run: where it stands, its controls, and the rows that were refused or may have been
/// created.
#[component]
fn Progress(
    /// The state it shows.
    state: BulkState,
    /// Where the rows stand.
    counts: Memo<Counts>,
) -> impl IntoView {
    view! {
        <div class="bulk-progress">
            <RunStatus state counts />
            <RunControls state />
            <NotCreatedRows state />
            // HQ is the record of truth for every row that may have been created.
            <Show when=move || { counts.get().unsure > 0 }>
                <p id="bulk-hq-list">
                    <MobileWorkersLink href=state.mobile_workers_url() />
                </p>
            </Show>
        </div>
    }
}

/// A progress bar, the counts, the time left, what the run is doing (said once to a screen
/// reader, not every second), and a reminder to save generated passwords.
#[component]
fn RunStatus(
    /// The state it shows.
    state: BulkState,
    /// Where the rows stand.
    counts: Memo<Counts>,
) -> impl IntoView {
    let texts = use_texts();
    let say = move |m: Option<Message>| m.map(|m| texts.render(&m)).unwrap_or_default();
    let announced = Memo::new(move |_| say(state.announced()));
    view! {
        <label for="bulk-progress-bar">{tr("bulk.progress")}</label>
        <progress
            id="bulk-progress-bar"
            max=move || counts.get().to_send().max(1)
            value=move || counts.get().done()
        ></progress>
        <p id="bulk-counts">{move || texts.render(&counts.get().said())}</p>
        {move || {
            state.time_left().map(|left| view! { <p id="bulk-left">{texts.render(&left)}</p> })
        }}
        <p id="bulk-saying">{move || say(state.doing())}</p>
        <p class="visually-hidden" role="status">
            {announced}
        </p>
        <Show when=move || {
            state.phase.get() == Phase::Finished && state.unsaved_passwords.get()
        }>
            <p id="bulk-reminder">
                <strong>{tr("bulk.download_reminder")}</strong>
            </p>
        </Show>
    }
}

/// Pause, Resume and Stop, each moving focus to what comes next.
#[component]
fn RunControls(
    /// The state they act on.
    state: BulkState,
) -> impl IntoView {
    let then_focus = |id: &'static str| request_animation_frame(move || focus_element(id));
    view! {
        <div class="bulk-controls">
            <Show when=move || state.phase.get() == Phase::Running>
                <button
                    type="button"
                    class="secondary"
                    id="pause-run"
                    on:click=move |_| {
                        state.pause();
                        then_focus("resume-run");
                    }
                >
                    {tr("bulk.pause")}
                </button>
            </Show>
            <Show when=move || state.phase.get() == Phase::Paused>
                <button
                    type="button"
                    class="primary"
                    id="resume-run"
                    on:click=move |_| {
                        state.start();
                        then_focus("pause-run");
                    }
                >
                    {tr("bulk.resume")}
                </button>
            </Show>
            <Show when=move || matches!(state.phase.get(), Phase::Running | Phase::Paused)>
                <button
                    type="button"
                    class="secondary"
                    id="stop-run"
                    on:click=move |_| {
                        state.stop();
                        then_focus("start-run");
                    }
                >
                    {tr("bulk.stop")}
                </button>
            </Show>
        </div>
    }
}

/// The rows HQ refused or that may have been created, with why.
#[component]
fn NotCreatedRows(
    /// The state it shows.
    state: BulkState,
) -> impl IntoView {
    let texts = use_texts();
    let rows = Memo::new(move |_| state.not_created());
    view! {
        <Show when=move || rows.with(|r| !r.is_empty())>
            <table class="bulk-rows" id="rows-not-created">
                <caption>{tr("bulk.not_created_caption")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("bulk.column_row")}</th>
                        <th scope="col">{tr("bulk.column_username")}</th>
                        <th scope="col">{tr("bulk.column_outcome")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|row| {
                                let why = row.why.map(|m| texts.render(&m)).unwrap_or_default();
                                view! {
                                    <tr>
                                        <th scope="row">{row.number}</th>
                                        <td dir="ltr">{row.username}</td>
                                        <td>
                                            <strong>{texts.render(&row.outcome)}</strong>
                                            " "
                                            {why}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </Show>
    }
}

/// Hands `text` to the browser as a file to save.
const CSV_TYPE: &str = "text/csv;charset=utf-8";

/// Saves `text` as a file named `name`.
fn download(name: &str, text: &str, media_type: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    save(name, &parts, media_type);
}

/// Saves `bytes` as a file named `name`.
fn download_bytes(name: &str, bytes: &[u8], media_type: &str) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    save(name, &parts, media_type);
}

fn save(name: &str, parts: &js_sys::Array, media_type: &str) {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let Ok(blob) = web_sys::Blob::new_with_buffer_source_sequence_and_options(parts, &options)
    else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(link) = document().create_element("a") {
        let link: web_sys::HtmlAnchorElement = link.unchecked_into();
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // The browser reads the file after the click returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}
