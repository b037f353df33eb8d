// The split to the cent while the key is edited: the server computes it (the same code that
// proposes and posts it) and returns an HTML fragment. Without JavaScript the "Berekenen"
// button does the same with a full page.
(function () {
  const form = document.getElementById("plan-form");
  const target = document.getElementById("verdeling");
  if (!form || !target || !window.fetch) return;
  const url = form.dataset.preview;
  let timer = null;
  let latest = 0;
  async function refresh() {
    const data = new URLSearchParams(new FormData(form));
    data.delete("csrfmiddlewaretoken");
    const ticket = ++latest;
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${url}?${data}`, { headers: { "X-Requested-With": "fetch" },
                                                       credentials: "same-origin" });
      if (ticket !== latest || !response.ok) return;  // a newer request is on its way
      target.innerHTML = await response.text();
    } catch (error) {
      // Offline or the server is gone: the "Berekenen" button still works.
    } finally {
      if (ticket === latest) target.removeAttribute("aria-busy");
    }
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
