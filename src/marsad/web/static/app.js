// marsad workbench UI. Plain JavaScript, no dependencies, no build step.
// Safety: article text and every value from the server are put in the page with DOM APIs
// (createElement, textContent, append) — never innerHTML — so no markup from an article runs.
"use strict";

(function () {
  const KIND_LABELS = {
    entity: ["Entity", "كيان"],
    time: ["Time", "زمن"],
    quantity: ["Quantity", "كمية"],
    quote: ["Quote", "اقتباس"],
    trigger: ["Event", "حدث"],
  };
  const EVENT_TYPES = [
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
  ];
  const MODALITIES = ["asserted", "reported", "denied", "planned", "threatened", "hypothetical"];
  const RELATION_LABELS = {
    met: ["Met", "التقى"],
    praised: ["Praised", "أشاد بـ"],
    accused: ["Accused", "اتّهم"],
    attacked: ["Attacked", "هاجم"],
  };

  const $ = (id) => document.getElementById(id);

  // --- small DOM helpers -------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = v;
        else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  function bi(en, ar) {
    return el("span", { class: "bi" }, en, " · ", el("span", { lang: "ar", dir: "rtl" }, ar));
  }

  function ar(text) {
    return el("span", { lang: "ar", dir: "rtl", class: "ar" }, text == null ? "" : text);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function setStatus(message, isError) {
    const s = clear($("status"));
    if (!message) return;
    s.className = isError ? "error" : "";
    s.append(message);
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function safeQid(qid) {
    return typeof qid === "string" && /^Q[0-9]+$/.test(qid) ? qid : null;
  }

  function entityHref(id) {
    return "#/entity/" + encodeURIComponent(id).replace(/%2F/g, "/");
  }

  // --- API ----------------------------------------------------------------------------------

  async function api(path, options) {
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      throw new Error("network error: " + err.message);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    if (!response.ok) {
      const e = body && body.error ? body.error : { code: String(response.status), message: response.statusText };
      const error = new Error(e.code + " " + e.message + (e.detail ? ": " + e.detail : ""));
      error.code = e.code;
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
    const s = q.toString();
    return s ? "?" + s : "";
  }

  // --- offsets: the server counts code points, JavaScript strings count UTF-16 units ----------

  function offsetMap(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [0];
    let u = 0;
    for (const ch of text) {
      u += ch.length;
      units.push(u);
    }
    return (i) => units[Math.max(0, Math.min(i, units.length - 1))];
  }

  // --- the article view ---------------------------------------------------------------------

  function names(doc) {
    const m = new Map();
    for (const e of doc.entities || []) m.set(e.id, e);
    return m;
  }

  function entityName(byId, ref) {
    if (!ref) return null;
    const e = byId.get(ref);
    if (!e) return ref;
    return e.name_en ? e.name_en + " (" + e.name_ar + ")" : e.name_ar;
  }

  // Every highlight: a stretch [start, end) of the text with what it is.
  function highlights(doc) {
    const out = [];
    (doc.quotes || []).forEach((q, i) => out.push({ kind: "quote", key: "quotes[" + i + "]", start: q.start, end: q.end, rank: 0, data: q }));
    (doc.entities || []).forEach((e, i) =>
      (e.mentions || []).forEach((m, j) =>
        out.push({ kind: "entity", key: "entities[" + i + "].mentions[" + j + "]", start: m.start, end: m.end, rank: 1, data: e })));
    (doc.times || []).forEach((t, i) => out.push({ kind: "time", key: "times[" + i + "]", start: t.start, end: t.end, rank: 2, data: t }));
    (doc.quantities || []).forEach((q, i) => out.push({ kind: "quantity", key: "quantities[" + i + "]", start: q.start, end: q.end, rank: 3, data: q }));
    (doc.events || []).forEach((v, i) => out.push({ kind: "trigger", key: "events[" + i + "].trigger", start: v.trigger.start, end: v.trigger.end, rank: 4, data: v }));
    return out.filter((h) => h.end > h.start);
  }

  function byPosition(a, b) {
    return a.start - b.start || b.end - a.end || a.rank - b.rank;
  }

  // Nest highlights into the article; a highlight crossing the end of an enclosing one is
  // split in two parts carrying the same data-key (together they cover exactly its span).
  function buildInto(parent, text, from, to, items, ctx) {
    let pos = from;
    const rest = items.slice().sort(byPosition);
    while (rest.length) {
      let it = rest.shift();
      if (it.end <= pos) continue;
      if (it.start < pos) it = Object.assign({}, it, { start: pos, part: true });
      if (it.start > pos) parent.append(ctx.slice(pos, it.start));
      const kids = [];
      for (let k = 0; k < rest.length && rest[k].start < it.end; ) {
        const c = rest[k];
        if (c.end <= it.end) {
          kids.push(c);
          rest.splice(k, 1);
        } else {
          kids.push(Object.assign({}, c, { end: it.end, part: true }));
          rest[k] = Object.assign({}, c, { start: it.end, part: true });
          k++;
        }
      }
      rest.sort(byPosition);
      const node = el("span", {
        class: "hl hl-" + it.kind,
        "data-kind": it.kind,
        "data-key": it.key,
        "data-part": it.part ? "1" : null,
        tabindex: "0",
      });
      node.title = tooltip(it, ctx.byId);
      node.addEventListener("mouseenter", () => ctx.show(it));
      node.addEventListener("focus", () => ctx.show(it));
      node.addEventListener("click", (ev) => {
        ev.stopPropagation();
        ctx.show(it, true);
      });
      buildInto(node, text, it.start, it.end, kids, ctx);
      parent.append(node);
      pos = it.end;
    }
    if (pos < to) parent.append(ctx.slice(pos, to));
  }

  function tooltip(h, byId) {
    const d = h.data;
    switch (h.kind) {
      case "entity":
        return [d.name_en || d.name_ar, d.type, safeQid(d.wikidata)].filter(Boolean).join(" · ");
      case "time":
        return "time → " + (d.value || "?");
      case "quantity":
        return "quantity → " + (d.value === null ? "?" : d.value) + (d.unit ? " " + d.unit : "");
      case "quote":
        return "quote: " + (entityName(byId, d.speaker) || d.speaker_text || "?") + (d.via ? " via " + entityName(byId, d.via) : "");
      case "trigger":
        return d.type + (d.label ? "/" + d.label : "") + " (" + d.modality + ")";
      default:
        return "";
    }
  }

  function field(dl, en, arLabel, value) {
    if (value === null || value === undefined || value === "") return;
    dl.append(el("dt", null, bi(en, arLabel)), el("dd", null, value instanceof Node ? value : String(value)));
  }

  function detailFor(h, byId) {
    const d = h.data;
    const [en, arLabel] = KIND_LABELS[h.kind];
    const box = el("div", { class: "detail-card hl-" + h.kind });
    box.append(el("h3", null, bi(en, arLabel)));
    box.append(el("p", { class: "detail-text", lang: "ar", dir: "rtl" }, h.kind === "entity" ? d.name_ar : (h.kind === "trigger" ? d.trigger.text : d.text)));
    const dl = el("dl");
    if (h.kind === "entity") {
      field(dl, "English name", "الاسم بالإنجليزية", d.name_en);
      field(dl, "Type", "النوع", d.type);
      const qid = safeQid(d.wikidata);
      if (qid) field(dl, "Wikidata", "ويكي بيانات", el("a", { href: "https://www.wikidata.org/wiki/" + qid, target: "_blank", rel: "noopener noreferrer", class: "qid" }, qid));
      field(dl, "KB id", "معرّف القاعدة", d.kb_id);
      field(dl, "Mentions", "الإشارات", (d.mentions || []).length);
      if (d.kb_id) field(dl, "Corpus", "المدونة", el("a", { href: entityHref(d.kb_id) }, "entity page · صفحة الكيان"));
    } else if (h.kind === "time") {
      field(dl, "Value", "القيمة", d.value || "?");
      field(dl, "Kind", "النوع", d.kind);
      field(dl, "Relative", "نسبي", d.relative ? "yes · نعم" : "no · لا");
      field(dl, "Modifier", "مُعدِّل", d.mod);
    } else if (h.kind === "quantity") {
      field(dl, "Value", "القيمة", d.value === null ? "?" : (d.approximate ? "≈ " : "") + d.value);
      field(dl, "Unit", "الوحدة", d.unit);
    } else if (h.kind === "quote") {
      field(dl, "Speaker", "المتحدث", entityName(byId, d.speaker) || d.speaker_text || "?");
      field(dl, "Via", "عبر", entityName(byId, d.via));
      if (d.via_chain) field(dl, "Via chain", "سلسلة النقل", d.via_chain.map((x) => entityName(byId, x)).join(" ← "));
      field(dl, "Cue", "فعل القول", d.cue);
      field(dl, "Direct", "مباشر", d.direct ? "yes · نعم" : "no · لا");
      field(dl, "Stance", "الموقف", d.stance);
    } else if (h.kind === "trigger") {
      field(dl, "Type", "النوع", d.type + (d.label ? " / " + d.label : "") + (d.cameo ? " (CAMEO " + d.cameo + ")" : ""));
      field(dl, "Source", "الفاعل", (d.source || []).map((x) => entityName(byId, x)).join("، "));
      field(dl, "Target", "المفعول به", (d.target || []).map((x) => entityName(byId, x)).join("، "));
      field(dl, "Time", "الزمن", d.time);
      field(dl, "Location", "المكان", entityName(byId, d.location));
      field(dl, "Modality", "الصيغة", d.modality);
    }
    box.append(dl);
    return box;
  }

  function renderDocument(container, doc) {
    clear(container);
    const byId = names(doc);
    const text = doc.text || "";
    const map = offsetMap(text);
    const view = el("div", { class: "doc-view", id: "doc-view" });
    const detail = el("div", { id: "detail", class: "detail" }, el("p", { class: "hint" }, bi("Hover or click a highlight", "مرّر المؤشر أو انقر على عبارة مظللة")));
    let pinned = null;
    const ctx = {
      byId,
      slice: (a, b) => document.createTextNode(text.slice(map(a), map(b))),
      show(h, pin) {
        if (pinned && !pin) return;
        if (pin) {
          if (pinned) pinned.classList.remove("pinned");
          pinned = null;
        }
        clear(detail).append(detailFor(h, byId));
        if (pin) {
          const node = container.querySelector('[data-key="' + CSS.escape(h.key) + '"]');
          if (node) {
            pinned = node;
            node.classList.add("pinned");
          }
        }
      },
    };
    const meta = el("p", { class: "doc-meta" });
    if (doc.id) meta.append(el("span", null, bi("Id", "المعرّف"), " ", el("bdi", { class: "val" }, doc.id)), " ");
    if (doc.published) meta.append(el("span", null, bi("Published", "نُشر"), " ", el("bdi", { class: "val" }, doc.published)), " ");
    if (doc.outlet) meta.append(el("span", null, bi("Outlet", "الوسيلة"), " ", el("bdi", { class: "val" }, doc.outlet)), " ");
    if (doc.url && /^https?:\/\//i.test(doc.url)) meta.append(el("a", { href: doc.url, rel: "noopener noreferrer", target: "_blank" }, "source · المصدر"));
    const legend = el("p", { class: "legend" });
    for (const k of ["entity", "time", "quantity", "quote", "trigger"]) legend.append(el("span", { class: "hl hl-" + k }, bi(...KIND_LABELS[k])), " ");
    const article = el("article", { id: "article", dir: "rtl", lang: "ar", class: "article" });
    buildInto(article, text, 0, Array.from(text).length, highlights(doc), ctx);
    article.addEventListener("click", () => {
      if (pinned) pinned.classList.remove("pinned");
      pinned = null;
    });
    const warnings = el("ul", { class: "warnings" });
    for (const w of doc.warnings || []) warnings.append(el("li", null, w.code + " ", w.message));

    const aside = el("aside", { class: "side" }, detail);
    aside.append(el("h3", null, bi("Events", "الأحداث"), " (" + (doc.events || []).length + ")"));
    const events = el("ol", { id: "event-list", class: "event-list" });
    (doc.events || []).forEach((v, i) => {
      const src = (v.source || []).map((x) => entityName(byId, x)).join("، ") || "?";
      const tgt = (v.target || []).map((x) => entityName(byId, x)).join("، ");
      const item = el("li", { tabindex: "0" },
        el("strong", null, v.type + (v.label ? "/" + v.label : "")), " ",
        ar(v.trigger.text), el("br"),
        el("bdi", null, src), tgt ? " → " : "", tgt ? el("bdi", null, tgt) : "",
        v.time ? " · " : "", v.time ? el("bdi", null, v.time) : "", " · ", el("em", null, v.modality));
      item.addEventListener("click", () => {
        const h = { kind: "trigger", key: "events[" + i + "].trigger", data: v };
        ctx.show(h, true);
        if (pinned) pinned.scrollIntoView({ block: "center", behavior: "smooth" });
      });
      events.append(item);
    });
    aside.append(events);
    aside.append(el("h3", null, bi("Entities", "الكيانات"), " (" + (doc.entities || []).length + ")"));
    const ents = el("ul", { class: "entity-chips" });
    for (const e of doc.entities || []) {
      const label = e.name_en ? e.name_en : e.name_ar;
      ents.append(el("li", { class: "chip type-" + e.type }, e.kb_id ? el("a", { href: entityHref(e.kb_id) }, label) : label, " ", ar(e.name_ar)));
    }
    aside.append(ents);
    const counts = el("p", { class: "counts" },
      (doc.entities || []).length + " entities · " + (doc.times || []).length + " times · " +
      (doc.quantities || []).length + " quantities · " + (doc.quotes || []).length + " quotes · " +
      (doc.events || []).length + " events");
    view.append(meta, legend, counts, warnings.childNodes.length ? warnings : "", el("div", { class: "columns" }, article, aside));
    container.append(view);
    window.marsadDocument = doc;
  }

  // --- analyze ------------------------------------------------------------------------------

  async function analyzeSubmit(ev) {
    ev.preventDefault();
    const file = $("upload").files[0];
    const published = $("published").value || null;
    const outlet = $("outlet").value.trim() || null;
    const store = $("store-it").checked;
    setStatus("Analysing… · جارٍ التحليل…");
    try {
      let doc;
      if (file) {
        const body = await file.arrayBuffer();
        doc = await api("/uploads" + query({ name: file.name, published, outlet, ingest: store ? "true" : null }), {
          method: "POST",
          headers: { "Content-Type": "application/octet-stream" },
          body,
        });
        $("upload").value = "";
      } else {
        const text = $("article-input").value;
        const record = { text, published, outlet };
        doc = await api("/analyze", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(record) });
        if (store) await api("/documents", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(record) });
      }
      setStatus("");
      renderDocument($("analyze-result"), doc);
    } catch (err) {
      setStatus(err.message, true);
    }
  }

  // --- corpus views ---------------------------------------------------------------------------

  function corpusError(container, err) {
    clear(container);
    if (err.code === "E015" && /corpus/.test(err.message)) {
      container.append(el("p", { class: "hint" }, bi("No corpus: start the server with --db FILE", "لا توجد مدونة: شغّل الخادم مع ‎--db")));
    } else {
      setStatus(err.message, true);
    }
  }

  function hitList(items) {
    const list = el("ol", { class: "hits" });
    for (const h of items) {
      list.append(el("li", null,
        el("a", { href: "#/doc/" + encodeURIComponent(h.doc), dir: "rtl", lang: "ar" }, h.title || "(untitled)"),
        el("div", { class: "hit-meta" }, [h.published, h.outlet].filter(Boolean).join(" · ")),
        h.snippet ? el("p", { class: "snippet", dir: "rtl", lang: "ar" }, h.snippet) : ""));
    }
    return list;
  }

  async function runSearch(ev) {
    if (ev) ev.preventDefault();
    const out = $("search-results");
    const params = {
      q: $("search-q").value.trim(), from: $("search-from").value, to: $("search-to").value,
      outlet: $("search-outlet").value.trim(), entity: $("search-entity").value.trim(), type: $("search-type").value,
    };
    try {
      let items;
      if (Object.values(params).some((v) => v)) {
        items = await api("/search" + query(Object.assign({ limit: 100 }, params)));
      } else {
        const page = await api("/documents?limit=100");
        items = page.items;
      }
      clear(out).append(el("p", { class: "counts" }, items.length + " documents · وثيقة"), hitList(items));
    } catch (err) {
      corpusError(out, err);
    }
  }

  async function showDocument(ref) {
    const out = $("doc-result");
    clear(out);
    try {
      const doc = await api("/documents/" + encodeURIComponent(ref));
      renderDocument(out, doc);
    } catch (err) {
      corpusError(out, err);
    }
  }

  async function runEntities(ev) {
    if (ev) ev.preventDefault();
    const out = $("entities-results");
    try {
      const items = await api("/entities" + query({ q: $("entities-q").value.trim(), limit: 200 }));
      const table = el("table", { class: "grid" }, el("thead", null, el("tr", null,
        el("th", null, bi("Name", "الاسم")), el("th", null, bi("Arabic", "بالعربية")), el("th", null, bi("Type", "النوع")),
        el("th", null, "QID"), el("th", null, bi("Documents", "الوثائق")), el("th", null, bi("Mentions", "الإشارات")))));
      const body = el("tbody");
      for (const e of items) {
        body.append(el("tr", null,
          el("td", null, el("a", { href: entityHref(e.id) }, e.name_en || e.name_ar)),
          el("td", null, ar(e.name_ar)), el("td", null, e.type), el("td", null, safeQid(e.wikidata) || ""),
          el("td", null, e.docs), el("td", null, e.mentions)));
      }
      table.append(body);
      clear(out).append(table);
    } catch (err) {
      corpusError(out, err);
    }
  }

  // The timeline chart: one dot per dated item on a time axis, events above, quotes below.
  function timelineChart(items) {
    const dated = items.filter((i) => i.date && /^\d{4}-\d{2}-\d{2}/.test(i.date));
    const W = 760, H = 170, L = 70, R = 45, T = 20, B = 40;
    const chart = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "aria-label": "timeline", class: "timeline-svg" });
    chart.append(svg("title", {}, "Timeline · الخط الزمني"));
    if (!dated.length) {
      chart.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "axis-label" }, "no dated items · لا عناصر مؤرخة"));
      return chart;
    }
    const day = (s) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
    let t0 = Math.min(...dated.map((i) => day(i.date)));
    let t1 = Math.max(...dated.map((i) => day(i.date)));
    if (t1 - t0 < 86400000 * 2) {
      t0 -= 86400000 * 3;
      t1 += 86400000 * 3;
    }
    const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
    const lanes = { event: T + 35, quote: T + 85 };
    chart.append(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
    for (const [kind, y] of Object.entries(lanes)) {
      chart.append(svg("line", { x1: L, x2: W - R, y1: y, y2: y, class: "lane" }));
      chart.append(svg("text", { x: L - 8, y: y + 4, "text-anchor": "end", class: "axis-label" }, kind === "event" ? "events" : "quotes"));
    }
    const ticks = 5;
    for (let k = 0; k <= ticks; k++) {
      const t = t0 + ((t1 - t0) * k) / ticks;
      const d = new Date(t).toISOString().slice(0, 10);
      chart.append(svg("line", { x1: x(t), x2: x(t), y1: H - B, y2: H - B + 5, class: "axis" }));
      chart.append(svg("text", { x: x(t), y: H - B + 18, "text-anchor": "middle", class: "axis-label" }, d));
    }
    const stack = new Map();
    for (const i of dated) {
      const cx = Math.round(x(day(i.date)));
      const lane = i.kind === "quote" ? "quote" : "event";
      const k = lane + cx;
      const n = stack.get(k) || 0;
      stack.set(k, n + 1);
      const cy = lanes[lane] - (n % 4) * 7 + (n >= 4 ? 3 : 0);
      const dot = svg("circle", { cx, cy, r: 5, class: "dot dot-" + lane + " role-" + i.role, "data-date": i.date });
      dot.append(svg("title", {}, i.date + " · " + i.type + " · " + i.text.slice(0, 140)));
      chart.append(dot);
    }
    return chart;
  }

  async function showEntity(id) {
    const out = clear($("entity-page"));
    try {
      const [info, timeline, quotes] = await Promise.all([
        api("/entities/" + encodeURIComponent(id).replace(/%2F/g, "/")),
        api("/entities/" + encodeURIComponent(id).replace(/%2F/g, "/") + "/timeline"),
        api("/quotes" + query({ speaker: id, limit: 200 })),
      ]);
      const head = el("header", { class: "entity-head" },
        el("h2", null, info.name_en || info.name_ar, " ", ar(info.name_ar)),
        el("p", null, info.type || "", " · ", safeQid(info.wikidata)
          ? el("a", { href: "https://www.wikidata.org/wiki/" + safeQid(info.wikidata), target: "_blank", rel: "noopener noreferrer" }, safeQid(info.wikidata))
          : "no QID", " · ", info.docs + " documents · " + info.events + " events · " + info.quotes + " quotes"));
      if (info.names && info.names.length > 1) head.append(el("p", { class: "hint" }, bi("Also written", "صيغ أخرى"), ": ", ar(info.names.join("، "))));
      out.append(head);
      out.append(el("h3", null, bi("Timeline", "الخط الزمني")));
      out.append(el("div", { id: "timeline-chart", class: "panel" }, timelineChart(timeline.items)));
      const rel = el("div", { class: "relations" });
      for (const [group, [en, arLabel]] of Object.entries(RELATION_LABELS)) {
        const list = el("ul");
        for (const r of (info.relations && info.relations[group]) || []) {
          list.append(el("li", null, el("a", { href: entityHref(r.id) }, r.name || r.id), " ×" + r.events, " ", el("small", null, r.labels.join(", "))));
        }
        if (!list.childNodes.length) list.append(el("li", { class: "hint" }, "—"));
        rel.append(el("div", { class: "relation-group", "data-group": group }, el("h4", null, bi(en, arLabel)), list));
      }
      out.append(el("h3", null, bi("Relations", "العلاقات")), rel);
      const tl = el("ol", { class: "timeline-list" });
      for (const i of timeline.items) {
        tl.append(el("li", null, el("strong", null, (i.date || "?") + " "), el("span", { class: "tag" }, i.kind + " · " + i.type + " · " + i.role), " ",
          el("a", { href: "#/doc/" + encodeURIComponent(i.doc) }, "#" + i.doc), el("p", { dir: "rtl", lang: "ar" }, i.text),
          i.others.length ? el("small", null, i.others.join(" · ")) : ""));
      }
      out.append(el("h3", null, bi("Events and quotes", "الأحداث والاقتباسات"), " (" + timeline.items.length + ")"), tl);
      const ql = el("ol", { class: "quote-list" });
      for (const q of quotes) {
        ql.append(el("li", null, el("blockquote", { dir: "rtl", lang: "ar" }, q.text),
          el("small", null, [q.date, q.via_name ? "via " + q.via_name : null, q.cue, q.stance].filter(Boolean).join(" · "), " ",
            el("a", { href: "#/doc/" + encodeURIComponent(q.doc) }, "#" + q.doc))));
      }
      out.append(el("h3", null, bi("Quotes", "الاقتباسات"), " (" + quotes.length + ")"), ql);
    } catch (err) {
      corpusError(out, err);
    }
  }

  function eventParams() {
    return {
      actor: $("events-actor").value.trim(), type: $("events-type").value, from: $("events-from").value,
      to: $("events-to").value, modality: $("events-modality").value,
    };
  }

  // The map of event locations: an equirectangular projection fitted to the places, with a
  // graticule; coordinates come from the knowledge base (no tiles, nothing fetched).
  async function drawMap(params) {
    const box = $("events-map");
    let places;
    try {
      places = await api("/locations" + query(params));
    } catch (err) {
      clear(box);
      return;
    }
    clear(box);
    const placed = places.filter((p) => typeof p.lat === "number" && typeof p.lon === "number");
    const unplaced = places.filter((p) => !placed.includes(p));
    box.append(el("h3", null, bi("Map of event locations", "خريطة أماكن الأحداث"), " (" + placed.length + ")"));
    const W = 760, H = 360, P = 28;
    let lon0 = -180, lon1 = 180, lat0 = -60, lat1 = 80;
    if (placed.length) {
      lon0 = Math.min(...placed.map((p) => p.lon)) - 6;
      lon1 = Math.max(...placed.map((p) => p.lon)) + 6;
      lat0 = Math.min(...placed.map((p) => p.lat)) - 5;
      lat1 = Math.max(...placed.map((p) => p.lat)) + 5;
      const span = Math.max(lon1 - lon0, (lat1 - lat0) * ((W - 2 * P) / (H - 2 * P)), 24);
      const cx = (lon0 + lon1) / 2, cy = (lat0 + lat1) / 2;
      lon0 = cx - span / 2;
      lon1 = cx + span / 2;
      const vspan = span * ((H - 2 * P) / (W - 2 * P));
      lat0 = cy - vspan / 2;
      lat1 = cy + vspan / 2;
    }
    const k = Math.min((W - 2 * P) / (lon1 - lon0), (H - 2 * P) / (lat1 - lat0));
    const x = (lon) => P + (lon - lon0) * k;
    const y = (lat) => P + (lat1 - lat) * k;
    const map = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "aria-label": "map of event locations", class: "map-svg" });
    map.append(svg("rect", { x: P, y: P, width: (lon1 - lon0) * k, height: (lat1 - lat0) * k, class: "map-bg" }));
    const step = lon1 - lon0 > 90 ? 30 : lon1 - lon0 > 40 ? 10 : 5;
    for (let g = Math.ceil(lon0 / step) * step; g <= lon1; g += step) {
      map.append(svg("line", { x1: x(g), x2: x(g), y1: y(lat1), y2: y(lat0), class: "grid" }));
      map.append(svg("text", { x: x(g), y: H - 8, "text-anchor": "middle", class: "axis-label" }, Math.abs(g) + (g < 0 ? "°W" : "°E")));
    }
    for (let g = Math.ceil(lat0 / step) * step; g <= lat1; g += step) {
      map.append(svg("line", { x1: x(lon0), x2: x(lon1), y1: y(g), y2: y(g), class: "grid" }));
      map.append(svg("text", { x: 4, y: y(g) + 4, class: "axis-label" }, Math.abs(g) + (g < 0 ? "°S" : "°N")));
    }
    for (const p of placed) {
      const dot = svg("circle", { cx: x(p.lon), cy: y(p.lat), r: 4 + 3 * Math.sqrt(p.events), class: "place", "data-id": p.id });
      dot.append(svg("title", {}, (p.name_en || p.name || p.id) + " · " + p.events + " events · " + p.types.join(", ")));
      map.append(dot);
      map.append(svg("text", { x: x(p.lon) + 8, y: y(p.lat) - 6, class: "place-label" }, p.name || p.name_en || p.id));
    }
    box.append(map);
    if (unplaced.length) {
      box.append(el("p", { class: "hint" }, bi("Without coordinates", "بلا إحداثيات"), ": ",
        ar(unplaced.map((p) => (p.name || p.id) + " (" + p.events + ")").join("، "))));
    }
  }

  async function runEvents(ev) {
    if (ev) ev.preventDefault();
    const out = $("events-results");
    const params = eventParams();
    $("events-csv").setAttribute("href", "/events" + query(Object.assign({}, params, { format: "csv" })));
    drawMap(params);
    try {
      const rows = await api("/events" + query(params));
      const cols = [["date", "Date", "التاريخ"], ["type", "Type", "النوع"], ["label", "Label", "التسمية"], ["trigger", "Trigger", "الفعل"],
        ["source", "Source", "الفاعل"], ["target", "Target", "المفعول به"], ["location", "Location", "المكان"], ["modality", "Modality", "الصيغة"], ["doc", "Document", "الوثيقة"]];
      const table = el("table", { class: "grid", id: "events-table" }, el("thead", null, el("tr", null, ...cols.map(([, en, a]) => el("th", null, bi(en, a))))));
      const body = el("tbody");
      for (const r of rows) {
        body.append(el("tr", null, ...cols.map(([k]) => {
          if (k === "doc") return el("td", null, el("a", { href: "#/doc/" + encodeURIComponent(r.doc) }, "#" + r.doc));
          if (["trigger", "source", "target", "location"].includes(k)) return el("td", { dir: "auto" }, r[k] || "");
          return el("td", null, r[k] === null ? "" : r[k]);
        })));
      }
      table.append(body);
      clear(out).append(el("p", { class: "counts" }, rows.length + " events · حدثًا"), table);
    } catch (err) {
      corpusError(out, err);
    }
  }

  // --- routing --------------------------------------------------------------------------------

  function show(name) {
    for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== "view-" + name;
    for (const a of document.querySelectorAll("nav a[data-nav]")) a.classList.toggle("active", a.dataset.nav === name);
  }

  function route() {
    const hash = location.hash || "#/analyze";
    const [path, qs] = hash.slice(1).split("?");
    const params = new URLSearchParams(qs || "");
    setStatus("");
    if (path.startsWith("/doc/")) {
      show("doc");
      showDocument(decodeURIComponent(path.slice(5)));
    } else if (path.startsWith("/entity/")) {
      show("entity");
      showEntity(decodeURIComponent(path.slice(8)));
    } else if (path === "/search") {
      show("search");
      if (params.get("q")) $("search-q").value = params.get("q");
      runSearch();
    } else if (path === "/entities") {
      show("entities");
      if (params.get("q")) $("entities-q").value = params.get("q");
      runEntities();
    } else if (path === "/events") {
      show("events");
      if (params.get("actor")) $("events-actor").value = params.get("actor");
      runEvents();
    } else {
      show("analyze");
    }
  }

  function fillSelect(select, values) {
    select.append(el("option", { value: "" }, "any · الكل"));
    for (const v of values) select.append(el("option", { value: v }, v));
  }

  function init() {
    fillSelect($("search-type"), EVENT_TYPES);
    fillSelect($("events-type"), EVENT_TYPES);
    fillSelect($("events-modality"), MODALITIES);
    $("analyze-form").addEventListener("submit", analyzeSubmit);
    $("search-form").addEventListener("submit", runSearch);
    $("entities-form").addEventListener("submit", runEntities);
    $("events-form").addEventListener("submit", runEvents);
    window.addEventListener("hashchange", route);
    route();
    document.body.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
