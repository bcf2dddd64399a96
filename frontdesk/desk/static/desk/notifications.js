// The bell in the header: fetches its count when the page came without one, and again after a live push
// (live.js announces it as "desk:notification"); on the notifications page the list follows.
(function () {
  "use strict";

  function refresh() {
    var bell = document.getElementById("notification-bell");
    if (!bell) return;
    fetch(bell.dataset.url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("notification-bell");
        var current = document.getElementById("notification-bell");
        if (fresh && current) current.replaceWith(fresh);
      });
  }

  function refreshList() {
    // On the notifications page the list (its first page) is fetched again too.
    var list = document.getElementById("notification-list");
    if (!list || location.search.indexOf("cursor=") !== -1) return;
    fetch(location.pathname + location.search, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("notification-list");
        var current = document.getElementById("notification-list");
        if (fresh && current) {
          current.replaceWith(fresh);
          if (window.htmx) window.htmx.process(fresh);
        }
      });
  }

  document.addEventListener("desk:notification", function () {
    refresh();
    refreshList();
  });
  var bell = document.getElementById("notification-bell");
  if (bell && bell.dataset.fetch) refresh();
})();
