//! Writes the form's first view into a release build's `index.html`: the app's own components
//! rendered on the host in every interface language (see the app's `start` module), so the
//! form is on screen and typeable before the WebAssembly arrives.
//!
//! Usage: `mobile-worker-first-view <folder>`, the folder trunk stages the build in (it holds
//! `index.html` and `locales/`). Run by the release build's post-build step (`cargo xtask
//! post-build`, trunk's hook).

use mobile_worker_form::i18n::{Catalogue, Lang};
use mobile_worker_form::start::{first_view, into_page, FirstView};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: mobile-worker-first-view <folder with index.html and locales/>");
        return ExitCode::from(2);
    };
    match write(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("mobile-worker-first-view: {why}");
            ExitCode::FAILURE
        }
    }
}

fn write(dir: &Path) -> Result<(), String> {
    let views = Lang::ALL
        .into_iter()
        .map(|lang| view(dir, lang))
        .collect::<Result<Vec<_>, _>>()?;
    let index = dir.join("index.html");
    let shown = |e: std::io::Error| format!("{}: {e}", index.display());
    let page = std::fs::read_to_string(&index).map_err(shown)?;
    let page = into_page(&page, &views).map_err(|e| format!("{}: {e}", index.display()))?;
    std::fs::write(&index, page).map_err(shown)
}

fn view(dir: &Path, lang: Lang) -> Result<FirstView, String> {
    let path = dir.join("locales").join(format!("{}.json", lang.code()));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let catalogue =
        Catalogue::parse(lang, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(first_view(catalogue))
}
