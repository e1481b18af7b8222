// The cluster view: the ring's state pushed by the server (GET /exo/ring/events, server-sent events
// read through fetch so that the API key goes in a header), drawn as a ring of machines in SVG with
// each one's name, layers, engine, memory and busy share, and the live tokens/s in the middle. A
// machine that appears is marked as joined, one that disappears is drawn faded as lost for a while;
// both are written in the log below the picture.
"use strict";

/**
 * The data lines of the server-sent events in a fetch response, yielded a read at a time (one array
 * per read), for the cluster stream here and the answer stream in app.js.
 */
async function* serverSentData(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending += decoder.decode(value, { stream: true });
    const batch = [];
    let cut;
    while ((cut = pending.indexOf("\n\n")) >= 0) {
      const event = pending.slice(0, cut);
      pending = pending.slice(cut + 2);
      if (event.startsWith("data: ")) batch.push(event.slice(6));
    }
    yield batch;
  }
}

const Cluster = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const LOST_MS = 15000;
  let known = null; // names in the last state
  const lost = new Map(); // name -> { node, at }
  const joined = new Map(); // name -> time
  let onState = () => {};

  const gib = (b) => (b >= 1 << 30 ? (b / (1 << 30)).toFixed(1) + " GiB" : b >= 1 << 20 ? (b / (1 << 20)).toFixed(0) + " MiB"
    : Math.max(1, b / 1024).toFixed(0) + " KiB");

  function el(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function log(text) {
    const li = document.createElement("li");
    li.textContent = new Date().toLocaleTimeString() + " " + text;
    const list = document.getElementById("ring-log");
    list.prepend(li);
    while (list.children.length > 8) list.lastChild.remove();
  }

  // Who joined and who was lost since the last state.
  function diff(state) {
    const now = Date.now();
    const names = new Set(state.nodes.map((n) => n.name));
    if (known) {
      for (const n of state.nodes) {
        if (!known.has(n.name)) { joined.set(n.name, now); lost.delete(n.name); log(n.name + " joined (layers " + n.layers + ")"); }
      }
      for (const [name, node] of known) {
        if (!names.has(name)) { lost.set(name, { node, at: now }); log(name + " was lost"); }
      }
    }
    prune();
    known = new Map(state.nodes.map((n) => [n.name, n]));
  }

  function prune() {
    const now = Date.now();
    for (const [name, l] of lost) if (now - l.at > LOST_MS) lost.delete(name);
    for (const [name, t] of joined) if (now - t > LOST_MS) joined.delete(name);
  }

  function draw(state) {
    const svg = document.getElementById("ring-svg");
    svg.replaceChildren();
    const all = state.nodes.map((n) => ({ n, cls: joined.has(n.name) ? "joined" : "" }))
      .concat([...lost.values()].map((l) => ({ n: l.node, cls: "lost" })));
    const cx = 160, cy = 160, r = all.length > 1 ? 105 : 0;
    svg.append(el("circle", { cx, cy, r: 105, class: "ring-line" }));
    const center = el("text", { x: cx, y: cy - 4, class: "tps", "text-anchor": "middle", id: "tps" },
      state.tokens_per_second.toFixed(1));
    svg.append(center, el("text", { x: cx, y: cy + 14, class: "small", "text-anchor": "middle" }, "tokens/s"));
    svg.append(el("text", { x: cx, y: cy + 30, class: "small muted", "text-anchor": "middle" },
      state.model ? state.model.slice(0, 28) : "no model loaded"));
    if (state.hop_ms) {
      svg.append(el("text", { x: cx, y: cy + 44, class: "small muted", "text-anchor": "middle", id: "hop" },
        "≈ " + state.hop_ms.toFixed(1) + " ms a hop"));
    }
    // Arrows between machines: the hidden state goes round the ring this way, head first.
    if (all.length > 1) {
      for (let i = 0; i < all.length; i++) {
        const a = -Math.PI / 2 + (2 * Math.PI * (i + 0.5)) / all.length;
        const deg = (a * 180) / Math.PI + 90;
        svg.append(el("path", { d: "M -6 -5 L 6 0 L -6 5 z", class: "arrow",
          transform: "translate(" + (cx + 105 * Math.cos(a)).toFixed(1) + "," + (cy + 105 * Math.sin(a)).toFixed(1) + ") rotate(" + deg.toFixed(1) + ")" }));
      }
    }
    all.forEach(({ n, cls }, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, all.length);
      const x = all.length > 1 ? cx + r * Math.cos(a) : cx, y = all.length > 1 ? cy + r * Math.sin(a) : cy - 105;
      const g = el("g", { class: "machine " + cls, "data-name": n.name, transform: "translate(" + x.toFixed(1) + "," + y.toFixed(1) + ")" });
      const busy = Math.max(0, Math.min(1, n.busy_share || 0));
      g.append(el("rect", { x: -62, y: -30, width: 124, height: 60, rx: 10, class: "box" }));
      g.append(el("rect", { x: -62, y: 26, width: (124 * busy).toFixed(1), height: 4, class: "busy" }));
      g.append(el("text", { y: -15, "text-anchor": "middle", class: "name" }, n.name.length > 18 ? n.name.slice(0, 17) + "…" : n.name));
      g.append(el("text", { y: -1, "text-anchor": "middle", class: "small" }, "layers " + n.layers + " · " + n.engine));
      const memory = (n.memory_bytes ? gib(n.memory_bytes) : "?") + (n.slice_bytes ? " · slice " + gib(n.slice_bytes) : "");
      g.append(el("text", { y: 13, "text-anchor": "middle", class: "small" }, cls === "lost" ? "lost" : memory));
      g.append(el("title", {}, n.name + ": layers " + n.layers + ", " + n.engine + ", " + memory + ", busy "
        + Math.round(busy * 100) + "%"));
      svg.append(g);
    });
    document.getElementById("nodes").replaceChildren(...state.nodes.map((n) => {
      const li = document.createElement("li");
      li.dataset.name = n.name;
      li.textContent = n.name + ": layers " + n.layers + ", " + n.engine + ", busy " + Math.round((n.busy_share || 0) * 100)
        + "%, " + state.tokens_per_second.toFixed(1) + " tokens/s";
      return li;
    }));
    document.getElementById("sessions").textContent = state.running;
    document.getElementById("waiting").textContent = state.waiting;
  }

  let fade = null;
  function show(state) {
    diff(state);
    draw(state);
    // An idle ring sends nothing, so the marks of a join or a loss are taken off by a timer.
    clearTimeout(fade);
    if (lost.size || joined.size) fade = setTimeout(() => { prune(); draw(state); }, LOST_MS + 50);
    onState(state);
  }

  // Reads the event stream; when it ends or fails, connects again after a pause that grows to 10 s.
  // A hidden tab lets its stream go (a browser holds 6 connections to a server over HTTP/1.1, all
  // tabs together) and takes it up again when shown.
  let stream = null;
  let retry = null;
  async function connect(headers, pause) {
    clearTimeout(retry);
    if (document.hidden || stream) return;
    const live = document.getElementById("live");
    const mine = (stream = new AbortController());
    try {
      const res = await fetch("/exo/ring/events", { headers: headers(), cache: "no-store", signal: mine.signal });
      if (res.status === 401) { document.getElementById("key-label").hidden = false; live.textContent = "needs the API key"; }
      if (!res.ok) throw new Error(res.statusText);
      live.textContent = "live";
      pause = 1000;
      for await (const batch of serverSentData(res)) {
        for (const data of batch) show(JSON.parse(data));
      }
    } catch (e) {
      // the server restarts, the network fails, or the tab was hidden: below
    }
    if (stream === mine) stream = null;
    if (mine.signal.aborted) { if (document.hidden) live.textContent = "paused"; return; }
    live.textContent = "reconnecting";
    retry = setTimeout(() => connect(headers, Math.min(10000, pause * 2)), pause);
  }

  return {
    start(headers, listener) {
      onState = listener;
      connect(headers, 1000);
      document.addEventListener("visibilitychange", () => {
        if (document.hidden) { if (stream) stream.abort(); stream = null; } else connect(headers, 1000);
      });
    },
  };
})();
