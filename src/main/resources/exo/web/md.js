// Markdown for chat answers, safe by construction: every piece of the text is escaped before it is
// wrapped in tags this file writes, so no HTML from the model reaches the page; links are kept only
// for http(s) and mailto. Blocks: fenced code (highlighted, with a copy button), headings, rules,
// block quotes, lists (nested, ordered, task lists), tables, paragraphs. Written here rather than
// bundled: about 200 lines, no dependency, and the page works offline.
"use strict";

const Md = (() => {
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  // Inline: code spans first (their text is never formatted), then emphasis and links on escaped text.
  function inline(s) {
    return s.split(/(`+[^`]*?`+)/).map((part, i) => {
      if (i % 2 === 1) return "<code>" + esc(part.replace(/^`+|`+$/g, "")) + "</code>";
      // Links are set aside while emphasis is applied, so that a URL's underscores stay as they are.
      const kept = [];
      const keep = (html) => "\u0000" + (kept.push(html) - 1) + "\u0000";
      const open = (url) => keep('<a href="' + url + '" rel="noopener noreferrer" target="_blank">');
      return esc(part.replace(/\u0000/g, ""))
        .replace(/\[([^\]]+)\]\(((?:https?:\/\/|mailto:)[^)\s]+)\)/g, (m, text, url) => open(url) + text + keep("</a>"))
        .replace(/(^|[\s(])(https?:\/\/[^\s<)\u0000]+[^\s<).,;:!?'\u0000])/g, (m, pre, url) => pre + open(url) + keep(url) + keep("</a>"))
        .replace(/\*\*(?=\S)([^*]*?\S)\*\*|__(?=\S)([^_]*?\S)__/g, (m, a, b) => "<strong>" + (a || b) + "</strong>")
        .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?!\*)/g, "$1<em>$2</em>")
        .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, "$1<em>$2</em>")
        .replace(/~~(?=\S)([^~]*?\S)~~/g, "<del>$1</del>")
        .replace(/\u0000(\d+)\u0000/g, (m, n) => kept[n]);
    }).join("");
  }

  const KEYWORDS = new Set(("abstract and as async await break case catch class const continue def default defer del do elif else "
    + "enum export extends false fn final finally for from func function go if impl import in instanceof interface "
    + "is lambda let loop match mod module mut new nil none not null or package pass private protected pub public raise "
    + "record return self static struct super switch this throw throws trait true try type typeof use val var void "
    + "when where while with yield select insert update delete where join on group order by limit into values create "
    + "table int long float double char bool boolean string str u8 u32 u64 i32 i64 usize echo fi then done esac").split(" "));
  const HASH_COMMENTS = /^(py|python|sh|bash|shell|zsh|rb|ruby|yaml|yml|toml|r|perl|pl|make|makefile|dockerfile|conf|ini)$/i;

  // A small highlighter: comments, strings, numbers, keywords; the rest escaped as is.
  function highlight(code, lang) {
    const hash = HASH_COMMENTS.test(lang || "");
    const rule = new RegExp([
      "(\\/\\*[\\s\\S]*?(?:\\*\\/|$)|\\/\\/[^\\n]*" + (hash ? "|#[^\\n]*" : "") + ")",
      "(\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?|`(?:[^`\\\\]|\\\\.)*`?)",
      "\\b(\\d[\\d_]*(?:\\.\\d+)?(?:e[+-]?\\d+)?|0x[\\da-f]+)\\b",
      "\\b([A-Za-z_][\\w]*)\\b",
    ].join("|"), "gi");
    let out = "";
    let last = 0;
    for (let m; (m = rule.exec(code));) {
      if (m[0] === "") { rule.lastIndex++; continue; }
      out += esc(code.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[1]) out += '<span class="tok-c">' + esc(m[0]) + "</span>";
      else if (m[2]) out += '<span class="tok-s">' + esc(m[0]) + "</span>";
      else if (m[3]) out += '<span class="tok-n">' + esc(m[0]) + "</span>";
      else if (KEYWORDS.has(m[4])) out += '<span class="tok-k">' + esc(m[0]) + "</span>";
      else out += esc(m[0]);
    }
    return out + esc(code.slice(last));
  }

  function codeBlock(code, lang) {
    const label = lang ? '<span class="lang">' + esc(lang) + "</span>" : "";
    return '<div class="code"><div class="code-bar">' + label + '<button type="button" class="copy">Copy</button></div>'
      + "<pre><code>" + highlight(code, lang) + "</code></pre></div>";
  }

  const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
  const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
  const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

  function cells(line) {
    let s = line.trim();
    if (s.startsWith("|")) s = s.slice(1);
    if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
    return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
  }

  function table(lines) {
    const head = cells(lines[0]);
    const align = cells(lines[1]).map((c) => (c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : ""));
    const td = (tag, c, i) => "<" + tag + (align[i] ? ' style="text-align:' + align[i] + '"' : "") + ">" + inline(c) + "</" + tag + ">";
    let html = '<div class="table"><table><thead><tr>' + head.map((c, i) => td("th", c, i)).join("") + "</tr></thead><tbody>";
    for (const line of lines.slice(2)) {
      const row = cells(line);
      html += "<tr>" + head.map((_, i) => td("td", row[i] || "", i)).join("") + "</tr>";
    }
    return html + "</tbody></table></div>";
  }

  // A list starting at lines[i]: its items, each item's lines dedented and rendered as blocks.
  function list(lines, i) {
    const first = lines[i].match(LIST_ITEM);
    const indent = first[1].length;
    const ordered = /\d/.test(first[2]);
    const items = [];
    let item = null;
    for (; i < lines.length; i++) {
      const line = lines[i];
      const m = line.match(LIST_ITEM);
      if (m && m[1].length === indent && /\d/.test(m[2]) === ordered) {
        item = { lines: [m[3]], pad: indent + m[2].length + 1, loose: false };
        items.push(item);
      } else if (line.trim() === "") {
        const next = lines[i + 1];
        if (next === undefined || (!/^\s/.test(next) && !LIST_ITEM.test(next))) break;
        item.lines.push("");
      } else if (/^\s/.test(line) && line.search(/\S/) > indent) {
        item.lines.push(line.slice(Math.min(item.pad, line.search(/\S/))));
      } else if (!m && item.lines[item.lines.length - 1] !== "" && !FENCE.test(line) && !/^\s*(#|>|\|)/.test(line)) {
        item.lines.push(line); // a lazy continuation of the item's paragraph
      } else {
        break;
      }
    }
    const start = ordered && parseInt(first[2], 10) !== 1 ? ' start="' + parseInt(first[2], 10) + '"' : "";
    let html = ordered ? "<ol" + start + ">" : "<ul>";
    for (const it of items) {
      let text = it.lines.join("\n").replace(/\n+$/, "");
      let box = "";
      const task = text.match(/^\[([ xX])\]\s+/);
      if (task) {
        box = '<input type="checkbox" disabled' + (task[1] === " " ? "" : " checked") + "> ";
        text = text.slice(task[0].length);
      }
      const inner = blocks(text.split("\n"));
      // A one-paragraph item is shown without its paragraph's margins.
      const tight = inner.match(/^<p>([\s\S]*?)<\/p>([\s\S]*)$/);
      html += (task ? '<li class="task">' : "<li>") + box + (tight ? tight[1] + tight[2] : inner) + "</li>";
    }
    return { html: html + (ordered ? "</ol>" : "</ul>"), next: i };
  }

  function blocks(lines) {
    let html = "";
    let para = [];
    const flush = () => {
      if (para.length) html += "<p>" + para.map(inline).join("<br>") + "</p>";
      para = [];
    };
    for (let i = 0; i < lines.length;) {
      const line = lines[i];
      const fence = line.match(FENCE);
      if (fence) {
        flush();
        const code = [];
        for (i++; i < lines.length && !(lines[i].trim().startsWith(fence[1]) && lines[i].trim().replace(/[`~]/g, "") === ""); i++) {
          code.push(lines[i]);
        }
        i++; // the closing fence (or the end: an answer still streaming)
        html += codeBlock(code.join("\n"), fence[2]);
        continue;
      }
      if (line.trim() === "") { flush(); i++; continue; }
      const heading = line.match(/^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/);
      if (heading) {
        flush();
        const n = Math.min(6, heading[1].length + 1);
        html += "<h" + n + ">" + inline(heading[2]) + "</h" + n + ">";
        i++;
        continue;
      }
      if (/^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) { flush(); html += "<hr>"; i++; continue; }
      if (/^ {0,3}>/.test(line)) {
        flush();
        const quote = [];
        for (; i < lines.length && (/^ {0,3}>/.test(lines[i]) || (lines[i].trim() !== "" && quote.length && !FENCE.test(lines[i]))); i++) {
          quote.push(lines[i].replace(/^ {0,3}> ?/, ""));
        }
        html += "<blockquote>" + blocks(quote) + "</blockquote>";
        continue;
      }
      if (line.includes("|") && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]) && lines[i + 1].includes("-")) {
        flush();
        const rows = [line, lines[i + 1]];
        for (i += 2; i < lines.length && lines[i].includes("|") && lines[i].trim() !== ""; i++) rows.push(lines[i]);
        html += table(rows);
        continue;
      }
      if (LIST_ITEM.test(line) && (para.length === 0 || /^\s*([-*+]|1[.)])\s/.test(line))) {
        flush();
        const l = list(lines, i);
        html += l.html;
        i = l.next;
        continue;
      }
      para.push(line.trim());
      i++;
    }
    flush();
    return html;
  }

  return {
    render: (text) => blocks(text.replace(/\r\n?/g, "\n").split("\n")),
    escape: esc,
    highlight,
  };
})();
