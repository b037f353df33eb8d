// The live tally on a proposal page: fetch the standing every 15 seconds and replace it,
// only when it changed (so a screen reader is not interrupted needlessly). No inline script:
// the page's Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  var INTERVAL = 15000;
  function refresh() {
    var section = document.getElementById("stand");
    var url = section && section.getAttribute("data-refresh");
    if (!url) { return; }
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("stand");
        if (next && next.innerHTML !== section.innerHTML) {
          section.replaceWith(next);
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  window.setInterval(refresh, INTERVAL);
})();

// A printable decision: its button prints the page (the print stylesheet leaves the site off).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-print]");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
