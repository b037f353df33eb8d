// Follow running exports: move their progress bars and show the download link when done.
(function () {
  const rows = Array.from(document.querySelectorAll("tr[data-status-url]"));
  if (!rows.length) return;
  async function poll() {
    let active = false;
    for (const row of rows) {
      if (!row.dataset.statusUrl) continue;
      const response = await fetch(row.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) continue;
      const job = await response.json();
      const bar = row.querySelector("progress");
      if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
      row.querySelector(".status").textContent = job.label + (job.message ? ": " + job.message : "");
      if (job.status === "queued" || job.status === "running") { active = true; continue; }
      delete row.dataset.statusUrl;
      if (bar) bar.remove();
      if (job.download) window.location.reload();
    }
    if (active) setTimeout(poll, 1000);
  }
  setTimeout(poll, 500);
})();
