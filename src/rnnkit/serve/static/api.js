"use strict";
// The API page: /openapi.json in words (a clicked "API" link showed the raw JSON). Each call: its method,
// path and summary, the fields it reads with their types, ranges and defaults, what it answers, and a
// curl command to try it. Written from the served document, so it says what this server takes.
document.addEventListener("DOMContentLoaded", async () => {
  const $ = (id) => document.getElementById(id);
  const {el} = RK;
  try {
    const doc = await RK.api("openapi.json");
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const card = el("section", {class: "card", id: anchor(method, path)});
        card.append(el("h2", {}, [el("code", {text: `${method.toUpperCase()} ${path}`})]));
        if (op.summary) card.append(el("p", {text: sentence(op.summary)}));
        const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
        const fields = body ? fieldRows(body.schema, doc) : [];
        if (fields.length) {
          card.append(el("h3", {text: "Fields of the JSON body"}));
          card.append(RK.table(["field", "takes"], fields, [], `fields of ${method.toUpperCase()} ${path}`));
        }
        const params = (op.parameters || []).map(p => [p.name, takes(p.schema || {}, doc, [`in the ${p.in}`, p.description])]);
        if (params.length) {
          card.append(el("h3", {text: "Parameters"}));
          card.append(RK.table(["parameter", "takes"], params, [], `parameters of ${method.toUpperCase()} ${path}`));
        }
        // the answer (200) in full; the errors, the same few on most calls, on one line
        const answers = Object.entries(op.responses || {});
        const ok = answers.filter(([code]) => code.startsWith("2"));
        const errors = answers.filter(([code]) => !code.startsWith("2"));
        card.append(el("h3", {text: "Answer"}));
        ok.forEach(([code, r]) => card.append(el("p", {class: "small"}, [el("strong", {text: code}), ` ${r.description || ""}`])));
        // an answer described field by field (POST /api/forecast's): a table as the body's (a field not
        // always there says when it is)
        const answer = ok.length && ok[0][1].content && ok[0][1].content["application/json"];
        const returned = answer ? fieldRows(answer.schema, doc, null) : [];
        if (returned.length) {
          card.append(RK.table(["field", "is"], returned, [], `fields of the answer of ${method.toUpperCase()} ${path}`));
        }
        if (errors.length) {
          card.append(el("p", {class: "small muted", text:
            "Errors, each a JSON {\"error\": \"...\"}: " + errors.map(([code, r]) => `${code} ${r.description || ""}`).join("; ") + "."}));
        }
        card.append(el("h3", {text: "Try it"}));
        const command = el("code", {text: curl(method, path, body, Object.keys(((op.responses || {})["200"] || {}).content || {})[0])});
        card.append(RK.scrollStop(el("pre", {class: "scroll"}, command), `curl command for ${method.toUpperCase()} ${path}`));
        $("calls").append(card);
      }
    }
  } catch (e) { $("error").textContent = "Error: " + e.message; }

  function anchor(method, path) { return (method + path).replace(/[^a-z0-9]+/gi, "-").replace(/-+$/, ""); }
  function sentence(text) { return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : "."); }
  function resolve(schema, doc) {
    if (schema && schema.$ref) return schema.$ref.split("/").slice(1).reduce((o, k) => o[k], doc);
    return schema || {};
  }
  // one row per field: its name (and whether it is required), and what it takes. Two columns, not four
  // (type, allowed, default apart): at 390 px the four were wider than the screen, and a table of a
  // phone's width cannot hold four columns of words such as "(required)" and "integer" side by side.
  function fieldRows(schema, doc, mark = "required") {
    const s = resolve(schema, doc);
    const required = new Set(s.required || []);
    return Object.entries(s.properties || {}).map(([name, f]) => [mark && required.has(name) ? `${name} (${mark})` : name, takes(f, doc)]);
  }
  // "integer", "string or null", "array of number or null"
  function typeOf(f, doc) {
    if (f.type === "array" && f.items) return "array of " + typeOf(resolve(f.items, doc), doc);
    if (Array.isArray(f.type)) return f.type.join(" or ");
    return f.type || (f.oneOf || f.anyOf || []).map(t => resolve(t, doc).type).filter(Boolean).join(" or ") || "any";
  }
  // "integer: at least 1; at most 8; default 5": the type, then the values allowed (ranges, lengths,
  // choices, the schema's words, and `more` before them), then the default
  function takes(schema, doc, more = []) {
    const f = resolve(schema, doc);
    const allowed = more.filter(Boolean);
    if (f.enum) allowed.push("one of " + f.enum.join(", "));
    if (f.minimum !== undefined) allowed.push(`at least ${f.minimum}`);
    if (f.maximum !== undefined) allowed.push(`at most ${f.maximum}`);
    if (f.maxLength !== undefined) allowed.push(`at most ${f.maxLength} characters`);
    if (f.maxItems !== undefined) allowed.push(`at most ${f.maxItems} items`);
    if (f.description) allowed.push(f.description);
    if (f.default !== undefined) allowed.push(`default ${JSON.stringify(f.default)}`);
    const type = typeOf(f, doc);
    return allowed.length ? `${type}: ${allowed.join("; ")}` : type;
  }
  // a curl command sending the call's own example (the server answers each with a 200: a test says so)
  // (the document's paths start at the app's root, which a proxy may put under a sub-path: RK.url)
  function curl(method, path, body, kind) {
    const url = RK.url(path.replace("{n}", "0").replace(/^\//, ""));
    if (method === "get") return kind === "image/png" ? `curl -o ${url.split("/").pop()} ${url}` : `curl ${url}`;
    const example = JSON.stringify((body && body.example) || {}).replace(/'/g, "'\\''");
    return `curl -X ${method.toUpperCase()} ${url} \\\n  -H 'Content-Type: application/json' \\\n  -d '${example}'`;
  }
});
