//! The sheet of slips in the page: a preview with Print and Close, the slips eight to a page,
//! built as DOM nodes whose every text is set as text (`textContent`), never as markup. Its
//! styles (`slips.css`) and texts (`locales/slips/`) come with it, so the page's first download
//! carries none of them.

use crate::encode;
use js_sys::{Function, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlElement};

/// The slips as printed pages: eight to a sheet of A4 or US Letter, two across, four down.
const SLIPS_PER_PAGE: usize = 8;
const SVG: &str = "http://www.w3.org/2000/svg";
/// English, for when a language's texts cannot be fetched.
const ENGLISH: &str = include_str!("../../locales/slips/en.json");

fn field(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

fn put(parent: &Element, child: &Element) -> Result<(), JsValue> {
    parent.append_child(child).map(|_| ())
}

/// Makes the sheet's elements, each text set as text.
struct Builder {
    document: Document,
    texts: JsValue,
}

impl Builder {
    fn say(&self, key: &str) -> String {
        field(&self.texts, &format!("slips.{key}")).unwrap_or_default()
    }

    fn el(&self, tag: &str, class: &str, text: Option<&str>) -> Result<Element, JsValue> {
        let el = self.document.create_element(tag)?;
        if !class.is_empty() {
            el.set_class_name(class);
        }
        el.set_text_content(text);
        Ok(el)
    }

    /// Text that reads left to right whatever the page's direction (logins, addresses).
    fn ltr(&self, tag: &str, class: &str, text: Option<&str>) -> Result<Element, JsValue> {
        let el = self.el(tag, class, text)?;
        el.set_attribute("dir", "ltr")?;
        Ok(el)
    }

    /// The heading, the warning, and the Print and Close buttons (not printed).
    fn toolbar(&self) -> Result<(Element, [Element; 3]), JsValue> {
        let toolbar = self.el("div", "slip-toolbar", None)?;
        let title = self.el("h2", "", Some(&self.say("title")))?;
        title.set_id("slips-title");
        title.set_attribute("tabindex", "-1")?;
        let warning = self.el("p", "slip-warning", None)?;
        put(
            &warning,
            &self.el("strong", "", Some(&self.say("warning")))?,
        )?;
        let actions = self.el("p", "actions", None)?;
        let print = self.el("button", "print", Some(&self.say("print")))?;
        let close = self.el("button", "secondary close", Some(&self.say("close")))?;
        for button in [&print, &close] {
            button.set_attribute("type", "button")?;
            actions.append_child(button)?;
        }
        for part in [&title, &warning, &actions] {
            toolbar.append_child(part)?;
        }
        Ok((toolbar, [title, print, close]))
    }

    /// One worker's slip; `app` is the app's part, the same on every slip.
    fn slip(
        &self,
        slip: &JsValue,
        space: &str,
        app: Option<&Element>,
        note: Option<&str>,
    ) -> Result<Element, JsValue> {
        let card = self.el("article", "slip", None)?;
        let project = self.el(
            "p",
            "slip-project",
            Some(&format!("{} ", self.say("project"))),
        )?;
        put(&project, &self.ltr("span", "", Some(space))?)?;
        card.append_child(&project)?;
        put(
            &card,
            &self.el("p", "slip-name", field(slip, "name").as_deref())?,
        )?;
        let login = self.el("dl", "", None)?;
        let username = self.el("dd", "", None)?;
        let short = field(slip, "username");
        put(
            &username,
            &self.ltr("span", "slip-login slip-username", short.as_deref())?,
        )?;
        let full = field(slip, "full_username");
        put(&username, &self.ltr("small", "slip-full", full.as_deref())?)?;
        let password = self.el("dd", "", None)?;
        let written = match field(slip, "password") {
            Some(given) => self.ltr("span", "slip-login slip-password", Some(&given))?,
            None => self.el("span", "slip-write", Some(&self.say("write_password")))?,
        };
        put(&password, &written)?;
        for (label, value) in [("username", username), ("password", password)] {
            put(&login, &self.el("dt", "", Some(&self.say(label)))?)?;
            login.append_child(&value)?;
        }
        card.append_child(&login)?;
        if let Some(app) = app {
            card.append_child(&app.clone_node_with_deep(true)?)?;
        }
        let steps = if app.is_some() {
            "steps"
        } else {
            "steps_no_app"
        };
        put(&card, &self.el("p", "slip-steps", Some(&self.say(steps)))?)?;
        if let Some(note) = note {
            put(&card, &self.el("p", "slip-note", Some(note))?)?;
        }
        Ok(card)
    }
}

/// Shows the sheet in `host`. `sheet` is JSON text: `{lang, handover: {app_name, install_url,
/// note} | null, project_space, slips: [{name, username, full_username, password | null}]}`.
/// `on_close` is called once the sheet is closed and gone.
#[wasm_bindgen]
pub async fn show(host: Element, sheet: String, on_close: Function) -> Result<(), JsValue> {
    let sheet = JSON::parse(&sheet)?;
    let document = host.owner_document().ok_or("no document")?;
    styles(&document).await?;
    let texts = texts(&field(&sheet, "lang").unwrap_or_default()).await?;
    let build = Builder { document, texts };
    let section = build.el("section", "slip-sheet", None)?;
    section.set_attribute("aria-labelledby", "slips-title")?;
    let (toolbar, [title, print, close]) = build.toolbar()?;
    section.append_child(&toolbar)?;
    let handover = Reflect::get(&sheet, &"handover".into())?;
    let app = app(&build, &handover)?;
    let note = field(&handover, "note");
    let space = field(&sheet, "project_space").unwrap_or_default();
    let slips = js_sys::Array::from(&Reflect::get(&sheet, &"slips".into())?);
    for page in slips.to_vec().chunks(SLIPS_PER_PAGE) {
        let sheet_page = build.el("div", "slip-page", None)?;
        for slip in page {
            put(
                &sheet_page,
                &build.slip(slip, &space, app.as_ref(), note.as_deref())?,
            )?;
        }
        section.append_child(&sheet_page)?;
    }
    let on_print = Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    print.add_event_listener_with_callback("click", on_print.as_ref().unchecked_ref())?;
    on_print.forget();
    let closing = section.clone();
    let on_close = Closure::once_into_js(move || {
        closing.remove();
        let _ = on_close.call0(&JsValue::NULL);
    });
    close.add_event_listener_with_callback("click", on_close.unchecked_ref())?;
    host.append_child(&section)?;
    if let Ok(title) = title.dyn_into::<HtmlElement>() {
        let _ = title.focus();
    }
    Ok(())
}

/// The app's part of every slip: its QR code, its name and its address; `None` without one.
fn app(build: &Builder, handover: &JsValue) -> Result<Option<Element>, JsValue> {
    let (document, say) = (&build.document, |key: &str| build.say(key));
    let (Some(name), Some(url)) = (field(handover, "app_name"), field(handover, "install_url"))
    else {
        return Ok(None);
    };
    let part = document.create_element("div")?;
    part.set_class_name("slip-app");
    match encode(&url) {
        Some(drawing) => {
            let svg = document.create_element_ns(Some(SVG), "svg")?;
            let side = drawing.side.to_string();
            for (name, value) in [
                ("class", "slip-qr"),
                ("viewBox", &format!("0 0 {side} {side}")),
                ("role", "img"),
                ("aria-label", &say("qr_label").replace("{{app}}", &name)),
                ("shape-rendering", "crispEdges"),
            ] {
                svg.set_attribute(name, value)?;
            }
            let paper = document.create_element_ns(Some(SVG), "rect")?;
            for (name, value) in [("width", "100%"), ("height", "100%"), ("fill", "#fff")] {
                paper.set_attribute(name, value)?;
            }
            let modules = document.create_element_ns(Some(SVG), "path")?;
            modules.set_attribute("d", &drawing.path)?;
            modules.set_attribute("fill", "#000")?;
            svg.append_child(&paper)?;
            svg.append_child(&modules)?;
            part.append_child(&svg)?;
        }
        None => {
            let failed = document.create_element("p")?;
            failed.set_class_name("slip-qr slip-qr-failed");
            failed.set_text_content(Some(&say("qr_failed")));
            part.append_child(&failed)?;
        }
    }
    for (class, text, ltr) in [("slip-app-name", name, false), ("slip-url", url, true)] {
        let line = document.create_element("p")?;
        line.set_class_name(class);
        line.set_text_content(Some(&text));
        if ltr {
            line.set_attribute("dir", "ltr")?;
        }
        part.append_child(&line)?;
    }
    Ok(Some(part))
}

/// The sheet's styles, once, waited for so the sheet never shows unstyled.
async fn styles(document: &Document) -> Result<(), JsValue> {
    if document.get_element_by_id("slips-css").is_some() {
        return Ok(());
    }
    let link: web_sys::HtmlLinkElement = document.create_element("link")?.dyn_into()?;
    link.set_id("slips-css");
    link.set_rel("stylesheet");
    link.set_href("slips.css");
    let loaded = Promise::new(&mut |resolve, reject| {
        link.set_onload(Some(&resolve));
        link.set_onerror(Some(&reject));
    });
    document.head().ok_or("no head")?.append_child(&link)?;
    JsFuture::from(loaded).await.map_err(|_| "slips.css")?;
    Ok(())
}

/// The texts in `lang`, or in English when they cannot be fetched.
async fn texts(lang: &str) -> Result<JsValue, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let url = format!("locales/slips/{lang}.json");
    let fetched = async {
        let answer: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
            .await?
            .dyn_into()?;
        if !answer.ok() {
            return Err(JsValue::from_str(&url));
        }
        JsFuture::from(answer.json()?).await
    };
    match fetched.await {
        Ok(texts) => Ok(texts),
        Err(_) => JSON::parse(ENGLISH),
    }
}
