// Keyboard shortcuts of the desk. The list of them is a translated dialog in the page (partials/shortcuts_help.html);
// this file only listens for keys. Nothing fires while the agent types in a field, except Ctrl+Enter, which sends
// the composer.
(function () {
  "use strict";
  var help = document.getElementById("shortcuts-help");
  if (!help) return;
  var pendingG = 0;
  var returnFocus = null;

  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.isContentEditable) return true;
    return Boolean(target.closest("input, textarea, select"));
  }

  function visible(node) {
    return node && node.getClientRects().length > 0;
  }

  // The help dialog -------------------------------------------------------------------------------------

  // While the dialog is open the rest of the page is inert: no clicks, no focus, hidden from screen readers.
  function setPageInert(inert) {
    Array.prototype.forEach.call(document.body.children, function (node) {
      if (node !== help && node.tagName !== "SCRIPT") node.inert = inert;
    });
  }

  function openHelp() {
    returnFocus = document.activeElement;
    setPageInert(true);
    help.hidden = false;
    help.querySelector(".shortcuts-close").focus();
  }

  function closeHelp() {
    help.hidden = true;
    setPageInert(false);
    if (returnFocus && returnFocus.focus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  }

  help.querySelector(".shortcuts-close").addEventListener("click", closeHelp);
  help.addEventListener("click", function (event) {
    if (event.target === help) closeHelp(); // a click beside the box
  });
  help.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closeHelp();
    } else if (event.key === "Tab") {
      // Focus stays in the dialog while it is open: its only control is the close button.
      event.preventDefault();
      help.querySelector(".shortcuts-close").focus();
    }
  });

  // The ticket list: j/k select a row, Enter opens it ------------------------------------------------------

  function rows() {
    return Array.prototype.filter.call(
      document.querySelectorAll("table.tickets tbody tr"),
      function (row) { return row.querySelector("a[href]"); }
    );
  }

  function move(step) {
    var list = rows();
    if (!list.length) return false;
    var current = list.findIndex(function (row) { return row.classList.contains("shortcut-selected"); });
    var next = current === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(Math.max(current + step, 0), list.length - 1);
    list.forEach(function (row) {
      row.classList.remove("shortcut-selected");
      row.removeAttribute("aria-selected");
    });
    list[next].classList.add("shortcut-selected");
    list[next].setAttribute("aria-selected", "true");
    // Focus the row's link: screen readers announce it, and Enter follows it as any link.
    list[next].querySelector("a[href]").focus();
    list[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  function openSelected() {
    var row = document.querySelector("table.tickets tbody tr.shortcut-selected");
    var link = row && row.querySelector("a[href]");
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }

  // The composer: r reply, i note, Ctrl+Enter send ----------------------------------------------------------

  function compose(kind) {
    var composer = document.getElementById("composer");
    if (!composer) return false;
    var choice = composer.querySelector('input[name="kind"][value="' + kind + '"]');
    if (choice) choice.click();
    var body = composer.querySelector("textarea[name=body]");
    if (!body) return false;
    body.focus();
    body.scrollIntoView({ block: "center" });
    return true;
  }

  function send(target) {
    var form = target && target.closest ? target.closest("form") : null;
    if (!form) form = document.getElementById("composer");
    if (!form || !visible(form)) return false;
    var button = form.querySelector("button[type=submit]:not([disabled])");
    if (!button) return false;
    if (form.requestSubmit) form.requestSubmit(button);
    else button.click();
    return true;
  }

  function focusSearch() {
    var box = document.querySelector("#search-q, .desk-search input[type=search]");
    if (box) {
      box.focus();
      box.select();
      return true;
    }
    window.location.assign(help.dataset.searchUrl);
    return true;
  }

  // Keys -----------------------------------------------------------------------------------------------------

  var keys = {
    "/": focusSearch,
    "?": function () { openHelp(); return true; },
    n: function () { window.location.assign(help.dataset.phoneUrl); return true; },
    j: function () { return move(1); },
    k: function () { return move(-1); },
    r: function () { return compose("reply"); },
    i: function () { return compose("note"); },
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (help.hidden && send(event.target)) event.preventDefault();
      return;
    }
    if (!help.hidden || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (pendingG && Date.now() - pendingG < 1500 && event.key === "q") {
      pendingG = 0;
      event.preventDefault();
      window.location.assign(help.dataset.queuesUrl);
      return;
    }
    pendingG = event.key === "g" ? Date.now() : 0;
    if (event.key === "Enter") {
      // Enter on a focused link or button does what it always does; on the page it opens the selected row.
      if (event.target.closest && event.target.closest("a, button, summary")) return;
      if (openSelected()) event.preventDefault();
      return;
    }
    var action = keys[event.key];
    if (action && action()) event.preventDefault();
  });
})();
