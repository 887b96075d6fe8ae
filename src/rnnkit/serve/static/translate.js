"use strict";
// A run without spaces longer than any word (an undertrained model's loop, 물물물... 60 syllables) cannot
// wrap under keep-all: on a phone it pushed the n-best table's score out of view. Such a run may break
// every 8 characters (<wbr>, nothing added to the text); words are never touched.
function breakLongRuns(td) {
  const parts = td.textContent.split(/(\S{25,})/);
  if (parts.length === 1) return;
  td.textContent = "";
  parts.forEach((part, i) => {
    if (i % 2 === 0) { td.append(part); return; }
    const chars = Array.from(part);  // code points: an emoji's two halves stay together
    for (let k = 0; k < chars.length; k += 8) {
      td.append(...(k ? [document.createElement("wbr")] : []), chars.slice(k, k + 8).join(""));
    }
  });
}
document.addEventListener("DOMContentLoaded", async () => {
  const $ = id => document.getElementById(id);
  const error = $("error");
  let count = null;  // translate models on this server (the shipped one at least); null: the list failed
  try {
    count = await RK.modelSelect($("model"), "translate");
    if (!count) error.textContent = RK.noModel("translate");
  } catch (e) { error.textContent = "Error: " + e.message; }
  RK.recall($("model"), "model");  // the model answered before Back or a reload
  // Enter translates (one sentence a request: a second line would be refused); not while an input
  // method is composing (Korean, Japanese), where Enter confirms the characters. Enter does what the
  // button does: nothing while it is disabled by a translation under way (each Enter sent the same
  // sentence again, and the server's workers computed every copy).
  $("text").addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (!$("go").disabled) $("form").requestSubmit();
  });
  // n-best is at most the beam: the browser says so at the field before anything is sent
  const nbestMax = () => { $("nbest").max = String(Math.min(8, Math.max(1, Math.floor(Number($("beam").value)) || 8))); };
  $("beam").addEventListener("input", nbestMax);
  nbestMax();
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    RK.busy($("go"), error, async (current) => {
      await RK.needModel($("model"));  // none on this server: said, and nothing sent
      if (!current()) return;
      const body = {text: $("text").value, model: $("model").value || undefined,
                    beam: Number($("beam").value), n_best: Number($("nbest").value)};
      const r = await RK.api("api/translate", body, current.signal);
      if (!current()) return;
      RK.remember({model: $("model").value});
      $("result").hidden = false;
      $("translation").textContent = r.translation || "(empty)";
      const flags = r.decoded ? [`score ${RK.fmt(r.score)}`] : ["no letters or digits to translate: given back as typed"];
      for (const note of r.notes || []) flags.push(`⚠ ${note}`);  // another language, markup, addresses, emoji
      if (r.truncated) flags.push("the source was cut to the model's length limit");
      if (r.hit_max) flags.push("stopped at the length limit");
      if (r.read_as) flags.push(`read as: “${r.read_as}”`);
      if (r.names_carried) flags.push(`names the model never learned, read as names it knows and put back: ${r.names_carried.join(", ")} (the tree and the attention show the names it read)`);
      if (r.numbers_copied) flags.push(`digits copied from the source: ${r.numbers_copied.join(", ")}`);
      if (r.numbers_missing && r.numbers_missing.length)
        flags.push(`⚠ not in the translation: ${r.numbers_missing.join(", ")} (check its numbers)`);
      if (r.cli_note) flags.push(r.cli_note);  // a model saved with MBR: the command line may choose another
      // a warning stands first, on a line of its own in the warning colour: "⚠ it looks like Korean" sat
      // grey and small in one line with the score and the notes, under a big translation that read as sound
      const warned = flags.filter(f => f.startsWith("⚠"));
      $("flags").textContent = "";
      $("flags").append(...warned.map(w => RK.el("span", {class: "warn", text: w})),
                        RK.el("span", {text: flags.filter(f => !f.startsWith("⚠")).join(" · ")}));
      const alt = $("alternatives"); alt.textContent = "";
      alt.append(RK.table(["#", "translation", "score"], r.alternatives.map((a, i) => [i + 1, a.text, RK.fmt(a.score)]), [0, 2],
                          "n-best alternatives"));
      // Korean in an English page: a screen reader reads it with a Korean voice only when told
      alt.querySelectorAll("tbody td:nth-child(2)").forEach(td => { td.lang = "ko"; breakLongRuns(td); });
      $("tree-note").textContent = r.beam_tree ? r.beam_tree_note : "No search: nothing was decoded.";
      drawTree($("tree"), r.beam_tree);
      if (r.attention) {
        RK.heatmap($("attention"), r.attention, {
          rowLabels: r.tgt_pieces.slice(0, r.attention.length), colLabels: r.src_pieces, lo: 0, hi: 1, maxCell: 48,
          title: "attention of each output piece (rows) over the source pieces (columns)",
          onHover: (row, col, v) => `${r.tgt_pieces[row] ?? row} ← ${r.src_pieces[col] ?? col}: ${RK.fmt(v)}`,
        });
      } else { $("attention").textContent = r.decoded ? "This model has no attention." : "Nothing was decoded."; }
    }, $("result"));
  });
  if (count !== 0) $("form").requestSubmit();  // with none, it could only fail, and wiped the line above
});

// The beam search tree as an SVG: one column per step (left to right, the root <s> first), within a
// step the beam's hypotheses by score, then the pruned runners-up. Kept: solid; finished (</s>): a
// ringed square; pruned: faded. The best path is drawn thick in orange. Hover a node for its score.
// The SVG keeps its natural size; its box (.tree) scrolls.
// A node's label fits before the next column: Hangul and other wide characters count twice (at 11 px a
// syllable is about as wide as two Latin letters), so 학생이에요. no longer runs into the next step's labels.
function short(piece, room = 8) {
  let used = 0, out = "";
  for (const ch of piece) {
    used += /[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff00-\uff60]/.test(ch) ? 2 : 1;
    if (used > room) return out.slice(0, -1) + "…";
    out += ch;
  }
  return out;
}

function drawTree(box, tree) {
  box.textContent = "";
  shownTree = null;
  if (!tree || !tree.nodes.length) return;
  const COL = 68, ROW = 22, PAD = 14;
  const best = new Set(tree.best_path);
  const steps = [];
  for (const n of tree.nodes) (steps[n.step] = steps[n.step] || []).push(n);
  const pos = new Map([[-1, {x: PAD, y: PAD + 4}]]);
  let rows = 1;
  steps.forEach((list, t) => {
    list.sort((a, b) => (a.status === "pruned") - (b.status === "pruned") || b.score - a.score);
    list.forEach((n, i) => pos.set(n.id, {x: PAD + (t + 1) * COL, y: PAD + 4 + i * ROW}));
    rows = Math.max(rows, list.length);
  });
  const W = PAD * 2 + steps.length * COL + 40, H = PAD * 2 + rows * ROW;
  const svg = RK.el("svg:svg", {width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "beam search tree"});
  const edges = RK.el("svg:g"), nodes = RK.el("svg:g");
  svg.append(edges, nodes);
  const onBest = n => best.has(n.id);
  for (const n of tree.nodes) {
    const a = pos.get(n.parent), b = pos.get(n.id);
    const hot = onBest(n), faded = n.status === "pruned";
    edges.append(RK.el("svg:path", {
      d: `M${a.x},${a.y} C${(a.x + b.x) / 2},${a.y} ${(a.x + b.x) / 2},${b.y} ${b.x},${b.y}`, fill: "none",
      stroke: hot ? "#e07b00" : "#8a94a6", "stroke-width": hot ? 2.5 : 1, opacity: faded ? 0.35 : 0.9,
    }));
  }
  nodes.append(RK.el("svg:circle", {cx: PAD, cy: PAD + 4, r: 5, fill: "#e07b00"}));
  nodes.append(RK.el("svg:text", {x: PAD + 8, y: PAD + 8, "font-size": 11, fill: "#1d2330", text: "<s>"}));
  // A pruned node's mark and edge are faded; its label is grey but stays readable (faded with the
  // mark, the runners-up's words were 1.9:1 on white, unreadable; #5b6475 is 6:1).
  for (const n of tree.nodes) {
    const p = pos.get(n.id), hot = onBest(n), colour = hot ? "#e07b00" : "#2b59c3", pruned = n.status === "pruned";
    const g = RK.el("svg:g", {class: "tree-node" + (pruned ? " pruned" : ""),
      onmousemove: e => RK.tip(`${n.piece} (${n.status}): log p = ${RK.fmt(n.score)}`, e), onmouseleave: () => RK.tip(null)});
    if (n.status === "finished") {
      g.append(RK.el("svg:rect", {x: p.x - 5, y: p.y - 5, width: 10, height: 10, fill: colour, stroke: "#1d2330", "stroke-width": 1.5}));
    } else {
      g.append(RK.el("svg:circle", {cx: p.x, cy: p.y, r: 5, fill: pruned ? "#fff" : colour, stroke: colour, "stroke-width": 1.5,
        opacity: pruned ? 0.35 : null}));
    }
    const label = short(n.piece);
    g.append(RK.el("svg:text", {x: p.x + 8, y: p.y + 4, "font-size": 11, fill: pruned ? "#5b6475" : "#1d2330",
      "font-weight": hot ? "bold" : null, text: label}));
    nodes.append(g);
  }
  const ring = RK.el("svg:circle", {r: 9, fill: "none", stroke: "#b06a00", "stroke-width": 2, visibility: "hidden"});
  svg.append(ring);
  box.append(svg);
  shownTree = {steps, pos, svg, ring, fresh: true};
  if (!box.dataset.keys) { box.dataset.keys = "1"; treeKeys(box); }
}

// The keyboard walks the tree drawn last (the mouse hovers it): in its box, the left and right arrows
// go a step back or on, up and down within a step; the node is ringed, scrolled into view, and its
// piece and score show in the tooltip and are read out. The box keeps these keys across redraws.
let shownTree = null;
function treeKeys(box) {
  const COL = 68, ROW = 22, moves = {ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1]};
  box.addEventListener("blur", () => { if (shownTree) shownTree.ring.setAttribute("visibility", "hidden"); });
  RK.keyCursor(box, (key, at) => {
    if (!moves[key] || !shownTree) return null;
    const steps = shownTree.steps;
    if (at === null || shownTree.fresh) { shownTree.fresh = false; return [0, 0]; }
    const t = Math.max(0, Math.min(steps.length - 1, at[0] + moves[key][0]));
    return [t, Math.max(0, Math.min(steps[t].length - 1, at[1] + moves[key][1]))];
  }, ([t, i]) => {
    const {steps, pos, svg, ring} = shownTree, n = steps[t][i], p = pos.get(n.id);
    ring.setAttribute("cx", p.x); ring.setAttribute("cy", p.y); ring.setAttribute("visibility", "visible");
    if (p.x - COL / 2 < box.scrollLeft) box.scrollLeft = p.x - COL / 2;
    if (p.x + COL > box.scrollLeft + box.clientWidth) box.scrollLeft = p.x + COL - box.clientWidth;
    if (p.y - ROW < box.scrollTop) box.scrollTop = p.y - ROW;
    if (p.y + ROW > box.scrollTop + box.clientHeight) box.scrollTop = p.y + ROW - box.clientHeight;
    const inner = svg.getBoundingClientRect(), outer = box.getBoundingClientRect();
    return [`step ${t + 1}: ${n.piece} (${n.status}): log p = ${RK.fmt(n.score)}`, inner.left - outer.left + p.x, inner.top - outer.top + p.y];
  });
}
