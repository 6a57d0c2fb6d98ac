/* 职称申报服务平台 — the little behaviour the pages have, wired by data-* attributes.
 *
 * No template carries inline JavaScript (a Content-Security-Policy with script-src 'self' would
 * block it); everything is here. Listeners are delegated from the document, so content that htmx
 * swaps in later behaves like the first page. Every page works without this file: it only saves
 * a click or guards against a double submit.
 */
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (the language switcher).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  // <form data-reload-on="id_a id_b" data-reload-drop="name1 name2">: changing one of those
  // fields shows the form again for what was chosen (a GET, without the fields that depend on it).
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-reload-on")) return;
    if (form.getAttribute("data-reload-on").split(/\s+/).indexOf(event.target.id) === -1) return;
    (form.getAttribute("data-reload-drop") || "").split(/\s+/).forEach(function (name) {
      if (!name) return;
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        el.disabled = true;
      });
    });
    form.method = "get";
    form.submit();
  });

  // <input type="checkbox" data-select-all="CSS selector">: ticks or clears every box it names.
  document.addEventListener("click", function (event) {
    var all = event.target.closest("input[type=checkbox][data-select-all]");
    if (!all) return;
    document.querySelectorAll(all.getAttribute("data-select-all")).forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // <button data-expand-all="CSS selector"> / data-collapse-all: opens or closes every <details> it names.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-expand-all], [data-collapse-all]");
    if (!button) return;
    var open = button.hasAttribute("data-expand-all");
    var selector = button.getAttribute(open ? "data-expand-all" : "data-collapse-all");
    document.querySelectorAll(selector).forEach(function (details) {
      details.open = open;
    });
  });

  // Submit guards, in the order they must apply: ask first, then refuse a second click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // <form data-confirm="question">: the browser asks before sending.
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // <form data-submit-once>: a second submit within 5 seconds (a double click) is dropped.
    if (form.hasAttribute("data-submit-once")) {
      var sent = Number(form.dataset.sent || 0);
      if (Date.now() - sent < 5000) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = String(Date.now());
    }
    // <form data-disable-on-submit>: its buttons are disabled once it is on its way.
    if (form.hasAttribute("data-disable-on-submit")) {
      form.querySelectorAll("button").forEach(function (button) {
        button.disabled = true;
      });
    }
  });

  // <datalist id="x" data-suggest-url="/search/">: inputs with list="x" fetch their suggestions
  // from that URL as the person types (an htmx GET that fills the datalist).
  function wireSuggestions(root) {
    if (!window.htmx) return;
    root.querySelectorAll("datalist[data-suggest-url]").forEach(function (list) {
      document.querySelectorAll('input[list="' + list.id + '"]').forEach(function (input) {
        if (input.hasAttribute("hx-get")) return;
        input.setAttribute("hx-get", list.getAttribute("data-suggest-url"));
        input.setAttribute("hx-trigger", "input changed delay:300ms");
        input.setAttribute("hx-target", "#" + list.id);
        window.htmx.process(input);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      wireSuggestions(document);
    });
  } else {
    wireSuggestions(document);
  }
})();
