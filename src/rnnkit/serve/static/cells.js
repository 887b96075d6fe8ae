"use strict";
const STATE_NAMES = {
  h: "hidden state h_t", c: "cell state c_t", input: "input gate i_t", forget: "forget gate f_t",
  cell: "candidate g_t", output: "output gate o_t", reset: "reset gate r_t", update: "update gate z_t", new: "candidate n_t",
};
const GATE = new Set(["input", "forget", "output", "reset", "update"]);
const COLOURS = ["#1d2330", "#2456c8", "#b3261e", "#1f7a3f", "#9a6400", "#7b3fb3"];
// what each input is, said beside the choice (in the choice it was cut off on a phone)
const HINTS = {text: "Read as subword pieces, through the translator's embeddings.",
               numbers: "Numbers in [0, 1]; mark the two to add with *."};
const EXAMPLES = {text: "The cat sat on the mat because it was tired.", numbers: "0.2 *0.7 0.1 0.9 0.4 0.3 *0.5 0.8 0.6 0.1"};

document.addEventListener("DOMContentLoaded", () => {
  const $ = id => document.getElementById(id);
  let run = null, layer = 0, unit = null, request = null, spanFor = null;

  function drawLayer() {
    const L = run.layers[layer];
    document.querySelectorAll("#tabs button").forEach((b, i) => {  // the chosen cell: seen, and said
      b.classList.toggle("chosen", i === layer); b.setAttribute("aria-pressed", String(i === layer));
    });
    $("note").textContent = `${L.name}: ${L.note}; ${L.units} units shown.`;
    const maps = $("maps");
    const focused = [...maps.querySelectorAll("canvas")].indexOf(document.activeElement);  // kept across the redraw
    maps.textContent = "";
    for (const [name, matrix] of Object.entries(L.states)) {
      const box = RK.el("div", {class: "chart"});
      maps.append(RK.el("div", {}, [RK.el("h3", {text: STATE_NAMES[name] || name}), RK.el("div", {class: "scroll"}, box)]));
      let lo = 0, hi = 1, diverging = false;
      if (!GATE.has(name)) { diverging = true; const m = Math.max(1, ...matrix.flat().map(Math.abs)); lo = -m; hi = m; }
      RK.heatmap(box, matrix, {
        rowLabels: matrix.map((_, i) => i), colLabels: run.tokens, lo, hi, diverging,
        cell: L.units > 96 ? 2 : (L.units > 32 ? 4 : undefined), mark: unit, title: STATE_NAMES[name] || name,
        onHover: (r, c, v) => `unit ${r}, step ${c} (${run.tokens[c]}): ${RK.fmt(v)}`,
        onClick: (r) => { unit = r; drawLayer(); drawUnit(); },
      });
    }
    if (focused >= 0) maps.querySelectorAll("canvas")[focused]?.focus();
  }

  function drawUnit() {
    const L = run.layers[layer];
    if (unit === null || unit >= L.units) { $("unitcard").hidden = true; return; }
    $("unitcard").hidden = false;
    $("unittitle").textContent = `${L.name}, unit ${unit}`;
    const names = Object.keys(L.states);
    RK.lineChart($("unitchart"), names.map((n, i) => ({name: STATE_NAMES[n] || n, values: L.states[n][unit], color: COLOURS[i % COLOURS.length]})),
      {xLabels: run.tokens, height: 240, title: "unit over time"});
    const state = $("state"), start = $("start"), end = $("end");
    const keep = state.value;
    state.textContent = ""; names.forEach(n => state.append(RK.el("option", {value: n, text: STATE_NAMES[n] || n})));
    if (names.includes(keep)) state.value = keep;
    const n = run.tokens.length, was = [Number(start.value), Number(end.value)];
    for (const s of [start, end]) {
      s.textContent = "";
      run.tokens.forEach((t, i) => s.append(RK.el("option", {value: i, text: `${i}: ${t}`})));
    }
    // keep the span the user chose; for a new sequence, steps 1 to 3 (a pattern, not one value)
    const keepSpan = spanFor === run && was[0] <= was[1] && was[1] < n;
    start.value = keepSpan ? was[0] : Math.min(1, n - 1);
    end.value = keepSpan ? was[1] : Math.min(3, n - 1);
    spanFor = run;
  }

  // What the layers were not made for, said above the maps rather than left for the student to take for
  // the input: a sentence the translator cannot read (Korean, emoji) is cut into <unk> pieces, which
  // share one embedding (the translate page flags such text too); the adding problem's trained layers
  // saw numbers in [0, 1] with exactly two marked
  function unknownNote() {
    const note = $("unknown");
    let text = "";
    if (run.kind === "text") {
      const unknown = run.tokens.filter(t => t === "<unk>").length;
      if (unknown) text = `⚠ ${unknown} of the ${run.tokens.length} pieces are unknown to the translator (<unk>: it ` +
        "reads English; Korean, emoji and rare symbols have no piece of their own), so each of them feeds the cells the same vector.";
    } else {
      const marked = run.tokens.filter(t => t.startsWith("*")).length;
      const outside = run.tokens.filter(t => { const v = Number(t.replace(/^\*/, "")); return v < 0 || v > 1; }).length;
      const odd = [marked !== 2 ? `${marked} marked with *` : "", outside ? `${outside} outside [0, 1]` : ""].filter(Boolean);
      if (odd.length) text = `⚠ the adding problem adds two numbers in [0, 1] marked with *; these have ${odd.join(" and ")}: ` +
        "not what its trained layers learned from.";
    }
    note.hidden = !text;
    note.textContent = text;
  }

  // What was typed for each kind, put back when the user comes back to it: a sentence typed, a look at
  // the numbers, and back, and the sentence was gone, the example in its place.
  const typed = {};
  let shown = null;  // the kind the box holds; read once the browser has restored the boxes (below)
  $("kind").addEventListener("change", () => {
    if (shown !== null) typed[shown] = $("input").value;
    shown = $("kind").value;
    $("input").value = typed[shown] ?? EXAMPLES[shown];
    $("kind-hint").textContent = HINTS[$("kind").value];
    $("form").requestSubmit();
  });
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    RK.busy($("go"), $("error"), async (current) => {
      const asked = {kind: $("kind").value, input: $("input").value};
      const answer = await RK.api("api/cells", asked, current.signal);
      if (!current()) return;
      request = asked; run = answer;
      $("result").hidden = false;
      unknownNote();
      if (layer >= run.layers.length) layer = 0;
      const tabs = $("tabs"); tabs.textContent = "";
      run.layers.forEach((L, i) => {
        const b = RK.el("button", {type: "button", text: L.name + (L.trained ? " (trained)" : "")});
        b.addEventListener("click", () => { layer = i; unit = null; drawLayer(); drawUnit(); });
        tabs.append(b);
      });
      $("matches").textContent = "";
      drawLayer(); drawUnit();
    }, $("result"));
  });
  // The span's two ends stay in order: a "from" step picked after the "to" step moves "to" along (and
  // the other way round), where the search was refused as a span "not within the steps" (3..0).
  $("start").addEventListener("change", () => {
    if (Number($("start").value) > Number($("end").value)) $("end").value = $("start").value;
  });
  $("end").addEventListener("change", () => {
    if (Number($("end").value) < Number($("start").value)) $("start").value = $("end").value;
  });
  $("spanform").addEventListener("submit", (event) => {
    event.preventDefault();
    RK.busy($("find"), $("spanerror"), async (current) => {
      const L = run.layers[layer];
      const body = {...request, layer: L.name, state: $("state").value, unit,
                    start: Number($("start").value), end: Number($("end").value),
                    mode: $("mode").value, threshold: Number($("threshold").value)};
      const r = await RK.api("api/cells/similar", body, current.signal);
      if (!current()) return;
      const box = $("matches"); box.textContent = "";
      const how = r.mode === "unit" ? "root mean square difference of this unit over the span"
        : `units ${r.units.join(", ")} stay above the threshold over the span; distance 1 − shared / all such units`;
      box.append(RK.el("p", {class: "small muted", text: `The ${r.matches.length} closest of ${r.searched} sequences (${how}):`}));
      const list = RK.el("ol", {class: "tokens"});
      r.matches.forEach(m => {
        const parts = m.tokens.map((t, i) => (i >= m.start && i <= m.end) ? RK.el("mark", {text: t}) : t);
        list.append(RK.el("li", {}, [...parts.flatMap(p => [p, " "]), RK.el("span", {class: "muted", text: ` (${RK.fmt(m.distance)})`})]));
      });
      box.append(list);
    });
  });
  $("gradform").addEventListener("submit", (event) => {
    event.preventDefault();
    RK.busy($("grad"), $("graderror"), async (current) => {
      const r = await RK.api("api/cells/gradient", {length: Number($("length").value)}, current.signal);
      if (!current()) return;
      RK.lineChart($("gradchart"), r.layers.map((L, i) => ({name: L.cell + (L.trained ? " (trained)" : " (untrained)"), values: L.norms, color: COLOURS[i + 1]})),
        {logY: true, xLabels: r.layers[0].norms.map((_, i) => `t=${i}`), xSteps: true, height: 260, title: "gradient flow", yLabel: "|dL/dx_t|"});
      const norm = v => v === 0 ? "0" : RK.fmt(v);
      const ratio = r.layers.map(L => `${L.cell}: first step ${norm(L.norms[0])}, last ${norm(L.norms[L.norms.length - 1])}`);
      const zero = r.layers.filter(L => L.norms.some(v => v === 0)).map(L => L.cell);
      if (zero.length) ratio.push(`${zero.join(", ")}: a gradient of exactly 0 (too small for 32-bit floats) is a gap on the log scale`);
      $("gradnote").textContent = ratio.join(" · ");
    });
  });
  // The first answers wait one task: Chromium puts back what the boxes held (after Back, or a reload)
  // only once DOMContentLoaded has run, without a "change", so the page drew its defaults' answers
  // under the restored numbers and choice, beside the sentence's hint (and a restored length of 120
  // beside a chart of 60 steps).
  setTimeout(() => {
    shown = $("kind").value;
    $("kind-hint").textContent = HINTS[$("kind").value];
    $("form").requestSubmit();
    $("gradform").requestSubmit();
  }, 0);
});
