// rnnkit serve: shared helpers for every page (plain JS, no libraries, no network beyond this server).
"use strict";

const RK = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  // The app's root, the folder above this script's static/: every URL the pages use ("api/translate",
  // "static/x.js") is relative to it, never to the host's root, so the app works behind a reverse proxy
  // that serves it under a sub-path (/rnnkit/) as well as at /, and from a page at any depth (a 404).
  const ROOT = new URL("../", document.currentScript.src);
  // url("api/caption/sample/0.png"): that path of this app, in full
  function url(path) { return new URL(path, ROOT).href; }

  // el("div", {class: "x", text: "hi"}, [children]): build an element; attributes by setAttribute.
  function el(tag, attrs = {}, children = []) {
    const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined) continue;
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of [].concat(children)) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  // POST (or GET when body is undefined) a JSON API call to `path` of this app ("api/models", see ROOT);
  // a non-2xx answer throws its one-line error.
  // `signal` (a job's current.signal, see busy) aborts the request when the user cancels it.
  async function api(path, body, signal) {
    const init = body === undefined ? {signal} : {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body), signal,
    };
    let res;
    // no answer at all (the server was stopped, the connection dropped): the browser's own words
    // ("Failed to fetch", "NetworkError when attempting to fetch resource") say nothing to a user
    try { res = await fetch(url(path), init); } catch (e) {
      if (signal && signal.aborted) throw e;  // cancelled: busy() has said so already
      const unreachable = new Error(UNREACHABLE);
      unreachable.unreachable = true;  // busy() says which button to press once it runs again
      throw unreachable;
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const refused = new Error(res.status === 500 ? bug(data && data.error) : (data && data.error) || plainError(res.status));
      refused.status = res.status;  // a page may say a 400 of its input in its own words
      throw refused;
    }
    return data;
  }

  // A 500 is a bug of the server, not a mistake in the input: its bare words ("internal error
  // (ZeroDivisionError)") read as if the input were at fault and said nowhere to look
  function bug(said) {
    return `rnnkit serve hit a bug on this request (${said || "no reason given"}); the terminal it runs in ` +
      "shows the details. Another input may work.";
  }

  // Said plainly, and what to do: the page need not be reloaded (the button works again once the server
  // runs, and a reload lost what was typed), which "start it again and reload the page" told the user.
  const UNREACHABLE = "the server is not answering: rnnkit serve was stopped, or this page cannot reach it.";

  // An answer without the app's JSON error: the server itself turned the request away (uvicorn's
  // plain-text 503 when every connection it takes is in use), or something between page and server.
  function plainError(status) {
    if (status === 503) return "the server is busy (every place in its queue is taken); try again in a moment";
    return `the server answered HTTP ${status} without a reason`;
  }

  // Run an async job behind a button: disable it, show errors in `errorBox`, keep the page usable.
  // The latest job of a button wins: job(current) calls current() after each await and stops when a
  // newer job has started (a second scene clicked while the first is captioned must not be overwritten
  // by the first's late answer). On an error the `result` element (the previous answer) is hidden, so
  // the page never shows an old input's result under the new input's error.
  // While a job runs, a line beside its button says so ("working…", then "still working…"): a faded
  // button alone said nothing, and a request queued behind others on a busy server looked like a hang.
  // With "still working…" comes a Cancel button: the user who sees a slow answer coming to the wrong
  // input (a long text, a busy server's queue) waited up to the server's deadline (30 s) with the
  // button disabled. Cancel drops the job (its answer, if it comes, is not shown), aborts its request
  // (current.signal, passed to api) and gives the button back; the server may finish computing it.
  const jobs = new WeakMap();
  let issued = 0;  // every job's number, and every cancel's: one count, so no two are equal
  async function busy(button, errorBox, job, result) {
    const n = ++issued;
    jobs.set(button, n);
    const current = () => jobs.get(button) === n;
    const control = new AbortController();
    current.signal = control.signal;
    button.disabled = true;
    errorBox.textContent = "";
    const stop = working(button, () => {
      jobs.set(button, ++issued);
      control.abort();
      button.disabled = false;
      stop("cancelled");
      button.focus();  // the Cancel button goes: the keyboard's focus stays on the form
    });
    try { await job(current); } catch (e) {
      const press = `press “${button.textContent.trim()}” again.`;
      let said = e.message + (e.unreachable ? ` Start it again (rnnkit serve), then ${press}` : "");
      const redrawn = current() && e.status === 400 ? await redrawModels() : [];
      // the box drawn again may hold none of the page's kind ("none on this server"): then there is
      // nothing to choose, and the way on is a server started with such a model
      const empty = redrawn.find(select => !select.rkModels.length);
      if (empty) {
        const kind = empty.rkApplication;
        said = e.message.replace(/\.?$/, ".") + ` rnnkit serve was restarted with no ${kind} model: start it ` +
          `with --models DIR holding one from rnnkit ${kind} train, then ${press}`;
      } else if (redrawn.length) {
        said = e.message.replace(/\.?$/, ".") + " The server's models have changed since this page was opened " +
          `(rnnkit serve was restarted): the Model box lists them now; choose one and ${press}`;
      }
      if (current()) {
        errorBox.textContent = "Error: " + said;
        if (result) result.hidden = true;
      }
    } finally { if (current()) { button.disabled = false; stop(); } }
  }

  const WORKING_AFTER_MS = 300, STILL_AFTER_MS = 5000;  // a quick answer shows no flash of the line

  // Show the button's "working…" line (a polite status, read out once, not at every tick) until the
  // returned function is called (with a last word for the line, or none); with "still working…" a
  // Cancel button after it calls `cancel`.
  function working(button, cancel) {
    let line = button.rkWorking;
    if (!line) {
      line = el("span", {class: "working", role: "status"});
      const stopper = el("button", {type: "button", class: "secondary cancel", text: "Cancel", hidden: ""});
      stopper.addEventListener("click", () => stopper.rkCancel && stopper.rkCancel());
      button.after(line, stopper);
      button.rkWorking = line;
      line.rkStopper = stopper;
    }
    const stopper = line.rkStopper;
    clearTimeout(line.rkFirst); clearTimeout(line.rkStill);
    line.textContent = "";
    stopper.hidden = true;
    stopper.rkCancel = cancel;
    line.rkFirst = setTimeout(() => { line.textContent = "working…"; }, WORKING_AFTER_MS);
    line.rkStill = setTimeout(() => {
      line.textContent = "still working… (a long input or a busy server takes a while)";
      stopper.hidden = false;
    }, STILL_AFTER_MS);
    return (last = "") => {
      clearTimeout(line.rkFirst); clearTimeout(line.rkStill);
      line.textContent = last;
      stopper.hidden = true;
      stopper.rkCancel = null;
    };
  }

  let tipNode = null;
  function tip(text, event) {
    if (!tipNode) { tipNode = el("div", {class: "tip"}); document.body.append(tipNode); }
    if (text === null) { tipNode.style.display = "none"; return; }
    tipNode.textContent = text;
    tipNode.style.display = "block";
    tipNode.style.left = "0px";  // measured at the left edge: its whole width, at most the viewport's
    const x = Math.min(event.clientX + 12, window.innerWidth - tipNode.offsetWidth - 4);
    tipNode.style.left = Math.max(4, x) + "px";
    tipNode.style.top = (event.clientY + 14) + "px";
  }

  // What the keyboard's cursor on a chart points at, read out by a screen reader (a polite live region,
  // seen by no one); the mouse's hover shows the same text in the tooltip.
  let spoken = null;
  function say(text) {
    if (!spoken) { spoken = el("div", {class: "sr-only", "aria-live": "polite"}); document.body.append(spoken); }
    spoken.textContent = text;
  }

  // The keyboard's way to a chart's values (the mouse's is hovering): Tab to the chart, then the arrow
  // keys move a cursor; its values show in the tooltip at the point, and are read out. move(key, at)
  // gives the cursor's next place (null: not a key it handles); show(at) its text and point on screen.
  function keyCursor(node, move, show) {
    let at = null;
    node.addEventListener("keydown", (event) => {
      const next = move(event.key, at);
      if (next === null) return;
      event.preventDefault();
      at = next;
      const [text, x, y] = show(at), box = node.getBoundingClientRect();
      tip(text, {clientX: box.left + x, clientY: box.top + y});
      say(text);
    });
    node.addEventListener("blur", () => tip(null));
  }

  // Colour scales: sequential (0..1, white to blue) and diverging (-1..1, red-white-blue).
  function seq(t) {
    t = Math.max(0, Math.min(1, t));
    const r = Math.round(255 - t * (255 - 20)), g = Math.round(255 - t * (255 - 70)), b = Math.round(255 - t * (255 - 170));
    return `rgb(${r},${g},${b})`;
  }
  function div(t) {
    t = Math.max(-1, Math.min(1, t));
    if (t >= 0) return `rgb(${Math.round(255 - t * 220)},${Math.round(255 - t * 160)},${Math.round(255 - t * 70)})`;
    const u = -t;
    return `rgb(${Math.round(255 - u * 60)},${Math.round(255 - u * 200)},${Math.round(255 - u * 200)})`;
  }

  // A file the server would refuse for its size, named before it is sent (the server's own 413 speaks of
  // a request body, not of the file the user picked): the one-line error, or null when it fits.
  function tooBig(file, limit, what) {
    if (!limit || file.size <= limit) return null;
    const mb = n => (n / 1048576).toFixed(1) + " MB";
    return `Error: ${file.name} is ${mb(file.size)}; the server takes ${what} of at most ${mb(limit)}`;
  }

  function fmt(v, digits = 3) {
    if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
    return v.toFixed(digits);
  }

  const MIN_LABELLED_CELL = 17;  // px between two columns whose labels are drawn

  // A heat map on a canvas: matrix[r][c]; labels on the left and on top (rotated), hover tooltip,
  // optional click. opts: rowLabels, colLabels, lo, hi, diverging, cell (px height), title, onHover, onClick.
  function heatmap(container, matrix, opts = {}) {
    container.textContent = "";
    container.classList.remove("scroll", "cut", "more-left", "more-right");  // set again below if this map is too wide for its box
    container.onscroll = null;
    container.rkEdges?.disconnect();  // the edges' watch on the map drawn before (cutEdges)
    ["role", "tabindex", "aria-label"].forEach(k => container.removeAttribute(k));
    const rows = matrix.length, cols = rows ? matrix[0].length : 0;
    const rowLabels = opts.rowLabels || [], colLabels = opts.colLabels || [];
    const canvas = el("canvas");
    container.append(canvas);
    const ctx = canvas.getContext("2d");
    ctx.font = "11px system-ui, sans-serif";
    const left = Math.min(140, 8 + Math.max(0, ...rowLabels.map(s => ctx.measureText(String(s)).width)));
    const showCols = colLabels.length && cols <= 80;
    const top = showCols ? Math.min(90, 10 + Math.max(0, ...colLabels.map(s => ctx.measureText(String(s)).width)) * 0.72) : 6;
    const width = Math.max(120, container.clientWidth || 600);
    // a labelled column is never narrower than its label's line (11 px text at 45 degrees needs 17 px
    // between columns): on a phone the attention map's labels ran into each other and its rows' Korean
    // pieces overlapped; a map that is then wider than its box scrolls inside it
    const fit = (width - left - 4) / Math.max(cols, 1);
    const cw = Math.max(showCols ? MIN_LABELLED_CELL : 1, Math.min(opts.maxCell || 44, fit));
    const ch = opts.cell || Math.max(4, Math.min(22, cw));
    const w = Math.ceil(left + cw * cols + 4), h = Math.ceil(top + ch * rows + 4);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = w * dpr; canvas.height = h * dpr;
    canvas.style.width = w + "px"; canvas.style.height = h + "px";
    const scrolls = w > width;
    if (scrolls) {  // its own box scrolls sideways: a named Tab stop, as a wide table's
      canvas.style.maxWidth = "none";
      container.classList.add("scroll");
      Object.entries({role: "region", tabindex: 0, "aria-label": `${opts.title || "heat map"}, scrolls sideways`})
        .forEach(([k, v]) => container.setAttribute(k, v));
      cutEdges(container);
    }
    ctx.scale(dpr, dpr);
    ctx.font = "11px system-ui, sans-serif";
    const lo = opts.lo ?? 0, hi = opts.hi ?? 1;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const v = matrix[r][c];
      ctx.fillStyle = opts.diverging ? div(v / Math.max(Math.abs(lo), Math.abs(hi), 1e-9)) : seq((v - lo) / ((hi - lo) || 1));
      ctx.fillRect(left + c * cw, top + r * ch, Math.ceil(cw), Math.ceil(ch));
    }
    ctx.fillStyle = "#1d2330";
    ctx.textBaseline = "middle"; ctx.textAlign = "right";
    const every = Math.ceil(11 / ch);
    rowLabels.forEach((s, r) => { if (r % every === 0) ctx.fillText(String(s), left - 4, top + r * ch + ch / 2); });
    if (showCols) {
      ctx.textAlign = "left";
      colLabels.forEach((s, c) => {
        ctx.save(); ctx.translate(left + c * cw + cw / 2, top - 4); ctx.rotate(-Math.PI / 4);
        ctx.fillText(String(s), 0, 0); ctx.restore();
      });
    }
    if (opts.mark !== undefined && opts.mark !== null) {  // outline a row (a selected unit)
      ctx.strokeStyle = "#e0a000"; ctx.lineWidth = 2;
      ctx.strokeRect(left + 1, top + opts.mark * ch + 1, cw * cols - 2, ch - 2);
    }
    const at = (event) => {
      const box = canvas.getBoundingClientRect();
      const x = (event.clientX - box.left) * (w / box.width), y = (event.clientY - box.top) * (h / box.height);
      const c = Math.floor((x - left) / cw), r = Math.floor((y - top) / ch);
      return (r >= 0 && r < rows && c >= 0 && c < cols) ? [r, c] : null;
    };
    const says = (r, c) => opts.onHover ? opts.onHover(r, c, matrix[r][c]) : `${rowLabels[r] ?? r} / ${colLabels[c] ?? c}: ${fmt(matrix[r][c])}`;
    canvas.addEventListener("mousemove", (event) => {
      const p = at(event);
      if (!p) { tip(null); return; }
      tip(says(p[0], p[1]), event);
    });
    canvas.addEventListener("mouseleave", () => tip(null));
    // a screen reader is told what the picture is (a canvas is otherwise skipped, as if empty); the
    // keyboard reads its cells with the four arrows
    if (!opts.onClick && rows && cols) {
      canvas.tabIndex = 0;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${opts.title || "heat map"}: ${rows} rows by ${cols} columns; the arrow keys read the values`);
      const steps = {ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0]};
      keyCursor(canvas, (key, p) => {
        if (!steps[key]) return null;
        if (p === null) return [0, 0];
        return [Math.max(0, Math.min(rows - 1, p[0] + steps[key][0])), Math.max(0, Math.min(cols - 1, p[1] + steps[key][1]))];
      }, ([r, c]) => {
        const scale = canvas.getBoundingClientRect().width / w;
        if (scrolls) {  // the cursor's column is scrolled into view
          const x0 = left + c * cw, box = container;
          if (x0 - left < box.scrollLeft) box.scrollLeft = Math.max(0, x0 - left);
          if (x0 + cw > box.scrollLeft + box.clientWidth) box.scrollLeft = x0 + cw - box.clientWidth;
        }
        return [says(r, c), (left + (c + 1) * cw) * scale, (top + (r + 1) * ch) * scale];
      });
    }
    if (opts.onClick) {
      canvas.addEventListener("click", (event) => { const p = at(event); if (p) opts.onClick(p[0], p[1]); });
      // the keyboard too: Tab to the map, then the arrow keys move the selected row (Enter: the first)
      canvas.tabIndex = 0;
      canvas.setAttribute("aria-label", (opts.title || "heat map") + ": arrow keys select a row");
      canvas.addEventListener("keydown", (event) => {
        const mark = opts.mark ?? -1, step = {ArrowDown: 1, ArrowUp: -1, Enter: 0}[event.key];
        if (step === undefined || !rows) return;
        event.preventDefault();
        opts.onClick(Math.max(0, Math.min(rows - 1, step === 0 ? Math.max(mark, 0) : mark + step)), 0);
      });
    }
    return canvas;
  }

  // A heat map cut by its box shows a shadow on each side that hides more, as a cut table does (at 390 px
  // a long sentence's attention map and a long input's gates ended at the box's edge with no sign that
  // they went on, as a phone draws no scroll bar until touched). A table's shadows lie behind it, under
  // white covers that scroll with it; a map is opaque, so these lie over it: an edge that stays at each
  // side of the box (sticky), shown while that side hides columns. Kept so as the box is scrolled and
  // as it changes width: a phone turned to 700 px, where the map fits, kept the right edge's shadow over
  // its last column.
  function cutEdges(box) {
    const edge = (side) => el("span", {class: `edge ${side}`, "aria-hidden": "true"});
    box.classList.add("cut");
    box.prepend(edge("left"));
    box.append(edge("right"));
    box.onscroll = () => {
      box.classList.toggle("more-left", box.scrollLeft > 1);
      box.classList.toggle("more-right", box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
    };
    box.onscroll();
    box.rkEdges = new ResizeObserver(() => box.onscroll?.());
    box.rkEdges.observe(box);
  }

  // Ticks between lo and hi at a round step (1, 2, 2.5 or 5 times a power of ten): the widest step that
  // still marks four of them, and the decimals that step needs.
  // A range float64 cannot split at round steps (flat values near 1e16, or a spread of a few units in
  // the last place, where k++ no longer changes k * step) gets its two ends: the loops never ended there.
  function roundTicks(lo, hi) {
    const span = hi - lo;
    if (!(span > 0) || !Number.isFinite(span) || Math.max(Math.abs(lo), Math.abs(hi)) / span > 2 ** 40) {
      return {ticks: [lo, hi], digits: 2};
    }
    const top = Math.floor(Math.log10(span));
    for (let exponent = top; exponent >= top - 2; exponent--) {
      for (const mantissa of [5, 2.5, 2, 1]) {
        const step = mantissa * Math.pow(10, exponent), ticks = [];
        for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step && ticks.length <= 500; k++) {
          ticks.push(k * step);
        }
        if (ticks.length >= 4) {
          return {ticks, digits: Math.max(0, -exponent) + (mantissa === 2.5 && exponent <= 0 ? 1 : 0)};
        }
      }
    }
    return {ticks: [lo, hi], digits: 2};  // not reached: a step of a hundredth of the range marks 4
  }

  // The points of 0..n-1 marked on an axis of steps: 0 and every multiple of the smallest round step (1, 2
  // or 5 times a power of ten) that marks at most `most`. The gradient flow's axis was marked at evenly
  // spaced points, 0, 10, 20, 29, 39, 49 at length 50, which read as uneven.
  function stepTicks(n, most) {
    for (let power = 1; ; power *= 10) {
      for (const mantissa of [1, 2, 5]) {
        const step = mantissa * power, count = Math.floor(Math.max(n - 1, 0) / step) + 1;
        if (count <= Math.max(most, 1)) return Array.from({length: count}, (_, k) => k * step);
      }
    }
  }

  // Where a chart W px wide whose points 0..n-1 lie from x = left to W - right marks its steps, labelled
  // labels[i] ("t=30", 11 px text, 7 px a character at most): [[i, the x its label is centred on]]. A step
  // of 55 px a label at most: floor(W / 70) marked 4 at a phone's 280-399 px, and steps of 1, 2 or 5 went
  // from 5 labels to 2 (t=0, t=50 at length 100). A label is centred on its point, moved left only as far
  // as keeps it inside the chart: one set to end at the last point ran into the label before it at
  // 385 px (t=100t=120 at length 124).
  function stepMarks(n, labels, W, left, right) {
    return stepTicks(n, Math.min(11, Math.max(2, Math.floor(W / 55)))).map(i => {
      const x = left + (n <= 1 ? 0 : i / (n - 1)) * (W - left - right);
      return [i, Math.min(x, W - 1 - 3.5 * String(labels[i]).length)];
    });
  }

  // A tick's label: the decimals its step needs, or the exponent form for large values and for steps
  // finer than toFixed can write (it throws past 100 decimals: a range of 1e-200 broke the chart).
  function tickText(v, digits) {
    return Math.abs(v) >= 1e5 || digits > 20 ? v.toExponential(2) : v.toFixed(digits);
  }

  // A line chart in SVG. series: [{name, values, color, dash, width}]; bands: [{lo, hi, color}] (arrays);
  // opts: xLabels (strings, one per point), logY, height, yLabel, markers ([[index, label]]).
  function lineChart(container, series, opts = {}) {
    container.textContent = "";
    const W = Math.max(280, container.clientWidth || 700), H = opts.height || 300;
    const m = {l: 58, r: 12, t: opts.yLabel ? 24 : 12, b: 34};
    const n = Math.max(...series.map(s => s.values.length), ...(opts.bands || []).map(b => b.lo.length));
    const tr = v => opts.logY ? Math.log10(v) : v;
    // a point that has no place on the axis (missing; zero or below on a log scale) is a gap in its line
    const drawn = v => v !== null && v !== undefined && Number.isFinite(v) && !(opts.logY && v <= 0);
    const all = [];
    series.forEach(s => s.values.forEach(v => { if (drawn(v)) all.push(tr(v)); }));
    (opts.bands || []).forEach(b => { b.lo.forEach(v => v !== null && all.push(tr(v))); b.hi.forEach(v => v !== null && all.push(tr(v))); });
    let lo = Math.min(...all), hi = Math.max(...all);
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-12) { const half = Math.max(0.5, 1e-9 * Math.abs(hi)); hi += half; lo -= half; }  // flat
    const pad = (hi - lo) * 0.05; lo -= pad; hi += pad;
    const x = i => m.l + (n <= 1 ? 0 : i / (n - 1)) * (W - m.l - m.r);
    const y = v => m.t + (1 - (tr(v) - lo) / (hi - lo)) * (H - m.t - m.b);
    const svg = el("svg:svg", {viewBox: `0 0 ${W} ${H}`, role: "img"});
    // axes and grid
    // y ticks: round numbers (1, 2, 2.5 or 5 times a power of ten apart), or whole powers of ten on a
    // log scale (five even steps from the lowest value read 61.13, 82.33, 103.52: no one reads a chart so)
    const {ticks: even, digits} = roundTicks(lo, hi);
    let ticks = even;
    if (opts.logY) {
      const step = Math.max(1, Math.ceil((Math.floor(hi) - Math.ceil(lo)) / 5));
      ticks = [];
      for (let e = Math.ceil(lo); e <= hi; e += step) ticks.push(e);
    }
    ticks.forEach(tv => {
      const yy = m.t + (1 - (tv - lo) / (hi - lo)) * (H - m.t - m.b);
      svg.append(el("svg:line", {x1: m.l, x2: W - m.r, y1: yy, y2: yy, stroke: "#e6e9ef"}));
      const label = opts.logY ? "1e" + tv : tickText(tv, digits);
      svg.append(el("svg:text", {x: m.l - 6, y: yy + 4, "text-anchor": "end", "font-size": 11, fill: "#5b6475", text: label}));
    });
    if (opts.xLabels && opts.xSteps) {  // the labels name steps 0, 1, 2, ...: marked at a round step, centred (the left margin holds half of "t=0")
      stepMarks(n, opts.xLabels, W, m.l, m.r).forEach(([i, at]) => {
        svg.append(el("svg:text", {x: at, y: H - 12, "text-anchor": "middle", "font-size": 11, fill: "#5b6475", text: opts.xLabels[i]}));
      });
    } else if (opts.xLabels) {  // labels about 100 px wide (dates), from the first to the last point, inside the plot
      const ticks = Math.min(6, n, Math.max(2, Math.floor(W / 120)));
      Array.from({length: ticks}, (_, k) => Math.round(k * (n - 1) / Math.max(ticks - 1, 1))).forEach(i => {
        const anchor = i === 0 ? "start" : (i === n - 1 ? "end" : "middle");
        svg.append(el("svg:text", {x: x(i), y: H - 12, "text-anchor": anchor, "font-size": 11, fill: "#5b6475", text: opts.xLabels[i]}));
      });
    }
    if (opts.yLabel) svg.append(el("svg:text", {x: 4, y: 11, "font-size": 11, fill: "#5b6475", text: opts.yLabel}));
    (opts.bands || []).forEach(b => {
      const up = b.hi.map((v, i) => `${x(i)},${y(v)}`), down = b.lo.map((v, i) => `${x(i)},${y(v)}`).reverse();
      svg.append(el("svg:polygon", {points: up.concat(down).join(" "), fill: b.color, stroke: "none"}));
    });
    series.forEach(s => {
      const runs = [[]];  // one polyline per run of drawn points
      s.values.forEach((v, i) => {
        if (drawn(v)) runs[runs.length - 1].push(`${x(i)},${y(v)}`);
        else if (runs[runs.length - 1].length) runs.push([]);
      });
      runs.filter(pts => pts.length).forEach(pts => svg.append(el("svg:polyline", {points: pts.join(" "), fill: "none",
        stroke: s.color, "stroke-width": s.width || 1.6, "stroke-dasharray": s.dash || null, "stroke-linejoin": "round"})));
    });
    (opts.spans || []).forEach(([a, b]) => {
      svg.append(el("svg:rect", {x: x(a) - 3, y: m.t, width: Math.max(6, x(b) - x(a) + 6), height: H - m.t - m.b, fill: "rgba(255,200,0,0.18)"}));
    });
    // hover: the nearest point's values
    const hit = el("svg:rect", {x: m.l, y: m.t, width: W - m.l - m.r, height: H - m.t - m.b, fill: "transparent"});
    const says = i => (opts.xLabels ? opts.xLabels[i] : `t=${i}`) + "  " + series.map(s => `${s.name} ${fmt(s.values[i])}`).join("  ");
    hit.addEventListener("mousemove", (event) => {
      const box = svg.getBoundingClientRect();
      const px = (event.clientX - box.left) * (W / box.width);
      const i = Math.max(0, Math.min(n - 1, Math.round((px - m.l) / ((W - m.l - m.r) / Math.max(n - 1, 1)))));
      tip(says(i), event);
    });
    hit.addEventListener("mouseleave", () => tip(null));
    svg.append(hit);
    // the keyboard: the left and right arrows step through the points (Home, End: the first, the last)
    svg.setAttribute("tabindex", 0);
    svg.setAttribute("aria-label", `${opts.title || "chart"}: the left and right arrow keys read the values`);
    keyCursor(svg, (key, i) => {
      const step = {ArrowRight: 1, ArrowLeft: -1, Home: -n, End: n}[key];
      if (step === undefined || !n) return null;
      return Math.max(0, Math.min(n - 1, i === null ? (step > 0 ? 0 : n - 1) : i + step));
    }, (i) => {
      const scale = svg.getBoundingClientRect().width / W;
      cursor.setAttribute("x1", x(i)); cursor.setAttribute("x2", x(i)); cursor.setAttribute("visibility", "visible");
      return [says(i), x(i) * scale, m.t * scale];
    });
    // the cursor's day, marked on the chart while the chart has the focus
    const cursor = el("svg:line", {y1: m.t, y2: H - m.b, stroke: "#b06a00", "stroke-width": 1.5, visibility: "hidden"});
    svg.append(cursor);
    svg.addEventListener("blur", () => cursor.setAttribute("visibility", "hidden"));
    container.append(svg);
    if (opts.legend !== false) {
      const legend = el("div", {class: "legend"});
      series.forEach(s => {
        const key = el("span", {class: "key"}); key.style.background = s.color;
        legend.append(el("span", {}, [key, s.name]));
      });
      (opts.bands || []).forEach(b => {
        if (!b.name) return;
        const key = el("span", {class: "key"}); key.style.background = b.color;
        legend.append(el("span", {}, [key, b.name]));
      });
      container.append(legend);
    }
    return svg;
  }

  // A table in its own box, which scrolls sideways on a phone (see scrollStop).
  function table(headers, rows, numeric = [], label = null) {
    const name = label || "table of " + headers.join(", ");
    return scrollStop(el("div", {class: "scroll"}, el("table", {}, [
      el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", {class: numeric.includes(i) ? "num" : null, text: h})))),
      el("tbody", {}, rows.map(r => el("tr", {}, r.map((v, i) => el("td", {class: numeric.includes(i) ? "num" : null, text: String(v)}))))),
    ])), name);
  }

  // A box whose content is wider than it (a table, a command) is a named region the keyboard can focus
  // (Tab, then the arrow keys scroll it), else a keyboard user never sees its cut-off part; a box whose
  // content fits is no Tab stop (the API page's seven field tables were seven stops that did nothing, and
  // each a landmark). Kept so as the box or its content changes width (a phone turned, a result shown).
  function scrollStop(box, name) {
    const fit = () => {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0; box.setAttribute("role", "region"); box.setAttribute("aria-label", name);
      } else ["tabindex", "role", "aria-label"].forEach(k => box.removeAttribute(k));
    };
    const watch = new ResizeObserver(fit);
    [box, ...box.children].forEach(node => watch.observe(node));
    return box;
  }

  // A file picked again (fixed in an editor and saved under its name) is read again: the browser fires
  // no "change" for the file an input already holds, so the page went on showing the old file's error.
  // The input is emptied as its picker opens (a click, or Enter or Space on it).
  function pickAgain(input) {
    input.addEventListener("click", () => { input.value = ""; });
  }

  // A file dropped anywhere on the page is the file picked in `input` (the first, of several: the input
  // takes one). Dropped beside the small file box, the browser opened the picture or CSV itself in the
  // tab, in place of the page and what it showed. Drags of anything but files are left to the browser.
  function dropInto(input) {
    const files = event => [...(event.dataTransfer ? event.dataTransfer.types : [])].includes("Files");
    for (const kind of ["dragenter", "dragover"]) {
      document.addEventListener(kind, event => {
        if (!files(event)) return;
        event.preventDefault();  // this page takes the drop
        event.dataTransfer.dropEffect = "copy";
      });
    }
    document.addEventListener("drop", event => {
      if (!files(event)) return;
      event.preventDefault();
      const dropped = event.dataTransfer.files;
      if (!dropped.length) return;
      const one = new DataTransfer();
      one.items.add(dropped[0]);
      input.files = one.files;
      input.dispatchEvent(new Event("change"));
    });
  }

  const modelBoxes = new Set();  // each page's Model box, with its kind, for redrawModels

  async function modelSelect(select, application, data = null) {
    select.rkApplication = application;  // kept where the list fails: needModel asks for it again
    data = data || await api("api/models");
    const mine = data.models.filter(m => m.application === application);
    modelBoxes.add(select);
    select.textContent = "";
    mine.forEach(m => select.append(el("option", {value: m.id, text: `${m.id} (${m.summary})`})));
    // none of this kind: the box says so (empty, it was a blank sliver beside the page's error line)
    if (!mine.length) select.append(el("option", {value: "", text: "none on this server"}));
    select.rkModels = mine;  // each model's entry (a forecast model's trained_on), by the option's value
    return mine.length;
  }

  // The line a page says while its Model box holds none of its kind ("none on this server").
  function noModel(application) {
    return `No ${application} model on this server: start rnnkit serve with --models DIR holding one from ` +
      `rnnkit ${application} train.`;
  }

  // Before a page's button sends work: a Model box of "none on this server" asks the server's list again
  // (rnnkit serve may have been restarted with such a model since), and with still none the job ends on
  // noModel's line, nothing sent. The button went on as if it could answer: the caption page said "Pick a
  // scene or upload an image." (which could only be refused), and an upload was shrunk and sent, to be
  // refused under its own name ("photo.jpg: no caption model: ...") as if the file were at fault.
  // Where a box is drawn anew with models (here, or by redrawModels), its select.rkDrawn runs: the page's
  // own steps on a model choice (the caption page's saved beam and scene-reading pick), which a first
  // caption went without (beam 3, not the model's 10, after a restart that brought one).
  async function needModel(select) {
    if (select.rkModels && select.rkModels.length) return;
    if (!await modelSelect(select, select.rkApplication)) throw new Error(noModel(select.rkApplication));
    if (select.rkDrawn) select.rkDrawn();
  }

  // A 400 of a model the server no longer has: rnnkit serve was restarted with other --models while the
  // page was open, and its Model box offered only the old names ("unknown forecast model 'forecast';
  // known: forecast-v2", with no way to choose forecast-v2 but a reload). Each box whose choice is gone
  // is drawn again from the server's list; the boxes that were (none: the error is said as it is).
  async function redrawModels() {
    try {
      const data = await api("api/models");
      const redrawn = [];
      for (const select of modelBoxes) {
        const kept = m => m.id === select.value && m.application === select.rkApplication;
        if (!select.value || data.models.some(kept)) continue;
        await modelSelect(select, select.rkApplication, data);
        if (select.rkModels.length && select.rkDrawn) select.rkDrawn();  // the saved beam of the new choice
        redrawn.push(select);
      }
      return redrawn;
    } catch (e) { return []; }  // no list to draw: the error is said as it is
  }

  // Mark the current page in the navigation bar; a form's error goes once the user edits the form
  // (the browser's own check of a field then speaks alone, not beside the last answer's error).
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("header nav a").forEach(a => {
      // a.pathname is the href resolved: the hrefs are relative (see ROOT)
      if (a.pathname === location.pathname) { a.classList.add("here"); a.setAttribute("aria-current", "page"); }
    });
    document.querySelectorAll("form").forEach(form => form.addEventListener("input", () => {
      form.querySelectorAll(".error").forEach(box => { box.textContent = ""; });
    }));
  });

  // The choices a page last answered, among options its script draws (a model, a bundled series), kept in
  // its history entry: after Back or a reload the browser puts typed text back, but a select's value only
  // if its options already exist, and these are drawn later (Back to the forecast page showed the first
  // series again, not the one forecast). remember({key: value}) after an answer; recall(select, key)
  // once the select's options are drawn.
  function remember(values) {
    history.replaceState({...(history.state || {}), ...values}, "");
  }
  function recall(select, key) {
    const value = (history.state || {})[key];
    if (typeof value === "string" && [...select.options].some(o => o.value === value)) select.value = value;
  }

  return {el, api, url, busy, tip, keyCursor, heatmap, lineChart, table, scrollStop, fmt, modelSelect, noModel, needModel,
          tooBig, pickAgain, dropInto, remember, recall};
})();
