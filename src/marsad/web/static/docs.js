// The API reference, drawn from /openapi.json with DOM APIs (works offline, no CDN).
"use strict";

(function () {
  function el(tag, cls, ...children) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function resolve(spec, schema) {
    if (schema && schema.$ref) {
      const name = schema.$ref.split("/").pop();
      return (spec.components && spec.components.schemas && spec.components.schemas[name]) || schema;
    }
    return schema;
  }

  async function main() {
    const out = document.getElementById("endpoints");
    let spec;
    try {
      spec = await (await fetch("/openapi.json")).json();
    } catch (err) {
      out.append(el("p", "error", "cannot read /openapi.json: " + err.message));
      return;
    }
    const info = document.getElementById("api-info");
    info.append(spec.info.title + " " + spec.info.version + " — " + (spec.info.description || ""));
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const box = el("section", "endpoint");
        box.append(el("h3", null, el("span", "method " + method, method.toUpperCase()), el("code", null, path)));
        if (op.summary) box.append(el("p", null, op.summary));
        if (op.description) box.append(el("p", "hint", op.description));
        const params = op.parameters || [];
        if (params.length) {
          const ul = el("ul");
          for (const p of params) {
            const s = resolve(spec, p.schema || {});
            const type = s.type || (s.anyOf ? s.anyOf.map((x) => x.type).filter(Boolean).join(" | ") : "");
            ul.append(el("li", null, el("code", null, p.name), " (" + p.in + (p.required ? ", required" : "") + (type ? ", " + type : "") + ")",
              p.description ? " — " + p.description : ""));
          }
          box.append(el("h4", null, "Parameters"), ul);
        }
        if (op.requestBody) {
          const types = Object.keys(op.requestBody.content || {});
          box.append(el("h4", null, "Body"), el("p", null, types.join(", ")));
          const first = op.requestBody.content[types[0]];
          if (first && first.schema) box.append(el("pre", null, JSON.stringify(resolve(spec, first.schema), null, 1)));
        }
        const codes = Object.entries(op.responses || {}).map(([c, r]) => c + " " + (r.description || ""));
        box.append(el("h4", null, "Responses"), el("ul", null, ...codes.map((c) => el("li", null, c))));
        out.append(box);
      }
    }
  }

  main();
})();
