"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const $ = id => document.getElementById(id);
  const error = $("error");
  try { await RK.modelSelect($("model"), "translate"); } catch (e) { error.textContent = "Error: " + e.message; }
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    RK.busy($("go"), error, async () => {
      const body = {text: $("text").value, model: $("model").value || undefined,
                    beam: Number($("beam").value), n_best: Number($("nbest").value)};
      const r = await RK.api("/api/translate", body);
      $("result").hidden = false;
      $("translation").textContent = r.translation || "(empty)";
      const flags = [`score ${RK.fmt(r.score)}`];
      if (r.truncated) flags.push("the source was cut to the model's length limit");
      if (r.hit_max) flags.push("stopped at the length limit");
      $("flags").textContent = flags.join(" · ");
      const alt = $("alternatives"); alt.textContent = "";
      alt.append(RK.table(["#", "translation", "score"], r.alternatives.map((a, i) => [i + 1, a.text, RK.fmt(a.score)]), [0, 2]));
      $("tree").textContent = r.beam_tree ? "" : r.beam_tree_note;
      if (r.attention) {
        RK.heatmap($("attention"), r.attention, {
          rowLabels: r.tgt_pieces.slice(0, r.attention.length), colLabels: r.src_pieces, lo: 0, hi: 1, maxCell: 48,
          onHover: (row, col, v) => `${r.tgt_pieces[row] ?? row} ← ${r.src_pieces[col] ?? col}: ${RK.fmt(v)}`,
        });
      } else { $("attention").textContent = "This model has no attention."; }
    });
  });
  $("form").requestSubmit();
});
