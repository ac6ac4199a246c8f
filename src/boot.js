// Starts the app from a file rather than trunk's inline script, so the page runs under a strict
// Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') with no 'unsafe-inline',
// hash or nonce. The hashed file names come from the attributes trunk writes on this tag.
// config.json is asked for now, alongside the wasm, rather than once the app has started.
window.mobileWorkerFormConfig = fetch("config.json", { cache: "no-cache" });
const { js, wasm } = document.querySelector("script[data-wasm]").dataset;
const { default: init } = await import(js);
await init({ module_or_path: wasm });
