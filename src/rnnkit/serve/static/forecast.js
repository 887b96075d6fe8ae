"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const $ = id => document.getElementById(id);
  const error = $("error");
  // as `rnnkit forecast eval` prints them (rnnkit.forecast.metrics.fmt): "-" for none, direction
  // accuracy in percent, the rest to 4 significant digits as Python's "{:.4g}" (the page had 4 decimals
  // and "n/a": 1.2360 where the command said 1.236)
  const metric = (v, name) => {
    if (typeof v !== "number" || Number.isNaN(v)) return "-";
    return name === "dir_acc" ? (100 * v).toFixed(1) + "%" : g4(v);
  };
  function g4(v) {
    if (!Number.isFinite(v)) return String(v).replace("Infinity", "inf");
    const [mantissa, power] = v.toExponential(3).split("e"), e = Number(power);
    const trim = t => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
    if (e < -4 || e >= 4) return trim(mantissa) + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
    return trim(v.toFixed(3 - e));
  }
  // A note of the reader ("read the columns 'Year' and 'Month' as monthly dates") is a line of the
  // command's output; on the page it follows a sentence, so it starts as one ("24 test samples. read").
  // A note that starts with the file's name keeps it as the user wrote it (rows.csv, not Rows.csv).
  const sentence = (n, name) => (name && n.startsWith(name) ? n : n.charAt(0).toUpperCase() + n.slice(1))
    .replace(/\.?$/, ".");
  // How the series' dates are written, on the chart and in the next step's table: as months
  // ("2018-01"; a monthly series read from Year,Month was labelled 2018-01-01, 2018-06-01 as if its
  // days counted) or years where every date is the first of one; else the chart gives the time of day
  // where it spans under ten days of times (minutes or hours apart: a week of daily rows, all at
  // midnight, was labelled "01-25 00:00") and the table gives it where it is not 00:00.
  function dateWriter(dates) {
    const midnight = dates.every(d => d.length <= 10 || /T00:00(:00)?$/.test(d));
    if (midnight && dates.every(d => d.slice(8, 10) === "01")) {
      const write = dates.every(d => d.slice(5, 7) === "01") ? d => d.slice(0, 4) : d => d.slice(0, 7);
      return {chart: write, exact: write};
    }
    const span = (Date.parse(dates[dates.length - 1]) - Date.parse(dates[0])) / 864e5;
    return {
      chart: span < 10 && !midnight ? d => d.slice(5, 16).replace("T", " ") : d => d.slice(0, 10),
      exact: d => d.slice(0, 16).replace("T00:00", "").replace("T", " "),
    };
  }
  let csv = null;
  let maxCsv = null;  // bytes, from the server
  const described = {};  // bundled series: name -> description
  const loading = () => $("series").querySelector("option[data-loading]")?.remove();  // the list came (or failed)
  let count = 0;  // forecast models on this server: with none, the page says so and forecasts nothing
  let listed = false;  // the bundled series' list has come: until then a press asks for it again
  async function listSeries() {
    const data = await RK.api("api/forecast/series");
    maxCsv = data.max_csv_bytes;
    // the choice names the series (the whole description was cut off in a phone's select); the result
    // line under the verdict gives all of it
    loading();
    data.series.forEach(s => {
      described[s.name] = s.description;
      $("series").append(RK.el("option", {value: s.name, text: `${s.name}: ${s.description.split(/[,(]/)[0].trim()}`}));
    });
    listed = true;
    seriesOfModel();
    RK.recall($("series"), "series");
  }
  try {
    count = await RK.modelSelect($("model"), "forecast");
    RK.recall($("model"), "model");  // the model and series answered before Back or a reload
    if (!count) error.textContent = RK.noModel("forecast");
    await listSeries();
  } catch (e) { error.textContent = "Error: " + e.message; } finally {
    // The series box says "loading…" and the button waits until the list is drawn: the list takes a
    // second or more from a server just started, and a press meanwhile was refused as "unknown series ''".
    loading();
    $("go").disabled = false;
  }
  // the verdict's colour: green only for a win over naive that no other baseline beats (an AR 700 times
  // better than a model 0.3% ahead of naive is no win); a tie with naive, and nothing ahead, is uncoloured
  function verdictTone(r) {
    if ((r.beaten_by || []).length) return "bad";
    return r.beats_naive ? "good" : r.ties_naive ? "" : "bad";
  }

  // A model trained on a bundled series opens on that series (glucose's model on glucose, not on the
  // first series of the list, which has none of its columns).
  function seriesOfModel() {
    const entry = ($("model").rkModels || []).find(m => m.id === $("model").value);
    const own = entry && entry.trained_on;
    if (own && [...$("series").options].some(o => o.value === own)) $("series").value = own;
  }
  // Models a restart brought (RK.needModel, redrawModels): the model's own series, unless the user picked
  // one (a pick of aapl was sent as the model's ibm)
  let picked = false;
  $("model").rkDrawn = () => { if (csv === null && !picked) seriesOfModel(); };
  $("model").addEventListener("change", () => {
    if (csv === null) { seriesOfModel(); picked = false; }  // an uploaded file stays the data
    $("form").requestSubmit();
  });
  // While an upload is the data, the series box says so ("your file: sales.csv"): it went on naming the
  // bundled series it showed before, as if that were being forecast. Picking a bundled series drops it.
  function uploadOption() { return $("series").querySelector("option[data-upload]"); }
  function showUpload(name) {
    let option = uploadOption();
    if (!option) {
      option = RK.el("option", {value: ""});
      option.dataset.upload = "yes";
      $("series").prepend(option);
    }
    option.textContent = `your file: ${name}`;
    $("series").value = "";
  }
  $("series").addEventListener("change", () => {
    picked = true;
    if (uploadOption() && $("series").value === "") return;  // the upload chosen again: it stays the data
    csv = null; $("file").value = "";
    if (uploadOption()) uploadOption().remove();
    $("form").requestSubmit();
  });
  // The file's text as `rnnkit forecast` reads a file: UTF-8, or UTF-32 or UTF-16 after its byte-order
  // mark (a spreadsheet's "Unicode text"); else {refused}, the command's one line (rnnkit.forecast.csv_file).
  // The browser's File.text() put U+FFFD in place of a Windows file's "ä", and the server, never seeing
  // the bytes, told a German file of 'März 2010' to write its dates as YYYY-MM-DD: it had to be UTF-8.
  async function textOf(f) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const starts = mark => mark.every((b, i) => bytes[i] === b);
    // UTF-32's marks first: FF FE 00 00 begins with UTF-16 LE's (rnnkit.utils.byte_order.BOMS)
    if (starts([0xff, 0xfe, 0, 0])) return utf32(bytes, true);
    if (starts([0, 0, 0xfe, 0xff])) return utf32(bytes, false);
    if (starts([0xff, 0xfe])) return new TextDecoder("utf-16le").decode(bytes);
    if (starts([0xfe, 0xff])) return new TextDecoder("utf-16be").decode(bytes);
    // Bytes that read as UTF-8 are sent as they read, the file's own bytes: the server tells UTF-16 saved
    // without its mark among them by the command's rule (byte_order.utf16_unmarked), as ASCII's (H 00 i 00)
    // and a Russian header's (14 04 30 04: Да), which this page's own copy of an older rule let through.
    try { return new TextDecoder("utf-8", {fatal: true}).decode(bytes); } catch (e) { /* said below */ }
    // Bytes that do not cannot reach it so: UTF-16 without a mark whose text holds a letter past ASCII
    // (ä: E4 00), text in one byte of each pair of the first 512, is told here, in the command's words
    const head = bytes.subarray(0, 512), half = head.length >> 1;
    const zeros = from => head.filter((b, i) => i % 2 === from && i < 2 * half && b === 0).length;
    const counts = [zeros(0), zeros(1)].sort((a, b) => a - b);
    if (half >= 4 && counts[0] === 0 && counts[1] === half) {
      return {refused: `Error: ${f.name} is UTF-16 text without a byte-order mark; save the file as UTF-8 and try again`};
    }
    const lossy = () => new TextDecoder().decode(bytes);
    if (bytes.subarray(0, 1024).includes(0)) return lossy();  // binary (a picture picked): the server says so
    // the first byte UTF-8 cannot read and its line (0x0A is never inside a UTF-8 character), as Python's
    // decoder names it: a mark (EF BB BF) or a real U+FFFD before it is UTF-8 like any other character
    const bad = firstInvalid(bytes);
    const line = bytes.subarray(0, bad).filter(b => b === 10).length + 1;
    return {refused: `Error: ${f.name} is not UTF-8 text: line ${line} holds byte 0x${bytes[bad].toString(16).padStart(2, "0")}, ` +
      "which UTF-8 cannot read (a Latin-1, Windows or UTF-16 file?); save the file as UTF-8 (in a spreadsheet: CSV UTF-8) and try again"};
  }
  // UTF-32 after its mark (TextDecoder reads no UTF-32): a code point of every 4 bytes
  function utf32(bytes, little) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), out = [];
    for (let i = 4; i + 4 <= bytes.length; i += 4) {
      const c = view.getUint32(i, little);
      out.push(String.fromCodePoint(c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ? 0xfffd : c));
    }
    return out.join("");
  }
  // The offset of the first byte that starts no valid UTF-8 sequence (the lead byte of a cut-off one),
  // -1 if none: the bytes allowed after each lead byte as the Unicode standard's table 3-7 gives them.
  function firstInvalid(b) {
    for (let i = 0; i < b.length;) {
      const c = b[i];
      if (c < 0x80) { i++; continue; }
      let n = 0, lo = 0x80, hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) n = 1;
      else if (c >= 0xe0 && c <= 0xef) { n = 2; if (c === 0xe0) lo = 0xa0; if (c === 0xed) hi = 0x9f; }
      else if (c >= 0xf0 && c <= 0xf4) { n = 3; if (c === 0xf0) lo = 0x90; if (c === 0xf4) hi = 0x8f; }
      else return i;
      for (let k = 1; k <= n; k++) {
        const d = b[i + k];
        if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
      }
      i += n + 1;
    }
    return -1;
  }
  let csvName = null;  // the upload's name, kept: the input is emptied when its picker opens again
  RK.pickAgain($("file"));
  RK.dropInto($("file"));
  $("file").addEventListener("change", async () => {
    const f = $("file").files[0];
    if (!f) return;
    // and what to do with the file: the forecast is scored on its last rows, so its oldest can go
    const cut = ": delete its oldest rows (the model is scored on the last ones), or the columns it does not need";
    // refused: the box no longer names it, or the button forecast the data before under its name
    const refuse = (said, advice = cut) => {
      error.textContent = said + advice; $("result").hidden = true; $("file").value = "";
    };
    const over = RK.tooBig(f, maxCsv, "CSV files");
    if (over) { refuse(over); return; }
    const text = await textOf(f);
    if (typeof text !== "string") { refuse(text.refused, ""); return; }
    // The request carries the file as a JSON string, in which each tab, quote and line end is two
    // characters: a tab-separated export of 3.7 MB was a 4.2 MB request, and the page said the server's
    // "request body too large (at most 4194304 bytes)" of a file it had let through as under 4.0 MB.
    const sent = new Blob([JSON.stringify({csv: text, filename: f.name, model: $("model").value})]).size;
    if (maxCsv && sent > maxCsv) {
      refuse(`Error: ${f.name} (${(f.size / 1048576).toFixed(1)} MB) is over the server's bound of ` +
        `${(maxCsv / 1048576).toFixed(1)} MB once sent (its tabs, quotes and line ends take two characters each there)`);
      return;
    }
    csv = text;
    csvName = f.name;
    showUpload(f.name);
    $("form").requestSubmit();
  });

  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    RK.busy($("go"), error, async (current) => {
      await RK.needModel($("model"));  // none on this server: said, and nothing sent
      if (!current()) return;
      // an upload is named as the user knows it ('sales.csv has no date column', not uploaded.csv)
      // the list failed when the page opened (a busy or restarting server): it is asked for again, and
      // a press no longer sends the empty box's "" to be refused as "unknown series ''"
      if (csv === null && !listed) {
        await listSeries();
        if (!current()) return;
      }
      const body = csv !== null ? {csv, filename: csvName}
        : {series: $("series").value};
      body.model = $("model").value || undefined;
      const r = await RK.api("api/forecast", body, current.signal);
      if (!current()) return;
      RK.remember({model: $("model").value, series: csv === null ? body.series : null});  // a file cannot be kept
      $("result").hidden = false;
      const v = $("verdict"); v.textContent = r.verdict; v.className = "verdict " + verdictTone(r);
      const what = csv === null && described[r.series] ? `: ${described[r.series]}` : "";
      $("about").textContent = `${r.series}${what} (${r.target}, ${r.rows} rows): ${r.cell} model, window ${r.window}, ` +
        `${r.horizon}-step forecasts, ${r.test_samples} test samples` +
        (r.dates.length < r.test_samples ? `; the chart shows the last ${r.dates.length}.` : ".") +
        (r.notes && r.notes.length ? " " + r.notes.map(n => sentence(n, r.series)).join(" ") : "");
      // each warning a line of its own in the warning colour, as translate's: "Warning: dates ... fit no
      // single format; each was read on its own, so check them" ran on in the grey print of the notes
      $("about").append(...(r.warnings || []).map(w => RK.el("span", {class: "warn", text: "⚠ " + w.replace(/\.?$/, ".")})));
      const q = r.quantiles, k = r.levels.length;
      const written = dateWriter([...r.dates, ...r.next.dates, r.next.last_date]);
      // One band per symmetric pair of quantiles, outermost first and palest (a fan).
      const bands = [];
      for (let i = 0; i < Math.floor(k / 2); i++) {
        const lo = r.levels[i], hi = r.levels[k - 1 - i];
        bands.push({lo: q.map(row => row[i]), hi: q.map(row => row[k - 1 - i]), color: `rgba(36,86,200,${0.14 + 0.1 * i})`,
                    name: `${Math.round(100 * (hi - lo))}% band (q${lo} to q${hi})`});
      }
      const series = [
        {name: "actual", values: r.actual, color: "#1d2330", width: 1.8},
        {name: "model (median)", values: r.model, color: "#2456c8"},
        {name: "naive", values: r.naive, color: "#b3261e", dash: "4 3"},
      ];
      if (r.ar) series.push({name: "linear AR", values: r.ar, color: "#1f7a3f", dash: "2 2"});
      if (r.seasonal_naive) series.push({name: "seasonal naive", values: r.seasonal_naive, color: "#9a6400", dash: "6 3"});
      RK.lineChart($("fan"), series, {bands, xLabels: r.dates.map(written.chart), height: 320, title: "fan chart"});
      const names = Object.keys(r.metrics), cols = ["MAE", "RMSE", "MAPE", "sMAPE", "MASE", "dir_acc"].filter(c => c in r.metrics[names[0]]);
      $("metrics").textContent = "";
      $("metrics").append(RK.table(["forecaster", ...cols], names.map(n => [n, ...cols.map(c => metric(r.metrics[n][c], c))]), cols.map((_, i) => i + 1)));
      if (r.coverage) $("metrics").append(RK.el("p", {class: "small muted", text: r.coverage}));  // the CLI's line
      if (r.blend) $("metrics").append(RK.el("p", {class: "small muted", text: r.blend}));  // forecast eval's line
      $("next").textContent = "";
      const nx = r.next;
      $("next").append(RK.table(["date", "median", ...r.levels.map(l => "q" + l)],
        nx.dates.map((d, i) => [written.exact(d), RK.fmt(nx.point[i], 4), ...nx.quantiles[i].map(x => RK.fmt(x, 4))]),
        [1, ...r.levels.map((_, i) => i + 2)]));
      $("next").append(RK.el("p", {class: "small muted", text: `last value ${RK.fmt(nx.last, 4)} on ${written.exact(nx.last_date)}`}));
    }, $("result"));
  });
  // the first forecast, of the first model; with no model the request could only fail, and its start
  // wiped the page's "No forecast model" line (a race: the line came and went under load); nor without
  // the series' list, whose failure the page's error line says until the user presses the button
  if (count && listed) $("form").requestSubmit();
});
