// Row, column and grand totals that follow what the director types (Dutch notation).
(function () {
  const table = document.getElementById("begroting") || document.querySelector("table[data-live-totals]");
  if (!table) return;
  const cents = (text) => {
    let t = (text || "").replace(/[€\s\u00a0]/g, "");
    if (!t) return 0;
    if (t.includes(",") && t.includes(".") && t.lastIndexOf(".") > t.lastIndexOf(",")) t = t.replace(/,/g, "");
    else if (t.includes(",")) t = t.replace(/\./g, "").replace(",", ".");
    else if (/^\d{1,3}(\.\d{3})+$/.test(t)) t = t.replace(/\./g, "");
    const n = Number(t);
    return Number.isFinite(n) ? Math.round(n * 100) : 0;  // integer cents: no float drift
  };
  const show = (c) => (c / 100).toLocaleString("nl-NL", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const inputs = Array.from(table.querySelectorAll("input.money"));
  function update() {
    const rows = {}, cols = {};
    let grand = 0;
    for (const input of inputs) {
      const c = cents(input.value);
      rows[input.dataset.row] = (rows[input.dataset.row] || 0) + c;
      cols[input.dataset.col] = (cols[input.dataset.col] || 0) + c;
      grand += c;
    }
    for (const [row, c] of Object.entries(rows)) {
      const cell = table.querySelector(`[data-row-total="${row}"]`);
      if (cell) cell.textContent = show(c);
    }
    for (const [col, c] of Object.entries(cols)) {
      const cell = table.querySelector(`[data-col-total="${col}"]`);
      if (cell) cell.textContent = show(c);
    }
    const total = table.querySelector("[data-grand-total]");
    if (total) total.textContent = "€\u00a0" + show(grand);
  }
  table.addEventListener("input", update);
})();
