/* 职称申报服务平台 — the little behaviour the pages have, wired by data-* attributes.
 *
 * No template carries inline JavaScript (a Content-Security-Policy with script-src 'self' would
 * block it); everything is here. Listeners are delegated from the document, so content that htmx
 * swaps in later behaves like the first page. Every page works without this file: it only saves
 * a click or guards against a double submit.
 */
(function () {
  "use strict";

  // Styles that fold things away (the section menu on phones) apply only when this file runs.
  document.documentElement.classList.add("js");

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

  // Submit guards, in the order they must apply: wait for an autosave, ask first, then refuse a
  // second click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-autosave")) {
      // One request at a time: the page's own save waits for an autosave on its way, and no
      // autosave starts once the save is sent (two writes at once is what locked SQLite).
      form.dataset.submitting = "1";
      if (form.classList.contains("htmx-request")) {
        event.preventDefault();
        form._submitAfterAutosave = event.submitter || true;
        return;
      }
    }
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

  // <form data-autosave hx-post=… hx-trigger="input delay:1500ms, autosave-now">: htmx posts
  // the page as the applicant types; the status line (#autosave-status, aria-live) says
  // 已自动保存 hh:mm. Here: what is unsaved, retrying when offline or failed (and when the
  // browser is back online), and asking before leaving a page with unsaved changes.
  var RETRY_LIMIT_MS = 30000;

  function autosaveForms() {
    return Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
  }

  function unsaved(form) {
    return form.dataset.dirty === "1" && form.dataset.submitting !== "1";
  }

  function statusOf(form) {
    return form.querySelector("#autosave-status") || document.getElementById("autosave-status");
  }

  function saveNow(form) {
    if (window.htmx) window.htmx.trigger(form, "autosave-now");
  }

  function leave(form, href) {
    form.dataset.dirty = "0";
    window.location.href = href;
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form || event.target.closest("form");
    if (!form || !form.hasAttribute("data-autosave") || event.target.type === "file") return;
    form.dataset.dirty = "1";
    form._edits = (form._edits || 0) + 1;
  });

  // 增加一条 swaps the rows form for a new one with everything typed: unsaved stays unsaved.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var old = event.detail.target;
    if (old && old.matches && old.matches("form[data-autosave]")) window.__portalCarryDirty = unsaved(old);
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!window.__portalCarryDirty) return;
    window.__portalCarryDirty = false;
    autosaveForms().forEach(function (form) {
      form.dataset.dirty = "1";
      form._edits = (form._edits || 0) + 1;
      saveNow(form);
    });
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-autosave")) return;
    if (form.dataset.submitting === "1" || form.dataset.dirty !== "1") {
      event.preventDefault(); // the save is on its way, or there is nothing new to keep
      return;
    }
    form._sentEdits = form._edits || 0;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-autosave")) return;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    var line = statusOf(form);
    if (form._submitAfterAutosave) {
      var submitter = form._submitAfterAutosave;
      form._submitAfterAutosave = null;
      if (form.requestSubmit) form.requestSubmit(submitter === true ? undefined : submitter);
      else form.submit();
      return;
    }
    if (event.detail.successful) {
      form._retryDelay = 0;
      if ((form._edits || 0) === form._sentEdits) form.dataset.dirty = "0";
      if (form._leaveTo) leave(form, form._leaveTo);
      return;
    }
    if (status === 409 || status === 413 || status === 400 || status === 403 || status === 404) {
      // Waiting will not help: say why (the answer is the status line's text) and stop.
      if (line && xhr.responseText) line.innerHTML = xhr.responseText;
      form._leaveTo = null;
      return;
    }
    // Offline, or the server could not save just now: keep the edits and try again, backing off.
    if (line) {
      var note = document.createElement("span");
      note.className = "autosave-retry";
      note.textContent = line.getAttribute("data-retry-text") || "未保存，正在重试";
      line.replaceChildren(note);
    }
    if (form._leaveTo) {
      var href = form._leaveTo;
      form._leaveTo = null;
      var question = (line && line.getAttribute("data-leave-question")) || "本页的修改尚未保存，仍要离开吗？";
      if (window.confirm(question)) {
        leave(form, href);
        return;
      }
    }
    form._retryDelay = Math.min((form._retryDelay || 1000) * 2, RETRY_LIMIT_MS);
    window.clearTimeout(form._retryTimer);
    form._retryTimer = window.setTimeout(function () {
      if (unsaved(form)) saveNow(form);
    }, form._retryDelay);
  });

  window.addEventListener("online", function () {
    autosaveForms().forEach(function (form) {
      if (unsaved(form)) saveNow(form);
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (autosaveForms().some(unsaved)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A link in the section menu (or the page's head) while edits are unsaved: save them first
  // and go on once saved; if they cannot be saved, ask.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (!link.closest(".app-nav, .app-head")) return;
    var form = autosaveForms().filter(unsaved)[0];
    if (!form) return;
    event.preventDefault();
    form._leaveTo = link.href;
    if (!form.classList.contains("htmx-request")) saveNow(form);
  });

  // <button data-toggle-nav aria-controls="id" aria-expanded>: shows or folds the section menu
  // (phones; on wider screens the menu is always shown and the button hidden).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-toggle-nav]");
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (menu) menu.classList.toggle("open", open);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      wireSuggestions(document);
    });
  } else {
    wireSuggestions(document);
  }
})();
