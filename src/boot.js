// Starts the app from a file rather than trunk's inline script, so the page runs under a strict
// Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') with no 'unsafe-inline',
// hash or nonce. The hashed file names come from the attributes trunk writes on this tag.
// config.json is asked for now, alongside the wasm, rather than once the app has started.
window.mobileWorkerFormConfig = fetch("config.json", { cache: "no-cache" });
// So are the texts of the language the page will most likely speak: the one chosen on an
// earlier visit, else the browser's first that the page has, else English. The app makes
// the real choice (config.json may fix or limit the language) and takes this answer only
// when it chose the same. The list and the storage key are those of src/i18n.rs (a test
// keeps them equal).
const languages = ["en", "fr", "es", "pt", "sw", "hi", "ar"];
let remembered = null;
try {
  remembered = localStorage.getItem("mobile-worker-form.ui-language");
} catch {
  // Storage can be blocked; the browser's languages still count.
}
const likely =
  [remembered, ...navigator.languages]
    .map((tag) => (tag || "").split(/[-_]/)[0].toLowerCase())
    .find((code) => languages.includes(code)) || "en";
window[`mobileWorkerFormTexts:${likely}`] = fetch(`locales/${likely}.json`, { cache: "no-cache" });
// Bulk creation is a module of its own, fetched the first time "Many from a file" is opened;
// the app calls this with what the module needs (see bulk/src/lib.rs, `show`).
let bulk = null;
window.mobileWorkerFormBulk = (settings) => {
  bulk ??= import("./mobile-worker-bulk.js").then(async (module) => {
    await module.default();
    return module;
  });
  return bulk.then((module) => module.show(settings)).catch((error) => {
    bulk = null;
    throw error;
  });
};
const { js, wasm } = document.querySelector("script[data-wasm]").dataset;
const { default: init } = await import(js);
await init({ module_or_path: wasm });
