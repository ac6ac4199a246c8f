// An admin portal's side of the mobile worker form's embedding protocol (version 1).
// Copy this into your portal, set FORM_URL and DEFAULTS, and list your portal's origin in the
// form's config.json under "embed": {"parent_origins": [...]}.

// Where the form is hosted. Only this origin is sent messages or listened to.
const FORM_URL = "https://forms.example.org/forms/register/";
const FORM_ORIGIN = new URL(FORM_URL).origin;
// Filled into each new form; the operator can change them.
const DEFAULTS = { language: "en" };
const PROTOCOL = "commcare-mobile-worker-form";

const frame = document.getElementById("mobile-worker-form");
frame.src = FORM_URL;
window.received = [];

// Hands the form defaults (language, groups, user_data) and, optionally, a credential to use
// instead of one typed in the form: {api_key: {email, key}} or {bearer_token}; null takes
// back the one handed over before; leaving it out keeps it. Sent only to the form's origin;
// the form keeps it in memory only.
function configure(defaults, credentials, uiLanguage, project, handover) {
  const message = { protocol: PROTOCOL, version: 1, type: "configure", defaults };
  if (credentials !== undefined) message.credentials = credentials;
  // The language the form speaks to the operator (en, fr, es, pt, sw, hi or ar).
  if (uiLanguage !== undefined) message.ui_language = uiLanguage;
  // The project's policies (custom user fields, profiles, strong passwords, …), as in
  // config.json's "project"; they replace config.json's.
  if (project !== undefined) message.project = project;
  // What the handover slips say of the app ({app_name, install_url, note}), as in config.json's
  // "handover"; used where config.json states none.
  if (handover !== undefined) message.handover = handover;
  frame.contentWindow.postMessage(message, FORM_ORIGIN);
}
window.configure = configure;

function show(listId, text) {
  const item = document.createElement("li");
  item.textContent = text; // text, never HTML
  document.getElementById(listId).append(item);
}

window.addEventListener("message", (event) => {
  // Only the framed form, from its own origin, speaking this protocol.
  if (event.origin !== FORM_ORIGIN || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.protocol !== PROTOCOL || message.version !== 1) return;
  window.received.push(message);
  show("events", message.type);
  switch (message.type) {
    case "ready":
      configure(DEFAULTS);
      break;
    case "resize":
      frame.style.height = `${message.height}px`;
      break;
    case "created":
      // Store message.user_id with your own record of this person.
      show("created", `${message.username}: ${message.user_id}`);
      break;
    case "error":
      // The form shows the explanation itself; message.message has it too.
      break;
    case "cancelled":
      // Close the dialog holding the form, for example.
      break;
  }
});
