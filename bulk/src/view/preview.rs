//! What the chosen file holds, before anything is sent: what was read, the rows with
//! problems (which stop the run unless skipped), and the rows worth a look that can still go.

use super::Checkbox;
use crate::run::{held_back, Counts, Phase};
use crate::state::{BulkState, SKIP_ID};
use leptos::prelude::*;
use mobile_worker_form::components::{tr, use_texts};
use mobile_worker_form::i18n::Message;

/// What was read from the chosen file: its name, the sheet, the rows, and the columns set
/// aside.
#[component]
fn FileRead(
    /// The state it shows.
    state: BulkState,
) -> impl IntoView {
    let texts = use_texts();
    let file_read = move || {
        state.file.with(|file| {
            let file = file.as_ref()?;
            let sheet = file.sheet.as_ref().ok()?;
            let read = match &sheet.sheet_name {
                Some(name) => Message::new("bulk.file_read_sheet").text("sheet", name.as_str()),
                None => Message::new("bulk.file_read"),
            };
            let read = read
                .count(sheet.rows.len())
                .text("file", file.name.as_str());
            let ignored = (!sheet.ignored.is_empty()).then(|| {
                Message::new("bulk.ignored_columns")
                    .count(sheet.ignored.len())
                    .text("columns", crate::sheet::quoted(&sheet.ignored))
            });
            Some((texts.render(&read), ignored.map(|m| texts.render(&m))))
        })
    };
    move || {
        file_read().map(|(read, ignored)| {
            view! {
                <p id="bulk-file-read">{read}</p>
                {ignored.map(|text| view! { <p id="bulk-ignored">{text}</p> })}
            }
        })
    }
}

/// "12 rows: 10 to send, 2 with problems."
fn summary(texts: &mobile_worker_form::i18n::Texts, c: Counts) -> String {
    texts.render(
        &Message::new("bulk.summary")
            .count(c.rows)
            .message("ready", Message::new("bulk.summary_ready").count(c.waiting))
            .message(
                "problems",
                Message::new("bulk.summary_problems").count(c.problems),
            ),
    )
}

/// What the file holds: how many rows can be sent, the lists being loaded, and each row with
/// problems.
#[component]
pub(super) fn Preview(
    /// The state it shows.
    state: BulkState,
    /// Where the rows stand.
    counts: Memo<Counts>,
) -> impl IntoView {
    let texts = use_texts();
    let summary = move || summary(&texts, counts.get());
    let earlier = move || {
        let c = counts.get();
        (c.done() > 0 && state.phase.get() == Phase::Preparing)
            .then(|| texts.render(&Message::new("bulk.earlier").count(c.done())))
    };
    let rows_with_problems = move || {
        let statuses = state.statuses.get();
        state.checked.with(|rows| {
            rows.iter()
                .zip(&statuses)
                .filter(|(r, status)| held_back(r, status))
                .map(|(r, _)| {
                    let problems: Vec<String> =
                        r.problems.iter().map(|m| texts.render(m)).collect();
                    (r.number, r.username.clone(), problems)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="bulk-preview">
            <FileRead state />
            <p role="status" id="bulk-summary">
                {move || {
                    if state.lists_loading() {
                        texts.get("bulk.checking")
                    } else if state.scoring.get() > 0 {
                        texts.get("bulk.checking_passwords")
                    } else {
                        summary()
                    }
                }}
            </p>
            {move || earlier().map(|text| view! { <p id="bulk-earlier">{text}</p> })}
            <Show when=move || state.elsewhere.get()>
                <p id="bulk-elsewhere">
                    {tr("bulk.record_elsewhere")} " "
                    <MobileWorkersLink href=state.mobile_workers_url() />
                </p>
            </Show>
            <Show when=move || { counts.get().problems > 0 }>
                <RowsTable
                    id="rows-with-problems"
                    caption="bulk.problems_caption"
                    said="bulk.column_problems"
                    rows=Signal::derive(rows_with_problems)
                />
                <Checkbox
                    id=SKIP_ID
                    label=Signal::derive(move || {
                        texts.render(&Message::new("bulk.skip").count(counts.get().problems))
                    })
                    hint=None
                    checked=state.skip
                    disabled=Signal::derive(move || {
                        matches!(state.phase.get(), Phase::Running | Phase::Paused)
                    })
                />
            </Show>
            <RowsToCheck state />
        </div>
    }
}

/// The rows worth a look that can still be sent: numbers without their country code, or
/// given it.
#[component]
fn RowsToCheck(
    /// The state it shows.
    state: BulkState,
) -> impl IntoView {
    let texts = use_texts();
    let rows = move || {
        state.checked.with(|rows| {
            rows.iter()
                .filter(|r| !r.warnings.is_empty())
                .map(|r| {
                    let said: Vec<String> = r.warnings.iter().map(|m| texts.render(m)).collect();
                    (r.number, r.username.clone(), said)
                })
                .collect::<Vec<_>>()
        })
    };
    let rows = Signal::derive(rows);
    move || {
        rows.with(|r| !r.is_empty()).then(|| {
            view! {
                <RowsTable
                    id="rows-to-check"
                    caption="bulk.warnings_caption"
                    said="bulk.column_warnings"
                    rows
                />
            }
        })
    }
}

/// A table of rows, each with its number, its username and what is said of it.
#[component]
fn RowsTable(
    /// The table's element id.
    id: &'static str,
    /// The catalogue key of its caption.
    caption: &'static str,
    /// The catalogue key of the third column's heading.
    said: &'static str,
    /// Each row's number, username and what is said of it.
    rows: Signal<Vec<(usize, String, Vec<String>)>>,
) -> impl IntoView {
    view! {
        <table class="bulk-rows" id=id>
            <caption>{tr(caption)}</caption>
            <thead>
                <tr>
                    <th scope="col">{tr("bulk.column_row")}</th>
                    <th scope="col">{tr("bulk.column_username")}</th>
                    <th scope="col">{tr(said)}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    rows.get()
                        .into_iter()
                        .map(|(number, username, said)| {
                            view! {
                                <tr>
                                    <th scope="row">{number}</th>
                                    <td dir="ltr">{username}</td>
                                    <td>
                                        <ul>
                                            {said
                                                .into_iter()
                                                .map(|s| view! { <li>{s}</li> })
                                                .collect_view()}
                                        </ul>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

/// HQ's Mobile Workers list, the record of truth where a worker may have been created. It
/// opens beside this page, so the run and the file stay as they are.
#[component]
pub(super) fn MobileWorkersLink(
    /// Where it goes: `Config::mobile_workers_url`.
    href: String,
) -> impl IntoView {
    view! {
        <a class="hq-link" href=href target="_blank" rel="noopener noreferrer">
            {tr("bulk.mobile_workers_link")}
        </a>
    }
}
