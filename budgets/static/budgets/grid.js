// The budget grid while the director types: each cell is read as the server reads it
// (budgets.amounts.parse_amount: Dutch or plain notation, "€ 1.250,-"), a typo is marked at
// once (aria-invalid and a message tied to the cell), and row, column and grand totals follow;
// a total that includes a typo says "onvolledig" rather than silently skipping it.
(function () {
  "use strict";
  const table = document.getElementById("begroting") ||
    document.querySelector("table[data-live-totals]");
  if (!table) return;
  // The messages come translated from the page (budgets/_amount_messages.html).
  const text = Object.assign({
    incomplete: "onvolledig", notAmount: "'%(value)s' is geen bedrag.",
    percentage: "'%(value)s' is een percentage, geen bedrag.",
    negative: "Een bedrag kan niet negatief zijn (%(value)s).",
    tooLarge: "Het bedrag %(value)s is te groot.",
    decimals: "Een bedrag heeft hoogstens 2 decimalen (%(value)s).",
  }, table.dataset);
  const MAX = 99999999999999n;  // € 999.999.999.999,99 in cents

  function message(template, raw) {
    return template.replace("%(value)s", raw);
  }

  // {cents: BigInt | null} for an amount or a blank cell, {error: "..."} otherwise.
  function parse(raw) {
    const trimmed = raw.trim();
    let t = trimmed.replace(/[\s\u00a0\u202f]/g, "").replace(/%$/, "");
    t = t.replace(/^(€|eur(o)?)|(€|eur(o)?)$/gi, "").replace(/[.,]-{1,2}$/, "");
    if (!t) return { cents: null };
    const notAmount = { error: message(text.notAmount, raw) };
    if (!/^[+-]?\d[\d.,]*$/.test(t)) return notAmount;
    if (t.includes(",") && t.includes(".") && t.lastIndexOf(".") > t.lastIndexOf(",")) {
      t = t.replace(/,/g, "");
    } else if (t.includes(",")) {
      if (t.indexOf(",") !== t.lastIndexOf(",")) return notAmount;
      t = t.replace(/\./g, "").replace(",", ".");
    } else if (/^[+-]?\d{1,3}(\.\d{3})+$/.test(t)) {
      t = t.replace(/\./g, "");
    }
    const parts = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(t);
    if (!parts) return notAmount;
    if (trimmed.endsWith("%")) return { error: message(text.percentage, raw) };
    const fraction = (parts[3] || "").replace(/0+$/, "");
    const cents = BigInt(parts[2]) * 100n + BigInt((fraction + "00").slice(0, 2));
    if (parts[1] === "-" && (cents > 0n || /[1-9]/.test(fraction))) {
      return { error: message(text.negative, raw) };
    }
    if (cents > MAX || (cents === MAX && fraction.length > 2)) {
      return { error: message(text.tooLarge, raw) };
    }
    if (fraction.length > 2) return { error: message(text.decimals, raw) };
    return { cents: cents };
  }

  function show(cents) {
    const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return whole + "," + (cents % 100n).toString().padStart(2, "0");
  }

  function mark(input, error) {
    const id = "fout-" + input.id.slice(2);
    let note = document.getElementById(id);
    if (error) {
      if (!note) {
        note = document.createElement("span");
        note.id = id;
        note.className = "cell-error";
        input.insertAdjacentElement("afterend", note);
      }
      note.textContent = error;
      input.setAttribute("aria-invalid", "true");
      describe(input, id, true);
    } else if (input.getAttribute("aria-invalid")) {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      describe(input, id, false);
    }
  }

  // The message joins (or leaves) whatever else already describes the cell (a hint).
  function describe(input, id, on) {
    const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/)
      .filter((x) => x && x !== id);
    if (on) ids.unshift(id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function put(cell, sum, prefix) {
    if (!cell) return;
    cell.textContent = sum === null ? text.incomplete : prefix + show(sum);
    cell.classList.toggle("incomplete", sum === null);
  }

  const inputs = Array.from(table.querySelectorAll("input.money"));

  function update() {
    const rows = {}, cols = {};
    let grand = 0n;
    const add = (sums, key, cents) => {
      if (!(key in sums)) sums[key] = 0n;
      if (sums[key] !== null) sums[key] = cents === null ? null : sums[key] + cents;
    };
    for (const input of inputs) {
      const read = parse(input.value);
      mark(input, read.error);
      const cents = read.error ? null : read.cents || 0n;
      add(rows, input.dataset.row, cents);
      add(cols, input.dataset.col, cents);
      grand = grand === null || cents === null ? null : grand + cents;
    }
    for (const [row, sum] of Object.entries(rows)) {
      put(table.querySelector(`[data-row-total="${row}"]`), sum, "");
    }
    for (const [col, sum] of Object.entries(cols)) {
      put(table.querySelector(`[data-col-total="${col}"]`), sum, "");
    }
    put(table.querySelector("[data-grand-total]"), grand, "€\u00a0");
  }

  table.addEventListener("input", update);
  if (inputs.length) update();  // after a refused save: the totals of what was typed

  // After a refused save: choosing the other person's value puts it in the cell; typing in
  // the cell again means keeping one's own.
  const form = document.getElementById("begroting-form");
  if (!form) return;
  form.addEventListener("change", (event) => {
    const radio = event.target;
    if (!radio.matches("input[type=radio][data-cell]")) return;
    const amount = document.getElementById("a-" + radio.dataset.cell);
    const note = document.getElementById("n-" + radio.dataset.cell);
    amount.value = radio.dataset.amount;
    if (note) note.value = radio.dataset.note;
    update();
  });
  table.addEventListener("input", (event) => {
    const key = event.target.id.slice(2);
    const mine = form.querySelector(`input[type=radio][data-cell="${key}"][value="mijn"]`);
    if (mine && !mine.checked) {
      mine.checked = true;
      mine.dataset.amount = document.getElementById("a-" + key).value;
      const note = document.getElementById("n-" + key);
      if (note) mine.dataset.note = note.value;
    }
  });
})();
