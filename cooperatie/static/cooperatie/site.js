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
  // (bubbling: a submit stopped to ask first, or refused by a page's script, does not count)
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) submitted = event.target;
  });
  window.addEventListener("beforeunload", (event) => {
    if (forms().some((form) => form !== submitted && changed(form))) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();

// Phones: the header's menu folds behind one button (without JavaScript it stays open).
(function () {
  "use strict";
  const header = document.querySelector("header.site");
  const nav = header && header.querySelector("nav");
  if (!nav) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "menu-toggle";
  button.textContent = header.dataset.menuLabel || "Menu";
  button.setAttribute("aria-expanded", "false");
  nav.id = nav.id || "hoofdmenu";
  button.setAttribute("aria-controls", nav.id);
  header.querySelector(".brand").insertAdjacentElement("afterend", button);
  header.classList.add("foldable");
  button.addEventListener("click", () => {
    const open = header.classList.toggle("open");
    button.setAttribute("aria-expanded", String(open));
  });
})();

// Every table scrolls inside its own region, so that a wide table never makes the page
// scroll sideways. Templates may wrap theirs in .scroll themselves (so the page fits before
// this script runs); such a region is named and made focusable here unless it has a role.
(function () {
  "use strict";
  const regions = [];
  for (const table of document.querySelectorAll("main table")) {
    let region = table.closest(".scroll");
    if (region && (region.hasAttribute("role") || regions.includes(region))) continue;
    if (!region) {
      region = document.createElement("div");
      region.className = "scroll";
      table.parentNode.insertBefore(region, table);
      region.appendChild(table);
    }
    const caption = table.querySelector("caption");
    region.dataset.label = caption ? caption.textContent.trim() : "";
    regions.push(region);
  }
  // A region that scrolls can be reached and scrolled with the keyboard, and is named.
  function focusable() {
    for (const region of regions) {
      if (region.scrollWidth > region.clientWidth + 1) {
        region.tabIndex = 0;
        region.setAttribute("role", "region");
        if (region.dataset.label) region.setAttribute("aria-label", region.dataset.label);
      } else {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
      }
    }
  }
  focusable();
  window.addEventListener("resize", focusable);
})();

// A step that cannot be undone asks first: a form, or the button that submits it, with
// data-confirm shows that text (what will happen) in a dialog, and only "yes" goes on.
// data-confirm-yes names the yes button; without JavaScript the page's own text says it.
(function () {
  "use strict";
  let dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm";
    dialog.setAttribute("aria-labelledby", "bevestig-vraag");
    const text = document.createElement("p");
    text.id = "bevestig-vraag";
    const buttons = document.createElement("form");
    buttons.method = "dialog";
    buttons.className = "buttons";
    const yes = document.createElement("button");
    yes.value = "yes";
    yes.className = "primary";
    const no = document.createElement("button");
    no.value = "no";
    const header = document.querySelector("header.site");
    no.textContent = (header && header.dataset.backLabel) || "Nee, terug";
    buttons.append(yes, " ", no);
    dialog.append(text, buttons);
    document.body.appendChild(dialog);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    const source = button && button.dataset.confirm ? button
      : (form.dataset && form.dataset.confirm ? form : null);
    if (!source || form.dataset.confirmed === "true") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!form.reportValidity()) return;
    if (!dialog) build();
    dialog.querySelector("p").textContent = source.dataset.confirm;
    dialog.querySelector("button[value=yes]").textContent =
      source.dataset.confirmYes || (button && button.textContent.trim()) || "Ja";
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "yes") return;
      form.dataset.confirmed = "true";
      form.requestSubmit(button && button.form === form ? button : null);
      delete form.dataset.confirmed;
    }, {once: true});
    dialog.showModal();
    dialog.querySelector("button[value=no]").focus();
  }, true);
})();
