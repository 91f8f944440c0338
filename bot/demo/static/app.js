// Sổ Khỏe, the demo page: phones side by side, a clock, "the rest of the office". Plain
// JavaScript, no library: the page works offline. Every action is a POST to /api/…; the state
// comes from /api/state, held by the server until something changes.
"use strict";

const DEFAULT_PLAYED = ["KHTC02", "KHTC01", "VP03"];
const TZ = "Asia/Ho_Chi_Minh";
let state = null;
let version = -1;
let clockBase = null; // {now: ms, at: performance.now(), speed, paused}
const played = new Set(JSON.parse(localStorage.getItem("sokhoe-played") || "null") || DEFAULT_PLAYED);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function showError(text) {
  const box = document.getElementById("error");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

async function post(path, body) {
  const options = body instanceof FormData
    ? { method: "POST", body }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  try {
    const response = await fetch(path, options);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) showError(answer.error || "Không thực hiện được.");
    return answer;
  } catch (err) {
    showError("Mất kết nối tới bản dùng thử.");
    return {};
  }
}

function tellOffice() {
  localStorage.setItem("sokhoe-played", JSON.stringify([...played]));
  return post("/api/office", { played: [...played] });
}

// --- the clock -----------------------------------------------------------------------------

function renderClock() {
  const clock = state.clock;
  clockBase = { now: Date.parse(clock.now), at: performance.now(), speed: clock.speed, paused: clock.paused };
  document.getElementById("clock-label").textContent = clock.label;
  const speeds = document.getElementById("speeds");
  speeds.replaceChildren(...clock.speeds.map((speed) => el("button", {
    type: "button", class: speed === clock.speed ? "on" : "", dataset: { speed },
    onclick: () => post("/api/clock", { speed }),
  }, `${speed}×`)));
  const pause = document.getElementById("pause");
  pause.textContent = clock.paused ? "▶ Chạy tiếp" : "⏸ Tạm dừng";
  pause.classList.toggle("on", clock.paused);
  document.getElementById("upcoming").replaceChildren(...clock.next.map((event) => el("li", {
    title: "Nhảy tới lúc này", onclick: () => post("/api/clock", { jump: event.at }),
  }, event.label)));
  document.getElementById("auto").checked = state.office.auto;
}

function tickClock() {
  if (!clockBase) return;
  const elapsed = clockBase.paused ? 0 : (performance.now() - clockBase.at) * clockBase.speed;
  const now = new Date(clockBase.now + elapsed);
  document.getElementById("clock-time").textContent = now.toLocaleTimeString("vi-VN", {
    timeZone: TZ, hour: "2-digit", minute: "2-digit", second: clockBase.speed > 1 ? undefined : "2-digit",
  });
}

// --- the people and their phones ------------------------------------------------------------

function renderPeople() {
  const box = document.getElementById("people");
  const units = new Map();
  for (const phone of state.phones) {
    if (!units.has(phone.unit)) units.set(phone.unit, []);
    units.get(phone.unit).push(phone);
  }
  const nodes = [];
  for (const [unit, phones] of units) {
    nodes.push(el("div", { class: "unit" }, unit));
    for (const phone of phones) {
      const box = el("input", { type: "checkbox", dataset: { pick: phone.key } });
      box.checked = played.has(phone.key);
      box.addEventListener("change", () => {
        if (box.checked) played.add(phone.key); else played.delete(phone.key);
        tellOffice();
        renderPhones();
      });
      nodes.push(el("label", {}, box, ` ${phone.name} `, el("small", {}, phone.role)));
    }
  }
  box.replaceChildren(...nodes);
}

const shells = new Map(); // person key → {root, messages, replyKeys, seen}

function phoneShell(phone) {
  if (shells.has(phone.key)) return shells.get(phone.key);
  const messages = el("div", { class: "messages" });
  const replyKeys = el("div", { class: "reply-keys" });
  const input = el("input", { type: "text", placeholder: "Nhắn tin…", maxlength: "4096", "aria-label": `Tin nhắn của ${phone.name}` });
  const send = async () => {
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    await post("/api/type", { person: phone.key, text });
  };
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") send(); });
  const file = el("input", { type: "file", accept: "image/jpeg,image/png" });
  file.addEventListener("change", async () => {
    if (!file.files.length) return;
    const form = new FormData();
    form.append("person", phone.key);
    form.append("photo", file.files[0]);
    file.value = "";
    await post("/api/photo", form);
  });
  const channel = phone.channel === "zalo" ? "Zalo" : "Telegram";
  const root = el("section", { class: `phone ${phone.channel}`, dataset: { person: phone.key } },
    el("div", { class: "top" }, el("b", {}, phone.name), el("small", {}, `${phone.role} · ${phone.unit} · ${channel}`)),
    messages, replyKeys,
    el("div", { class: "compose" },
      el("label", { class: "photo", title: "Gửi ảnh" }, "📷", file),
      input, el("button", { type: "button", onclick: send }, "Gửi")));
  const shell = { root, messages, replyKeys, seen: "" };
  shells.set(phone.key, shell);
  return shell;
}

function bubbleNode(phone, bubble) {
  const node = el("div", { class: bubble.mine ? "bubble mine" : "bubble", dataset: { bubble: bubble.id } });
  if (bubble.photo) node.append(el("img", { src: `/files/${encodeURIComponent(bubble.photo)}`, alt: "ảnh" }));
  if (bubble.document) {
    node.append(el("a", {
      class: "doc", href: `/files/${encodeURIComponent(bubble.document)}`, download: bubble.filename,
    }, `📎 ${bubble.filename} — Tải về`));
  }
  if (bubble.text) node.append(el("span", { class: "text" }, bubble.text));
  node.append(el("span", { class: "meta" }, `${bubble.edited ? "đã sửa · " : ""}${bubble.at}`));
  const wrap = el("div", { class: "item" }, node);
  if (bubble.buttons.length) {
    const keys = el("div", { class: "keys" });
    for (const row of bubble.buttons) {
      keys.append(el("div", { class: "keyrow" }, ...row.map((button) => el("button", {
        type: "button", class: "inline",
        onclick: () => post("/api/press", { person: phone.key, bubble: bubble.id, data: button.data }),
      }, button.label))));
    }
    wrap.append(keys);
  }
  return wrap;
}

let shownKeys = "";

function renderPhones() {
  const box = document.getElementById("phones");
  const shown = state.phones.filter((phone) => played.has(phone.key));
  const keys = shown.map((phone) => phone.key).join(",");
  if (!shown.length) {
    box.replaceChildren(el("p", { class: "empty" }, "Chọn ít nhất một người ở cột bên trái."));
    shownKeys = "";
    return;
  }
  if (keys !== shownKeys) { // re-attaching a phone would lose its scroll: only when the set changes
    box.replaceChildren(...shown.map((phone) => phoneShell(phone).root));
    shownKeys = keys;
  }
  for (const phone of shown) {
    const shell = phoneShell(phone);
    const bubbles = state.chats[phone.key] || [];
    const fingerprint = JSON.stringify(bubbles);
    if (fingerprint === shell.seen) continue;
    const list = shell.messages;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    list.replaceChildren(...bubbles.map((bubble) => bubbleNode(phone, bubble)));
    const last = [...bubbles].reverse().find((bubble) => !bubble.mine);
    const keyboard = last ? last.keyboard : [];
    shell.replyKeys.replaceChildren(...keyboard.map((label) => el("button", {
      type: "button", onclick: () => post("/api/type", { person: phone.key, text: label }),
    }, label)));
    const fresh = shell.seen === "";
    shell.seen = fingerprint;
    if (atBottom || fresh) list.scrollTop = list.scrollHeight;
  }
}

// --- the loop ---------------------------------------------------------------------------------

async function follow() {
  for (;;) {
    try {
      const response = await fetch(`/api/state?since=${version}`);
      if (response.ok) {
        const fresh = await response.json();
        const first = state === null;
        state = fresh;
        version = fresh.version;
        renderClock();
        if (first) { renderPeople(); await tellOffice(); }
        renderPhones();
      } else {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    } catch (err) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

document.getElementById("pause").addEventListener("click", () => post("/api/clock", { paused: !state.clock.paused }));
document.getElementById("next-event").addEventListener("click", () => post("/api/clock", { jump: "next" }));
document.getElementById("auto").addEventListener("change", (event) => post("/api/office", { auto: event.target.checked }));
setInterval(tickClock, 250);
follow();
