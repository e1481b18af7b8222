// exo's chat page: a conversation kept in this browser, answers streamed from /v1/chat/completions,
// a stop button, and the ring the server computes on. No libraries: machines may be offline.
"use strict";

const $ = (id) => document.getElementById(id);
const STORE = "exo-chat";
let messages = JSON.parse(localStorage.getItem(STORE) || "[]");
let controller = null;

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = localStorage.getItem("exo-key");
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// Markdown enough for chat answers: fenced code, inline code, bold, italics, headings, lists, links.
function inline(s) {
  return s
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>")
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" rel="noopener" target="_blank">$1</a>');
}

function markdown(text) {
  const out = [];
  const blocks = text.split(/```/);
  blocks.forEach((block, i) => {
    if (i % 2 === 1) {
      const body = block.replace(/^[^\n]*\n/, "");
      out.push("<pre><code>" + escapeHtml(body) + "</code></pre>");
      return;
    }
    let list = null;
    for (const raw of escapeHtml(block).split("\n")) {
      const line = raw.trimEnd();
      const item = line.match(/^\s*(?:[-*]|\d+\.)\s+(.*)$/);
      if (item) {
        const tag = /^\s*\d/.test(line) ? "ol" : "ul";
        if (list !== tag) { if (list) out.push("</" + list + ">"); out.push("<" + tag + ">"); list = tag; }
        out.push("<li>" + inline(item[1]) + "</li>");
        continue;
      }
      if (list) { out.push("</" + list + ">"); list = null; }
      const heading = line.match(/^(#{1,3})\s+(.*)$/);
      if (heading) {
        const n = heading[1].length + 2;
        out.push("<h" + n + ">" + inline(heading[2]) + "</h" + n + ">");
      } else if (line.length) {
        out.push("<p>" + inline(line) + "</p>");
      }
    }
    if (list) out.push("</" + list + ">");
  });
  return out.join("");
}

function bubble(role, content) {
  const div = document.createElement("div");
  div.className = "message " + role;
  if (role === "assistant") div.innerHTML = markdown(content); else div.textContent = content;
  $("messages").appendChild(div);
  div.scrollIntoView({ block: "end" });
  return div;
}

function save() {
  localStorage.setItem(STORE, JSON.stringify(messages));
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

function busy(on) {
  $("send").disabled = on;
  $("stop").hidden = !on;
}

async function send(text) {
  showError("");
  messages.push({ role: "user", content: text });
  save();
  bubble("user", text);
  const div = bubble("assistant", "");
  div.classList.add("streaming");
  let answer = "";
  controller = new AbortController();
  busy(true);
  const body = { messages, stream: true };
  const t = $("temperature").value;
  if (t !== "") body.temperature = Number(t);
  const max = $("max-tokens").value;
  if (max !== "") body.max_tokens = Number(max);
  try {
    const res = await fetch("/v1/chat/completions", {
      method: "POST", headers: headers(), body: JSON.stringify(body), signal: controller.signal,
    });
    if (!res.ok) {
      const err = await res.json().catch(() => ({ error: { message: res.statusText } }));
      if (res.status === 401) $("key-label").hidden = false;
      throw new Error(err.error ? err.error.message : res.statusText);
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = pending.indexOf("\n\n")) >= 0) {
        const event = pending.slice(0, cut);
        pending = pending.slice(cut + 2);
        if (!event.startsWith("data: ") || event === "data: [DONE]") continue;
        const chunk = JSON.parse(event.slice(6));
        if (chunk.error) throw new Error(chunk.error.message);
        for (const c of chunk.choices) {
          if (c.delta && c.delta.content) {
            answer += c.delta.content;
            div.innerHTML = markdown(answer);
          }
        }
        div.scrollIntoView({ block: "end" });
      }
    }
  } catch (e) {
    if (e.name !== "AbortError") showError(e.message);
  } finally {
    div.classList.remove("streaming");
    div.dataset.done = "true";
    if (answer) {
      messages.push({ role: "assistant", content: answer });
      save();
    }
    controller = null;
    busy(false);
  }
}

async function refreshRing() {
  try {
    const res = await fetch("/exo/ring", { headers: headers() });
    if (!res.ok) { if (res.status === 401) $("key-label").hidden = false; return; }
    const ring = await res.json();
    $("model").textContent = ring.model + " · " + ring.context + " tokens of context";
    $("tps").textContent = ring.tokens_per_second.toFixed(1);
    $("sessions").textContent = ring.running;
    $("waiting").textContent = ring.waiting;
    const rows = ring.nodes.map((n) => "<tr><td>" + escapeHtml(n.name) + "</td><td>" + escapeHtml(n.layers)
      + "</td><td>" + escapeHtml(n.engine) + "</td></tr>");
    $("nodes").innerHTML = rows.join("");
  } catch (e) {
    // The server may be restarting; the next poll tries again.
  }
}

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("input").value.trim();
  if (!text || controller) return;
  $("input").value = "";
  send(text);
});
$("input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
});
$("stop").addEventListener("click", () => { if (controller) controller.abort(); });
$("new-chat").addEventListener("click", () => {
  if (controller) controller.abort();
  messages = [];
  save();
  $("messages").innerHTML = "";
});
$("key").value = localStorage.getItem("exo-key") || "";
$("key").addEventListener("change", () => { localStorage.setItem("exo-key", $("key").value); refreshRing(); });

for (const m of messages) bubble(m.role, m.content);
refreshRing();
setInterval(refreshRing, 2000);
