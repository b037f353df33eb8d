// On every page: leaving a form with unsaved changes asks first (the browser's own question).
// A form counts as changed when a field differs from what the page was loaded with, or when
// the server showed it back unsaved (data-unsaved, after a refused save).
(function () {
  "use strict";
  const forms = () => Array.from(document.querySelectorAll("form[method=post i]"))
    .filter((form) => !form.hasAttribute("data-unsaved-ignore"));

  function changed(form) {
    if (form.dataset.unsaved === "true") return true;
    for (const field of form.elements) {
      if (field.disabled || ["hidden", "submit", "button", "reset"].includes(field.type)) continue;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) return true;
      } else if (field.tagName === "SELECT") {
        if (Array.from(field.options).some((o) => o.selected !== o.defaultSelected)) return true;
      } else if (field.type === "file") {
        if (field.files && field.files.length) return true;
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  let submitted = null;
  document.addEventListener("submit", (event) => { submitted = event.target; }, true);
  window.addEventListener("beforeunload", (event) => {
    if (forms().some((form) => form !== submitted && changed(form))) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
