// exo's chat page: conversations kept in this browser (new, rename, delete, search), answers streamed
// from /v1/chat/completions (thinking and tool calls folded above the answer), stop, regenerate,
// edit-and-resend, a model picker, sampling settings, themes, and the cluster view (cluster.js).
// No libraries and nothing from a CDN: machines may be offline.
"use strict";

const $ = (id) => document.getElementById(id);
const STORE = "exo-chats";
const SETTINGS = ["temperature", "top-p", "max-tokens"];

// { id: { id, title, updated, messages } }; the old one-conversation key is taken in once.
let chats = JSON.parse(localStorage.getItem(STORE) || "{}");
let current = localStorage.getItem("exo-current");
let controller = null;

(function migrate() {
  const old = localStorage.getItem("exo-chat");
  if (old === null) return;
  const messages = JSON.parse(old);
  if (messages.length) {
    const c = newChat();
    c.messages = messages;
    c.title = titleOf(messages);
  }
  localStorage.removeItem("exo-chat");
  save();
})();

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = localStorage.getItem("exo-key");
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

function save() {
  localStorage.setItem(STORE, JSON.stringify(chats));
  if (current) localStorage.setItem("exo-current", current); else localStorage.removeItem("exo-current");
}

function newChat() {
  const id = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  chats[id] = { id, title: "New chat", updated: Date.now(), messages: [] };
  current = id;
  return chats[id];
}

function chat() {
  return chats[current] || newChat();
}

function titleOf(messages) {
  const first = messages.find((m) => m.role === "user");
  return first ? first.content.replace(/\s+/g, " ").trim().slice(0, 48) || "New chat" : "New chat";
}

// ---- the list of conversations

function renderList() {
  const q = $("search").value.trim().toLowerCase();
  const list = Object.values(chats).filter((c) => c.messages.length || c.id === current)
    .filter((c) => !q || c.title.toLowerCase().includes(q) || c.messages.some((m) => (m.content || "").toLowerCase().includes(q)))
    .sort((a, b) => b.updated - a.updated);
  $("conversations").replaceChildren(...list.map((c) => {
    const li = document.createElement("li");
    li.className = "conversation" + (c.id === current ? " current" : "");
    li.dataset.id = c.id;
    const open = document.createElement("button");
    open.type = "button";
    open.className = "open";
    open.textContent = c.title;
    open.title = c.title;
    open.onclick = () => switchTo(c.id);
    const rename = document.createElement("button");
    rename.type = "button";
    rename.className = "rename icon";
    rename.title = "Rename";
    rename.textContent = "✎";
    rename.onclick = () => renameInPlace(li, c);
    const del = document.createElement("button");
    del.type = "button";
    del.className = "delete icon";
    del.title = "Delete";
    del.textContent = "✕";
    // Two clicks: the first asks, the second deletes.
    del.onclick = () => {
      if (!del.classList.contains("confirm")) { del.classList.add("confirm"); del.textContent = "Delete?"; return; }
      deleteChat(c.id);
    };
    li.append(open, rename, del);
    return li;
  }));
}

function renameInPlace(li, c) {
  const input = document.createElement("input");
  input.className = "rename-input";
  input.value = c.title;
  li.replaceChildren(input);
  input.focus();
  input.select();
  const done = (keep) => {
    if (keep && input.value.trim()) { c.title = input.value.trim().slice(0, 80); c.named = true; save(); }
    renderList();
  };
  input.onkeydown = (e) => {
    if (e.key === "Enter") done(true);
    if (e.key === "Escape") { e.stopPropagation(); done(false); }
  };
  input.onblur = () => done(true);
}

function deleteChat(id) {
  if (id === current && controller) controller.abort();
  delete chats[id];
  if (id === current) {
    const rest = Object.values(chats).filter((c) => c.messages.length).sort((a, b) => b.updated - a.updated);
    current = rest.length ? rest[0].id : null;
  }
  save();
  renderChat();
}

function switchTo(id) {
  if (controller) controller.abort();
  current = id;
  save();
  renderChat();
  document.body.classList.remove("show-sidebar");
}

// ---- messages

function pretty(args) {
  try { return JSON.stringify(JSON.parse(args), null, 2); } catch (e) { return args; }
}

// An assistant message: its thinking and tool calls folded above the answer, a mark where it stopped.
function renderAssistant(div, m) {
  let html = "";
  if (m.reasoning_content) {
    html += '<details class="thinking"><summary>Thinking</summary><div>' + Md.escape(m.reasoning_content) + "</div></details>";
  }
  for (const c of m.tool_calls || []) {
    html += '<details class="tool-call"><summary>Tool call: ' + Md.escape(c.function.name)
      + "</summary><pre><code>" + Md.highlight(pretty(c.function.arguments), "json") + "</code></pre></details>";
  }
  html += '<div class="body">' + Md.render(m.content || "") + "</div>";
  if (m.stopped) html += '<div class="mark stopped-mark">■ stopped</div>';
  else if (m.finish === "length") html += '<div class="mark">cut at the token limit</div>';
  div.querySelector(".content").innerHTML = html;
}

function actions(div, role, index) {
  const bar = document.createElement("div");
  bar.className = "actions";
  const add = (cls, text, fn) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    b.onclick = fn;
    bar.append(b);
  };
  if (role === "assistant") {
    add("copy-answer", "Copy", (e) => copy(chat().messages[index].content || "", e.target));
    add("regenerate", "Regenerate", () => regenerate(index));
  } else if (role === "user") {
    add("edit", "Edit", () => edit(div, index));
  }
  div.append(bar);
}

function bubble(role, m, index) {
  const div = document.createElement("div");
  div.className = "message " + role;
  div.dataset.index = index;
  const content = document.createElement("div");
  content.className = "content";
  div.append(content);
  if (role === "assistant") renderAssistant(div, m); else content.textContent = m.content;
  actions(div, role, index);
  div.dataset.done = "true";
  $("messages").appendChild(div);
  return div;
}

function renderChat() {
  const c = chats[current];
  $("messages").replaceChildren();
  if (c) c.messages.forEach((m, i) => bubble(m.role, m, i));
  const last = $("messages").lastElementChild;
  if (last) last.scrollIntoView({ block: "end" });
  placeholder();
  renderList();
}

// After a tool call, what is typed next is its result: the input says so.
function placeholder() {
  const m = chats[current] ? chats[current].messages : [];
  const last = m[m.length - 1];
  $("input").placeholder = last && last.tool_calls && last.tool_calls.length
    ? "The result of the tool call (Enter sends)" : "Send a message (Enter sends, Shift+Enter new line, Esc stops)";
}

function edit(div, index) {
  if (controller) return;
  const m = chat().messages[index];
  const box = document.createElement("textarea");
  box.className = "edit-box";
  box.value = m.content;
  const send = document.createElement("button");
  send.type = "button";
  send.className = "resend";
  send.textContent = "Send";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.textContent = "Cancel";
  const content = div.querySelector(".content");
  content.replaceChildren(box, send, cancel);
  box.focus();
  cancel.onclick = renderChat;
  send.onclick = () => {
    const text = box.value.trim();
    if (!text) return;
    // What came after the edited message is replaced by the new answer.
    chat().messages.length = index;
    chat().messages.push({ role: "user", content: text });
    if (index === 0 && !chat().named) chat().title = titleOf(chat().messages);
    save();
    renderChat();
    generate();
  };
}

function regenerate(index) {
  if (controller) return;
  chat().messages.length = index;
  save();
  renderChat();
  generate();
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    // not a secure context (a LAN address over http): the old way
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const was = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = was; }, 1500);
}

// A code block's copy button, wherever the block is.
$("messages").addEventListener("click", (e) => {
  const button = e.target.closest(".code .copy");
  if (button) copy(button.closest(".code").querySelector("code").textContent, button);
});

// ---- sending

// The tools the side panel holds, or null; a list that is not JSON is said so.
function tools() {
  const text = $("tools").value.trim();
  localStorage.setItem("exo-tools", text);
  if (!text) return null;
  const list = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error("tools must be a JSON list");
  return list;
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

// While an answer streams, Send gives its place to Stop.
function busy(on) {
  $("send").hidden = on;
  $("send").disabled = on;
  $("stop").hidden = !on;
}

function send(text) {
  const c = chat();
  // After a tool call, what is typed is the call's result.
  const last = c.messages[c.messages.length - 1];
  if (last && last.role === "assistant" && last.tool_calls && last.tool_calls.length) {
    for (const call of last.tool_calls) c.messages.push({ role: "tool", tool_call_id: call.id, content: text });
  } else {
    c.messages.push({ role: "user", content: text });
  }
  if (!c.named) c.title = titleOf(c.messages);
  save();
  renderChat();
  generate();
}

function requestBody(c) {
  // Only what the API reads goes back: the page's own marks stay here.
  const messages = c.messages.map((m) => {
    const out = { role: m.role, content: m.content || "" };
    if (m.tool_calls) out.tool_calls = m.tool_calls;
    if (m.tool_call_id) out.tool_call_id = m.tool_call_id;
    if (m.reasoning_content) out.reasoning_content = m.reasoning_content;
    return out;
  });
  const body = { messages, stream: true };
  if ($("model-picker").value) body.model = $("model-picker").value;
  const t = $("temperature").value;
  if (t !== "") body.temperature = Number(t);
  const p = $("top-p").value;
  if (p !== "") body.top_p = Number(p);
  const max = $("max-tokens").value;
  if (max !== "") body.max_tokens = Number(max);
  if ($("think").checked) body.chat_template_kwargs = { enable_thinking: true };
  return body;
}

async function generate() {
  showError("");
  const c = chat();
  let body;
  try {
    body = requestBody(c);
    const offered = tools();
    if (offered) body.tools = offered;
  } catch (e) { showError("tools: " + e.message); return; }
  const answer = { role: "assistant", content: "", reasoning_content: "", tool_calls: [] };
  const div = bubble("assistant", answer, c.messages.length);
  div.classList.add("streaming");
  delete div.dataset.done;
  div.scrollIntoView({ block: "end" });
  controller = new AbortController();
  busy(true);
  let frame = 0;
  try {
    const res = await fetch("/v1/chat/completions", {
      method: "POST", headers: headers(), body: JSON.stringify(body), signal: controller.signal,
    });
    if (!res.ok) {
      const err = await res.json().catch(() => ({ error: { message: res.statusText } }));
      if (res.status === 401) $("key-label").hidden = false;
      throw new Error(err.error ? err.error.message : res.statusText);
    }
    for await (const batch of serverSentData(res)) {
      let changed = false;
      for (const data of batch) {
        if (data === "[DONE]") continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new Error(chunk.error.message);
        for (const choice of chunk.choices) {
          const d = choice.delta || {};
          if (d.content) answer.content += d.content;
          if (d.reasoning_content) answer.reasoning_content += d.reasoning_content;
          for (const call of d.tool_calls || []) {
            const known = answer.tool_calls[call.index]
              || (answer.tool_calls[call.index] = { id: call.id, type: "function", function: { name: "", arguments: "" } });
            if (call.function && call.function.name) known.function.name = call.function.name;
            if (call.function && call.function.arguments) known.function.arguments += call.function.arguments;
          }
          if (choice.finish_reason) answer.finish = choice.finish_reason;
          changed = changed || d.content || d.reasoning_content || d.tool_calls;
        }
      }
      // One render a frame at most: a long answer is rendered whole each time.
      if (changed && !frame) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          const near = innerHeight + scrollY >= document.body.scrollHeight - 80;
          renderAssistant(div, answer);
          if (near) div.scrollIntoView({ block: "end" });
        });
      }
    }
  } catch (e) {
    if (e.name === "AbortError") answer.stopped = true; else showError(e.message);
  } finally {
    cancelAnimationFrame(frame);
    div.classList.remove("streaming");
    renderAssistant(div, answer);
    div.dataset.done = "true";
    if (answer.content || answer.reasoning_content || answer.tool_calls.length || answer.stopped) {
      if (!answer.reasoning_content) delete answer.reasoning_content;
      if (!answer.tool_calls.length) delete answer.tool_calls;
      if (answer.finish !== "length") delete answer.finish;
      c.messages.push(answer);
      c.updated = Date.now();
      save();
    }
    controller = null;
    busy(false);
    placeholder();
    renderList();
  }
}

// ---- models, settings, theme

async function loadModels() {
  try {
    const res = await fetch("/v1/models", { headers: headers() });
    if (!res.ok) { if (res.status === 401) $("key-label").hidden = false; return; }
    const models = (await res.json()).data;
    const chosen = localStorage.getItem("exo-model");
    // Where the server loads the model a request names, the one in memory now is marked.
    const several = models.length > 1;
    $("model-picker").replaceChildren(...models.map((m) => new Option(m.id + (several && m.loaded ? " (loaded)" : ""), m.id,
      false, m.id === chosen)));
    $("model-picker").hidden = models.length === 0;
  } catch (e) {
    // the server may be restarting; the picker fills on the next load
  }
}

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme; else delete document.documentElement.dataset.theme;
}

$("theme").onclick = () => {
  const dark = document.documentElement.dataset.theme
    ? document.documentElement.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  const next = dark ? "light" : "dark";
  localStorage.setItem("exo-theme", next);
  applyTheme(next);
};
applyTheme(localStorage.getItem("exo-theme"));

$("model-picker").onchange = () => localStorage.setItem("exo-model", $("model-picker").value);
const settings = JSON.parse(localStorage.getItem("exo-settings") || "{}");
for (const id of SETTINGS) {
  $(id).value = settings[id] || "";
  $(id).addEventListener("change", () => {
    settings[id] = $(id).value;
    localStorage.setItem("exo-settings", JSON.stringify(settings));
  });
}

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("input").value.trim();
  if (!text || controller) return;
  $("input").value = "";
  send(text);
});
$("input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && controller) { e.preventDefault(); controller.abort(); }
});
$("stop").addEventListener("click", () => { if (controller) controller.abort(); });
$("new-chat").addEventListener("click", () => {
  if (controller) controller.abort();
  const empty = Object.values(chats).find((c) => !c.messages.length);
  if (empty) current = empty.id; else newChat();
  save();
  renderChat();
  document.body.classList.remove("show-sidebar");
  $("input").focus();
});
$("search").addEventListener("input", renderList);
$("menu").onclick = () => document.body.classList.toggle("show-sidebar");
$("panel").onclick = () => document.body.classList.toggle("hide-side");
$("key").value = localStorage.getItem("exo-key") || "";
$("key").addEventListener("change", () => { localStorage.setItem("exo-key", $("key").value); loadModels(); });
$("tools").value = localStorage.getItem("exo-tools") || "";

renderChat();
loadModels();
Cluster.start(headers, (state) => {
  $("model").textContent = state.model ? state.context + " tokens of context" : "no model loaded";
});
