// exo's chat page: a conversation kept in this browser, answers streamed from /v1/chat/completions
// (the model's thinking and its tool calls folded above its answer), a stop button, and the ring the
// server computes on. No libraries: machines may be offline.
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

// An assistant message: its thinking and tool calls folded above the answer.
function renderAssistant(div, m) {
  let html = "";
  if (m.reasoning_content) {
    html += '<details class="thinking"><summary>Thinking</summary><div>' + escapeHtml(m.reasoning_content)
      + "</div></details>";
  }
  for (const c of m.tool_calls || []) {
    html += '<details class="tool-call" open><summary>Tool call: ' + escapeHtml(c.function.name)
      + "</summary><pre><code>" + escapeHtml(pretty(c.function.arguments)) + "</code></pre></details>";
  }
  div.innerHTML = html + markdown(m.content || "");
}

function pretty(args) {
  try { return JSON.stringify(JSON.parse(args), null, 2); } catch (e) { return args; }
}

function bubble(role, content, message) {
  const div = document.createElement("div");
  div.className = "message " + role;
  if (role === "assistant") renderAssistant(div, message || { content }); else div.textContent = content;
  $("messages").appendChild(div);
  div.scrollIntoView({ block: "end" });
  return div;
}

// The tools the side panel holds, or null; a list that is not JSON is said so.
function tools() {
  const text = $("tools").value.trim();
  localStorage.setItem("exo-tools", text);
  if (!text) return null;
  const list = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error("tools must be a JSON list");
  return list;
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
  let offered;
  try { offered = tools(); } catch (e) { showError("tools: " + e.message); return; }
  // After a tool call, what is typed is the call's result.
  const last = messages[messages.length - 1];
  if (last && last.role === "assistant" && last.tool_calls && last.tool_calls.length) {
    for (const c of last.tool_calls) messages.push({ role: "tool", tool_call_id: c.id, content: text });
    bubble("tool", text);
  } else {
    messages.push({ role: "user", content: text });
    bubble("user", text);
  }
  save();
  const div = bubble("assistant", "");
  div.classList.add("streaming");
  const answer = { role: "assistant", content: "", reasoning_content: "", tool_calls: [] };
  controller = new AbortController();
  busy(true);
  const body = { messages, stream: true };
  const t = $("temperature").value;
  if (t !== "") body.temperature = Number(t);
  const max = $("max-tokens").value;
  if (max !== "") body.max_tokens = Number(max);
  if ($("think").checked) body.chat_template_kwargs = { enable_thinking: true };
  if (offered) body.tools = offered;
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
          const d = c.delta || {};
          if (d.content) answer.content += d.content;
          if (d.reasoning_content) answer.reasoning_content += d.reasoning_content;
          for (const call of d.tool_calls || []) {
            const known = answer.tool_calls[call.index]
              || (answer.tool_calls[call.index] = { id: call.id, type: "function", function: { name: "", arguments: "" } });
            if (call.function && call.function.name) known.function.name = call.function.name;
            if (call.function && call.function.arguments) known.function.arguments += call.function.arguments;
          }
          if (d.content || d.reasoning_content || d.tool_calls) renderAssistant(div, answer);
        }
        div.scrollIntoView({ block: "end" });
      }
    }
  } catch (e) {
    if (e.name !== "AbortError") showError(e.message);
  } finally {
    div.classList.remove("streaming");
    div.dataset.done = "true";
    if (answer.content || answer.reasoning_content || answer.tool_calls.length) {
      if (!answer.reasoning_content) delete answer.reasoning_content;
      if (!answer.tool_calls.length) delete answer.tool_calls;
      messages.push(answer);
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

$("tools").value = localStorage.getItem("exo-tools") || "";
for (const m of messages) bubble(m.role, m.content, m);
refreshRing();
setInterval(refreshRing, 2000);
