"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("models");
  try {
    const [data, health] = await Promise.all([RK.api("/api/models"), RK.api("/api/health")]);
    box.textContent = "";
    box.classList.remove("muted");
    box.append(RK.table(["id", "application", "model"], data.models.map(m => [m.id, m.application, m.summary])));
    box.append(RK.el("p", {class: "small muted", text:
      `${health.workers} requests are computed at once and ${health.queue} may wait; each has ${health.request_seconds} s.`}));
  } catch (e) { box.textContent = "Error: " + e.message; box.classList.add("error"); }
});
