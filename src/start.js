// The page's start (see src/start.rs): the form as the build rendered it, shown at once in the
// page's own language while the WebAssembly is still on its way; then the app, started and
// handed what was done meanwhile. A file of its own, loaded `async` from <head>, so the page
// runs under a strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') with no
// 'unsafe-inline', hash or nonce.
"use strict";

/** The portal protocol's name: src/portal/protocol.rs `PROTOCOL` (a test keeps the two equal). */
const PROTOCOL = "commcare-mobile-worker-form";

/** The interface languages: src/i18n.rs `Lang::ALL` (a test keeps the two equal). */
const FIRST_VIEW_LANGUAGES = ["en", "fr", "es", "pt", "sw", "hi", "ar"];

/**
 * The language to speak and those offered, as src/i18n.rs `LanguageChoice::pick` chooses before
 * any portal has spoken (a test runs both on the same cases): the one config.json fixes; else
 * the remembered choice, then the browser's preferences, among those offered; else English if
 * offered, else the first offered. `settings` is config.json as read: a language it names that
 * the page lacks makes the file wrong, and then the app takes none of its languages.
 */
function firstViewLanguage(settings, remembered, browser) {
  const known = (tag) => {
    const primary = typeof tag === "string" ? tag.split(/[-_]/)[0].toLowerCase() : "";
    return FIRST_VIEW_LANGUAGES.includes(primary) ? primary : null;
  };
  const named = settings !== null && typeof settings === "object" ? settings : {};
  const fixed = named.ui_language == null ? null : known(named.ui_language);
  const listed = "ui_languages" in named ? named.ui_languages : [];
  const offered = Array.isArray(listed) ? listed.map(known) : [null];
  const wrong = (named.ui_language != null && !fixed) || offered.includes(null);
  const offer = wrong || !(fixed || offered.length) ? FIRST_VIEW_LANGUAGES : fixed ? [fixed] : offered;
  const lang = [remembered, ...browser].map(known).find((l) => l && offer.includes(l));
  return { lang: lang ?? (offer.includes("en") ? "en" : offer[0]), offer };
}

(() => {
  if (typeof document === "undefined") {
    return; // Read by a test, not a page.
  }
  // config.json, asked for now; the app takes this answer (src/config.rs).
  const config = fetch("config.json", { cache: "no-cache" });
  window.mobileWorkerFormConfig = config;
  const settings = config.then((r) => (r.ok ? r.clone().json() : null)).catch(() => null);
  const browserLanguages = navigator.languages ?? [navigator.language];
  let remembered = null;
  try {
    remembered = localStorage.getItem("mobile-worker-form.ui-language");
  } catch {
    // Storage can be blocked; the browser's languages still count.
  }

  const view = () => document.getElementById("first-view");
  const inView = (event) => !!event.target.closest?.("#first-view");
  // The chosen language's texts, once asked for: for this script's own few words.
  let texts = Promise.resolve({});
  const say = async (key, fallback, why = "") =>
    ((await texts)[key] ?? fallback).replace("{{why}}", () => why);

  // Create pressed before the app runs: never a native submission (the form's method is
  // `dialog`, and its fields have no names), honoured once the app has taken over, unless
  // something was typed after the press: the values to send are those on screen at the press.
  let pressed = false;
  const status = document.createElement("p");
  status.className = "start-status";
  status.setAttribute("role", "status");
  document.addEventListener(
    "submit",
    (event) => {
      if (inView(event)) {
        event.preventDefault();
        pressed = true;
        say("start.waiting", "This page is still loading. The mobile worker will be created as soon as it is ready.").then(
          (text) => (status.textContent = pressed ? text : ""),
        );
      }
    },
    true,
  );
  document.addEventListener(
    "input",
    (event) => {
      if (inView(event) && pressed) {
        pressed = false;
        status.textContent = "";
      }
    },
    true,
  );
  // A word being composed (an input method for Hindi, say) is finished before the app takes
  // the field's place.
  let composing = false;
  document.addEventListener("compositionstart", (event) => (composing = inView(event)), true);
  document.addEventListener("compositionend", () => (composing = false), true);

  // The mode the address asks for (src/components/modes.rs), until the app follows it itself.
  const showMode = () => {
    const one = view()?.querySelector("#one-worker");
    if (!one) return;
    const many = location.hash === "#bulk";
    one.hidden = many;
    for (const [id, current] of [["#mode-one", !many], ["#mode-many", many]]) {
      const link = view().querySelector(id);
      if (current) link?.setAttribute("aria-current", "page");
      else link?.removeAttribute("aria-current");
    }
  };

  /** The chosen language's view, with what config.json says that shows before the app runs. */
  const show = (settings) => {
    const { lang, offer } = firstViewLanguage(settings, remembered, browserLanguages);
    // Its texts, asked for alongside the wasm; the app takes this answer (src/i18n.rs).
    const asked = fetch(`locales/${lang}.json`, { cache: "no-cache" });
    window[`mobileWorkerFormTexts:${lang}`] = asked;
    texts = asked.then((r) => (r.ok ? r.clone().json() : {})).catch(() => ({}));
    const first = view();
    if (!first) {
      return; // A development build: the app draws the whole page.
    }
    // A draft kept from before a reload is the app's to show (src/session.rs): an empty view
    // first would be typed into, then filled from the draft.
    const domain = typeof settings?.domain === "string" ? settings.domain : null;
    try {
      if (domain !== null && sessionStorage.getItem(`mobile-worker-form:draft:${domain}`)) {
        first.classList.add("kept");
        return;
      }
    } catch {
      // Storage can be blocked; then nothing was kept.
    }
    // Shown already (its style's own deadline passed) or used: it stays as it is, in English,
    // for the app to take over with what was done in it.
    const used = [...first.querySelectorAll("input, select")].some(changed) ||
      first.contains(document.activeElement) ||
      getComputedStyle(first).visibility === "visible";
    const other = !used && first.querySelector(`script[data-lang="${lang}"]`);
    if (other) {
      first.querySelector("main").outerHTML = other.textContent;
      document.documentElement.dir = other.dataset.dir;
      document.title = other.dataset.title;
    }
    if (!used) {
      document.documentElement.lang = lang;
    }
    const hint = first.querySelector("#username-hint");
    if (hint) {
      hint.textContent = hint.textContent.replace("{domain}", () => domain ?? "…");
    }
    const switcher = first.querySelector(".language-switcher");
    if (switcher && offer.length < 2) {
      switcher.remove();
    } else if (switcher) {
      for (const option of [...switcher.querySelectorAll("option")]) {
        if (!offer.includes(option.value)) option.remove();
      }
    }
    // Only Create works before the app runs; the other buttons say they wait for it.
    for (const button of first.querySelectorAll("button:not([type=submit])")) {
      button.setAttribute("aria-disabled", "true");
    }
    first.querySelector(".form-actions")?.after(status);
    showMode();
    addEventListener("hashchange", showMode);
    first.classList.add("shown");
  };
  // Shown once config.json has said which language, or 3 s after the page was asked for.
  const late = new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, 3000 - performance.now()), null),
  );
  // The whole page parsed: not DOMContentLoaded, which also waits for module scripts to run.
  const parsed = new Promise((resolve) => {
    const check = () => document.readyState !== "loading" && resolve();
    document.addEventListener("readystatechange", check);
    check();
  });
  // The app, once the first view is shown, so that readying its code never holds the view
  // back. Its files' hashed names are on the tag trunk writes (Trunk.toml, `pattern_script`).
  const start = () => {
    const files = document.getElementById("app-files")?.dataset;
    if (files) {
      import(files.js)
        .then(({ default: init }) => init({ module_or_path: files.wasm }))
        .catch(failed);
    }
  };
  // The app could not start (its files did not arrive, WebAssembly is turned off): said in
  // the page, never left as a form that does nothing.
  const failed = async (error) => {
    pressed = false;
    const alert = document.createElement("div");
    alert.className = "config-error start-failed";
    alert.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = await say(
      "start.failed",
      "This page could not start ({{why}}). Reload it to try again; if it keeps happening, tell whoever hosts it.",
      String(error?.message ?? error),
    );
    alert.append(text);
    const first = view();
    first?.classList.remove("kept");
    first?.classList.add("shown");
    (first?.querySelector("h1") ?? document.body.firstChild)?.after(alert);
  };
  // A fault in the app's own code (a WebAssembly trap, an error nothing caught) leaves it
  // unable to answer: said in the page once, with a way back, and told to a framing portal.
  // The draft as last changed is already kept in this tab (src/components/registration_form.rs).
  let broken = false;
  const ours = (error, file) =>
    error instanceof WebAssembly.RuntimeError ||
    (error instanceof Error && String(file || error.stack).includes(location.origin));
  const broke = async (error, file) => {
    if (broken || !ours(error, file)) return;
    broken = true;
    pressed = false;
    const [message, reload, title] = await Promise.all([
      say("start.broken", "Something went wrong in this page. What you typed is kept in this tab; reload to carry on."),
      say("start.reload", "Reload"),
      say("page.heading", "Create a mobile worker"),
    ]);
    const page = document.createElement("main");
    page.className = "page";
    const heading = document.createElement("h1");
    heading.textContent = title;
    const alert = document.createElement("div");
    alert.className = "config-error start-broken";
    alert.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = message;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "primary";
    button.textContent = reload;
    button.addEventListener("click", () => location.reload());
    alert.append(text, button);
    page.append(heading, alert);
    document.body.replaceChildren(page);
    button.focus();
    const origins = (await settings)?.embed?.parent_origins;
    if (window.parent !== window && Array.isArray(origins)) {
      for (const origin of origins.filter((o) => typeof o === "string")) {
        try {
          window.parent.postMessage({ protocol: PROTOCOL, version: 1, type: "error", message }, origin);
        } catch {
          // Not an origin; the others are still told.
        }
      }
    }
  };
  addEventListener("error", (event) => broke(event.error, event.filename));
  addEventListener("unhandledrejection", (event) => broke(event.reason));

  Promise.all([Promise.race([settings, late]), parsed])
    .then(([settings]) => show(settings))
    .finally(start);

  // Modules of their own, fetched the first time they are needed, each shown by its `show`:
  // bulk creation when "Many from a file" is opened (bulk/src/lib.rs), the handover slips when
  // slips are asked for (handover/src/sheet.rs). The app calls these with what they need.
  const lazily = (file) => {
    let loaded = null;
    return (...args) => {
      loaded ??= import(file).then(async (module) => {
        await module.default();
        return module;
      });
      return loaded
        .then((module) => module.show(...args))
        .catch((error) => {
          loaded = null;
          throw error;
        });
    };
  };
  window.mobileWorkerFormBulk = lazily("./mobile-worker-bulk.js");
  window.mobileWorkerFormSlips = lazily("./mobile-worker-handover.js");

  const changed = (control) =>
    control.type === "checkbox" || control.type === "radio"
      ? control.checked !== control.defaultChecked
      : control.tagName === "SELECT"
        ? [...control.options].some((o) => o.selected !== o.defaultSelected)
        : control.value !== control.defaultValue;

  /**
   * The app's hand-over (src/start.rs `take_over`): puts its `main` in the first view's place
   * and gives it what was done there, in this one task, so no frame is drawn and no key lands
   * in between: each changed control's value (through the events the app listens to), the
   * focus with its caret and selection, the scroll, and a press of Create.
   */
  window.mobileWorkerFormTakeOver = function takeOver(main) {
    const first = view();
    if (!first) {
      throw new Error("no first view");
    }
    if (composing) {
      document.addEventListener("compositionend", () => setTimeout(() => takeOver(main)), {
        once: true,
      });
      return;
    }
    removeEventListener("hashchange", showMode);
    const old = first.querySelector("main");
    const active = old.contains(document.activeElement) ? document.activeElement : null;
    let caret = null;
    try {
      caret = active && [active.selectionStart, active.selectionEnd, active.selectionDirection];
    } catch {
      // Not a text control.
    }
    const top = active?.getBoundingClientRect().top;
    const { scrollX, scrollY } = window;
    first.replaceWith(main);
    for (const control of old.querySelectorAll("input[id], select[id], textarea[id]")) {
      const now = document.getElementById(control.id);
      if (!changed(control) || now?.tagName !== control.tagName) continue;
      if (control.type === "checkbox" || control.type === "radio") now.checked = control.checked;
      else now.value = control.value;
      now.dispatchEvent(new Event("input", { bubbles: true }));
      now.dispatchEvent(new Event("change", { bubbles: true }));
    }
    window.scrollTo(scrollX, scrollY);
    const focused = active?.id && document.getElementById(active.id);
    const settle = () => {
      focused.focus({ preventScroll: true });
      if (caret?.[0] != null) {
        try {
          focused.setSelectionRange(...caret);
        } catch {
          // Not a text control.
        }
      }
    };
    if (focused) {
      settle();
      // Again once the app has drawn the values given to it (which puts a caret at the end),
      // still before any key or frame.
      queueMicrotask(settle);
      // Whatever appeared above it, the field being typed in stays where it was on screen.
      const moved = focused.getBoundingClientRect().top - top;
      if (moved) window.scrollBy(0, moved);
    }
    if (pressed) {
      main.querySelector("#registration")?.requestSubmit();
    }
  };
})();
