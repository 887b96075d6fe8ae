"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("models");
  try {
    const [data, health] = await Promise.all([RK.api("api/models"), RK.api("api/health")]);
    box.textContent = "";
    box.classList.remove("muted");
    box.append(RK.table(["id", "application", "model"], data.models.map(m => [m.id, m.application, m.summary])));
    // An id is a key, read and typed whole: it may break after a "/" of its folder path only (whole
    // on one line, demo/caption/digits_model pushed the model column out of a phone's view)
    box.querySelectorAll("tbody td:first-child").forEach(td => {
      const parts = td.textContent.split(/(?<=\/)/);
      td.textContent = "";
      parts.forEach((part, i) => td.append(...(i ? [RK.el("wbr")] : []), RK.el("span", {text: part})));
    });
    box.append(RK.el("p", {class: "small muted", text:
      `${health.workers} requests are computed at once and ${health.queue} may wait; each has ${health.request_seconds} s.`}));
  } catch (e) { box.textContent = "Error: " + e.message; box.classList.add("error"); }
});
