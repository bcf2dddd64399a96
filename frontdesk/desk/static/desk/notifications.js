// The bell in the header: fetches its count when the page came without one, and again after a live push
// (live.js announces it as "desk:notification").
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

  document.addEventListener("desk:notification", refresh);
  var bell = document.getElementById("notification-bell");
  if (bell && bell.dataset.fetch) refresh();
})();
