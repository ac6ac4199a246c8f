// The yardstick form's behaviour: HQ's main rules, the lists, the request. Plain JavaScript.
"use strict";
const $ = (id) => document.getElementById(id);
const DOMAIN = "demo";
const API = `/a/${DOMAIN}/api/v0.5/`;
const phones = [];
const userData = [];
const chosen = { group: [], location: [] };
const lists = { group: [], location: [] };

function normaliseUsername(typed) {
  return typed.trim().replace(/\s+/g, ".").toLowerCase();
}

function rules() {
  const problems = [];
  const name = normaliseUsername($("username").value);
  if (!name) problems.push(["username", "Enter a username"]);
  else if ($("username").value.trim().length > 50)
    problems.push(["username", "Username must be 50 characters or fewer"]);
  else if (!/^[a-z0-9._-]+$/.test(name))
    problems.push(["username", "Username can only contain letters a to z, numbers, dots, hyphens and underscores"]);
  else if (/^\.|\.$|\.\./.test(name)) problems.push(["username", "Username cannot start or end with a dot, or have two in a row"]);
  else if (name === "admin" || name === "demo_user") problems.push(["username", `“${name}” is reserved by CommCare`]);
  if (!$("password").value.trim()) problems.push(["password", "Enter a password"]);
  for (const id of ["first-name", "last-name"]) {
    if ($(id).value.trim().length > 30) problems.push([id, "Must be 30 characters or fewer"]);
  }
  const email = $("email").value.trim().toLowerCase();
  if (email && !/^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(email))
    problems.push(["email", "Enter an email address in the correct format, like name@example.com"]);
  phones.forEach((p, i) => {
    const digits = p.replace(/[\s+-]/g, "");
    if (p.trim() && !/^\d{1,15}$/.test(digits))
      problems.push([`phone-number-${i}`, `Phone number ${i + 1} must be digits with the country code`]);
  });
  const lang = $("language").value.trim();
  if (lang && !/^[a-z]{2,3}(-[a-z]*)?$/.test(lang)) problems.push(["language", "Language code like en, fra or pt-br"]);
  return { problems, name, email };
}

function showProblems(problems) {
  const summary = $("error-summary");
  const list = $("problems");
  list.replaceChildren(
    ...problems.map(([id, message]) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `#${id}`;
      a.textContent = message;
      li.append(a);
      return li;
    }),
  );
  summary.hidden = problems.length === 0;
  if (problems.length) summary.focus();
}

function rowEditor(fieldset, items, idPrefix, label) {
  const add = fieldset.querySelector("button.add");
  add.addEventListener("click", () => {
    const i = items.length;
    items.push("");
    const row = document.createElement("div");
    row.className = "field";
    row.innerHTML = `<label for="${idPrefix}-${i}">${label} ${i + 1}</label><input id="${idPrefix}-${i}" autocomplete="off" />`;
    row.querySelector("input").addEventListener("input", (e) => (items[i] = e.target.value));
    fieldset.insertBefore(row, add);
    row.querySelector("input").focus();
  });
}

async function loadList(kind) {
  const picker = $(`${kind}-picker`);
  const status = picker.querySelector(".picker-status");
  let url = `${API}${kind}/?format=json&limit=1000`;
  try {
    while (url) {
      const answer = await fetch(url);
      if (!answer.ok) throw new Error(answer.status);
      const page = await answer.json();
      for (const o of page.objects) lists[kind].push({ id: kind === "location" ? o.location_id : o.id, name: o.name });
      url = page.meta.next ? `${API}${kind}/${page.meta.next}` : null;
    }
    status.textContent = `${lists[kind].length} ${kind}s in this project.`;
    showOptions(kind, "");
  } catch (e) {
    status.textContent = `The ${kind}s could not be loaded (${e.message}).`;
  }
}

function showOptions(kind, query) {
  const q = query.trim().toLowerCase();
  const ul = $(`${kind}-picker`).querySelector(".options");
  const found = lists[kind].filter((c) => c.name.toLowerCase().includes(q)).slice(0, 25);
  ul.replaceChildren(
    ...found.map((c) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = chosen[kind].includes(c.id);
      box.addEventListener("change", () => {
        chosen[kind] = box.checked ? [...chosen[kind], c.id] : chosen[kind].filter((x) => x !== c.id);
      });
      label.append(box, c.name);
      li.append(label);
      return li;
    }),
  );
}

const preview = () => {
  const name = normaliseUsername($("username").value) || "name";
  $("username-hint").textContent = `Their login will be ${name}@${DOMAIN}.commcarehq.org`;
};
$("username").addEventListener("input", preview);
// What was typed before this script ran counts too, as it does for the form.
preview();
rowEditor($("phones"), phones, "phone-number", "Phone number");
rowEditor($("user-data"), userData, "user-data-key", "Name");
for (const kind of ["group", "location"]) {
  $(`${kind}-search`).addEventListener("input", (e) => showOptions(kind, e.target.value));
  loadList(kind);
}
document.querySelector("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { problems, name, email } = rules();
  showProblems(problems);
  if (problems.length) return;
  const body = { username: name, password: $("password").value.trim() };
  if (email) body.email = email;
  const answer = await fetch(`${API}user/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await answer.json().catch(() => ({}));
  if (answer.status === 201 && json.id) {
    $("created-user-id").textContent = json.id;
    document.querySelector("form").hidden = true;
    $("created").hidden = false;
  } else {
    showProblems([["username", json.error || `CommCare HQ answered ${answer.status}`]]);
  }
});
