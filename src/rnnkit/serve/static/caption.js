"use strict";
// The longest side of an upload the browser shrinks (one over the server's bounds): far more than any
// model's square (32 to 224 pixels), a few hundred kB as a JPEG
const SHRINK_SIDE = 1024;
document.addEventListener("DOMContentLoaded", async () => {
  const $ = id => document.getElementById(id);
  const error = $("error");
  let chosen = null;  // {sample: n} or {image: base64}
  let chosenNote = "";  // what the browser did to the chosen upload (shrunk), said under the result
  let chosenName = "";  // the chosen upload's file name, in the server's refusal of it
  let picks = 0;  // each choice counts: a photo still being shrunk is forgotten when a scene is picked
  let maxImage = null, maxSide = null, maxBody = null;  // bytes and pixels a side, bytes a request: the server's
  const MAX_BEAM = Number($("beam").max);  // the server's bound; a model saved with a wider beam allows it
  // A beam the user typed stays where a restart's models are drawn (RK.needModel, redrawModels), within
  // the new model's bound: caption-b's saved 2 replaced a typed 4. A model chosen by hand brings its own.
  let typed = false;
  try {
    const count = await RK.modelSelect($("model"), "caption");
    if (!count) error.textContent = RK.noModel("caption");
    modelsDrawn();
    $("model").rkDrawn = modelsDrawn;  // again where a restart's models are drawn (RK.needModel, redrawModels)
    $("model").addEventListener("change", () => { typed = false; sceneNote(); modelBeam(); });
    $("beam").addEventListener("input", () => { typed = true; });
    const info = await RK.api("api/caption/samples");
    maxImage = info.max_image_bytes; maxSide = info.max_image_side; maxBody = info.max_body_bytes;
    for (let n = 0; n < info.count; n++) {
      // a button to the keyboard too: Tab reaches it, Enter or Space picks it
      // the dashed border (a held-out pair) and the chosen scene's outline are said too, not only seen
      const heldout = n % 6 === 5;
      const img = RK.el("img", {src: RK.url(`api/caption/sample/${n}.png`), "data-n": n, class: heldout ? "heldout" : null,
                                alt: `generated scene ${n}` + (heldout ? " (a colour-shape pair kept out of training)" : ""),
                                tabindex: n === 0 ? 0 : -1, role: "button", "aria-pressed": "false"});
      img.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); img.click(); return; }
        const next = sceneAfter(img, event.key);
        if (next) { event.preventDefault(); rove(next); next.focus(); }
      });
      img.addEventListener("click", () => {
        choose(img);
        chosen = {sample: n}; chosenNote = ""; chosenName = ""; picks++;
        $("file").value = "";
        $("form").requestSubmit();
      });
      $("samples").append(img);
    }
  } catch (e) { error.textContent = "Error: " + e.message; }

  RK.pickAgain($("file"));
  RK.dropInto($("file"));
  $("file").addEventListener("change", async () => {
    const f = $("file").files[0];
    if (!f) return;
    const pick = ++picks;
    // A phone's photo (12 megapixels: 3 to 8 MB, or 4624 pixels wide) is over the server's bounds,
    // and the model reads it at its own small square anyway: the browser shrinks it, as it shows it
    // (upright, transparent parts on white, as the server reads them), and says so. A file within the
    // bounds is sent as it is, unless its request passes the server's bound on a request body, which
    // counts the JSON sent, the file in base64 (a third larger) with the other fields: a picture a few
    // dozen bytes under 3 MiB was sent, and refused as "request body too large (at most 4194304 bytes)".
    const bitmap = await createImageBitmap(f).catch(() => null);  // null: no picture this browser reads
    const side = bitmap ? Math.max(bitmap.width, bitmap.height) : 0;
    const over = f.size > maxImage || side > maxSide;
    const asIs = (bitmap ? !over : !RK.tooBig(f, maxImage, "images")) ? await dataUrl(f) : null;
    const overBody = asIs !== null && maxBody && sentBytes({image: asIs}) > maxBody;
    let url = asIs, note = "";
    if (bitmap && (over || overBody)) {
      const scale = Math.min(1, SHRINK_SIDE / side);
      const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = RK.el("canvas", {width: w, height: h}), ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, w, h);
      ctx.drawImage(bitmap, 0, 0, w, h);
      url = canvas.toDataURL("image/jpeg", 0.92);
      // a picture of at most SHRINK_SIDE pixels keeps them: only its file is made smaller ("shrunk to 8×8" of an 8×8)
      const made = w === bitmap.width && h === bitmap.height ? `made a smaller JPEG of the same ${w}×${h} pixels`
        : `shrunk to ${w}×${h}`;
      note = `${f.name} (${bitmap.width}×${bitmap.height} pixels, ${(f.size / 1048576).toFixed(1)} MB) was ${made} ` +
        "in this browser before sending: " + (over
          ? `the server takes at most ${(maxImage / 1048576).toFixed(1)} MB and ${maxSide} pixels a side.`
          : `in base64, as it is sent, it was over the server's bound of ${maxBody.toLocaleString("en")} bytes on a request.`);
    } else if (overBody) url = null;
    if (bitmap) bitmap.close();
    if (pick !== picks) return;  // a scene or another file was picked meanwhile
    // Over the bounds and not shrunk: no picture this browser reads (an iPhone's HEIC photo, a TIFF scan),
    // and so none the server reads either. Only its size was said, and the user who made it smaller was
    // refused again for its format.
    const big = url ? null :
      `Error: ${f.name} (${(f.size / 1048576).toFixed(1)} MB) is not a picture this browser can read, nor can the ` +
      "server, which reads PNG, JPEG, GIF, BMP and WebP: convert it to JPEG or PNG first";
    // refused: the picture picked before is forgotten too, or the button captioned it under this name
    if (big) { error.textContent = big; $("result").hidden = true; $("file").value = ""; chosen = null; choose(null); return; }
    chosen = {image: url}; chosenNote = note; chosenName = f.name;
    choose(null);
    $("form").requestSubmit();
  });

  function dataUrl(f) {
    return new Promise((ok, fail) => {
      const reader = new FileReader();
      reader.onload = () => ok(reader.result); reader.onerror = () => fail(reader.error);
      reader.readAsDataURL(f);
    });
  }

  // The request the Caption button sends for `asked` ({sample: n} or {image: url}), and its size in bytes
  // as the server counts it (its bound is on the body, the JSON, not on the image within it).
  function requestBody(asked) {
    return {...asked, beam: Number($("beam").value), model: $("model").value || undefined};
  }
  function sentBytes(asked) { return new Blob([JSON.stringify(requestBody(asked))]).size; }

  function modelEntry() {
    return ($("model").rkModels || []).find(m => m.id === $("model").value) || {};
  }

  // The box's models are drawn (at load, or by needModel after a restart brought some). The scenes are
  // shapes: a model that reads them is the first choice (rnnkit demo's model of handwritten numbers came
  // first by name, and read a scene of shapes as "9 6 3 3"); then its note and saved beam.
  function modelsDrawn() {
    const fit = ($("model").rkModels || []).find(m => m.reads_scenes);
    if (fit && !modelEntry().reads_scenes) $("model").value = fit.id;
    sceneNote(); modelBeam();
  }

  // Said beside the scenes while the chosen model cannot read them (its words are not the scenes')
  function sceneNote() {
    const entry = modelEntry(), note = $("scenenote");
    note.hidden = entry.reads_scenes !== false;
    note.textContent = note.hidden ? "" : `⚠ ${entry.id} was not trained on these scenes (its vocabulary lacks their shape ` +
      "words), so its captions of them are guesses: upload an image like its training images, or pick another model.";
  }

  // The beam starts at the chosen model's saved one, the beam rnnkit caption describe searches with, so
  // the page and the command line give a picture one caption (the page's fixed 3 gave another than the
  // demo model's 10); the user may change it, up to the server's bound or that beam where it is larger.
  function modelBeam() {
    const beam = modelEntry().beam;
    const saved = Number.isInteger(beam);  // else no saved beam known: the server's bound, not the last model's wider one
    const max = saved ? Math.max(MAX_BEAM, beam) : MAX_BEAM;
    $("beam").max = String(max);
    $("beam").value = String(saved && !typed ? beam : Math.min(Number($("beam").value) || 1, max));
  }

  function choose(picked) {  // the scene picked (null: an upload)
    document.querySelectorAll(".samples img").forEach(i => {
      i.classList.toggle("chosen", i === picked); i.setAttribute("aria-pressed", String(i === picked));
    });
    if (picked) rove(picked);
  }

  // The scenes are one Tab stop (the one picked, else the first), and the arrow keys move among them as
  // they are laid out (Home, End: the first, the last): each was a Tab stop, and after picking one the
  // keyboard went through up to 23 more to reach its caption.
  function rove(img) {
    document.querySelectorAll("#samples img").forEach(i => { i.tabIndex = i === img ? 0 : -1; });
  }
  function sceneAfter(img, key) {
    const all = [...document.querySelectorAll("#samples img")], at = all.indexOf(img);
    const columns = all.filter(i => i.offsetTop === all[0].offsetTop).length;  // the grid's row, as drawn
    const to = {ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + columns, ArrowUp: at - columns,
                Home: 0, End: all.length - 1}[key];
    return to === undefined ? null : all[Math.max(0, Math.min(all.length - 1, to))];
  }

  let picture = null, result = null;
  function draw(step) {
    const canvas = $("photo"), ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(picture, 0, 0, canvas.width, canvas.height);
    const maps = result.attention;
    document.querySelectorAll("#words button").forEach((b, i) => {
      b.classList.toggle("chosen", i === step); b.setAttribute("aria-pressed", String(i === step));
    });
    if (!maps || step === null || !Array.isArray(maps[step][0])) { $("which").textContent = ""; return; }
    const map = maps[step], side = map.length, peak = Math.max(...map.flat(), 1e-9);
    const cell = canvas.width / side;
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) {
      ctx.fillStyle = `rgba(0,0,0,${0.75 * (1 - map[r][c] / peak)})`;  // dim what it did not look at
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
    $("which").textContent = `"${result.words[step] ?? "<end>"}": ${whereLooked(map)}; the brightest region got ` +
      `${RK.fmt(peak)} of the attention (a ${side}×${side} grid).`;
  }

  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const pick = "Pick a scene or upload an image.";
    if (!chosen && $("model").rkModels?.length) { error.textContent = pick; return; }
    RK.busy($("go"), error, async (current) => {
      await RK.needModel($("model"));  // with none, a scene or a file is no use: that is said
      if (!current()) return;
      if (!chosen) { error.textContent = pick; return; }
      const asked = chosen, askedNote = chosenNote, askedName = chosenName;
      // sized for the model and beam of its pick: another model's longer name may take it over the bound
      if (askedName && maxBody && sentBytes(asked) > maxBody) {
        throw new Error(`${askedName} is over the server's bound of ${maxBody.toLocaleString("en")} bytes on a request ` +
          "with this model and beam (in base64, as it is sent): pick it again, and this page shrinks it");
      }
      const answer = await RK.api("api/caption", requestBody(asked), current.signal)
        .catch(e => {  // a refused upload is named as the user knows it ('notes.txt: not a readable image')
          throw askedName && e.status === 400 ? new Error(`${askedName}: ${e.message}`) : e;
        });
      if (!current()) return;
      const image = new Image();
      await new Promise((ok, fail) => { image.onload = ok; image.onerror = fail; image.src = answer.image; });
      if (!current()) return;
      result = answer; picture = image;
      // the picture is the model's input, not the upload: a wide photo came back squashed into the
      // square with no word why
      const side = image.naturalWidth, upload = "image" in asked;
      $("seen").textContent = `The picture as the model sees it: ${side}×${side} pixels` +
        (upload ? " (an upload is scaled to this square: a picture that is not square is stretched)." : ".") +
        (askedNote ? " " + askedNote : "");
      $("result").hidden = false;
      $("caption").textContent = result.caption || "(empty)";
      const fam = $("familiar"); fam.textContent = "";
      if (result.ood_score === null) fam.append(RK.el("span", {class: "badge plain", text: "no familiarity statistics in this model"}));
      else fam.append(RK.el("span", {class: "badge " + (result.unfamiliar ? "bad" : "good"),
        text: result.unfamiliar ? "unlike the training images" : "like the training images"}),
        ` out-of-distribution score ${RK.fmt(result.ood_score, 2)} (threshold ${RK.fmt(result.ood_threshold, 2)}), log-prob ${RK.fmt(result.log_prob, 2)}`);
      const words = $("words"); words.textContent = "";
      const labels = result.attention ? result.words.concat(result.attention.length > result.words.length ? ["<end>"] : []) : result.words;
      labels.forEach((w, i) => {
        const b = RK.el("button", {type: "button", text: w});
        b.addEventListener("mouseenter", () => draw(i));
        b.addEventListener("click", () => draw(i));
        b.addEventListener("focus", () => draw(i));
        words.append(b);
      });
      const maps = $("maps"); maps.textContent = "";
      // One scale for every word (the largest weight of any word), so maps compare with each other;
      // a model that spreads its attention evenly shows evenly pale maps.
      // Full colour at twice the uniform weight or the largest weight, whichever is higher.
      const cells = result.attention && Array.isArray(result.attention[0][0]) ? result.attention[0].flat().length : 1;
      const peak = Math.max(...(result.attention || []).flat(2), 2 / cells);
      (result.attention || []).forEach((map, i) => {
        if (!Array.isArray(map[0])) return;
        const c = RK.el("canvas", {width: map.length, height: map.length});
        const ctx = c.getContext("2d");
        map.forEach((row, r) => row.forEach((v, k) => {
          const t = Math.round(255 * (1 - v / peak)); ctx.fillStyle = `rgb(${t},${t},255)`; ctx.fillRect(k, r, 1, 1);
        }));
        // what the map shows, said (its caption alone named the word, not where the word looked)
        c.setAttribute("role", "img");
        c.setAttribute("aria-label", `'${labels[i] ?? ""}': ${whereLooked(map)}`);
        maps.append(RK.el("figure", {}, [c, RK.el("figcaption", {text: labels[i] ?? ""})]));
      });
      if (!result.attention) maps.textContent = "This model has no attention.";
      $("alternatives").textContent = "";
      $("alternatives").append(RK.table(["beam width", "caption", "log-prob"], result.alternatives.map(a => [a.beam, a.caption, RK.fmt(a.log_prob, 2)]), [0, 2]));
      $("altnote").textContent = result.alternatives_note;
      draw(0);
      // On a phone the scenes fill the screen and the answer comes under them: a scene picked in their
      // last rows changed nothing in view, and the caption waited below the fold. Its card is brought
      // up just enough to show it (the scenes stay in view above it); one already on screen stays put.
      const card = $("caption").closest(".card");
      if (card.getBoundingClientRect().bottom > window.innerHeight) card.scrollIntoView({block: "nearest"});
    }, $("result"));
  });
});

// Where one word's attention map looked, in words (the text alternative of its picture): the ninth of
// the picture (upper left ... lower right) where the weight is densest, and its share of the weight;
// "all over the picture" when no ninth holds even 1.5 times its area's share (a flat map has no place
// to name). map: side x side weights, row 0 at the top. A grid whose side is no multiple of 3 has
// ninths of unequal size, so they are compared by weight per cell, not by their sums.
const WHERE = [["the upper left", "the top", "the upper right"], ["the left side", "the centre", "the right side"],
               ["the lower left", "the bottom", "the lower right"]];
function whereLooked(map) {
  const sums = Array(9).fill(0), cells = Array(9).fill(0);
  let total = 0, count = 0;
  map.forEach((row, r) => row.forEach((v, c) => {
    const ninth = 3 * Math.floor(3 * (r + 0.5) / map.length) + Math.floor(3 * (c + 0.5) / row.length);
    sums[ninth] += v; cells[ninth] += 1; total += v; count += 1;
  }));
  if (!(total > 0)) return "no attention weights";
  let best = -1;
  for (let k = 0; k < 9; k++) if (cells[k] && (best < 0 || sums[k] / cells[k] > sums[best] / cells[best])) best = k;
  const share = sums[best] / total, even = cells[best] / count;
  if (share < 1.5 * even) return "looked all over the picture, no part much more than another";
  return `looked mostly at ${WHERE[Math.floor(best / 3)][best % 3]} (${Math.round(100 * share)}% of its attention)`;
}
