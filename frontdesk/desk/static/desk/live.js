// Live updates of the desk: one websocket per page. Messages carry ids and a kind only; the page fetches what
// changed through its own (scoped) view. The ticket page also shows who else is on the ticket and who types.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.WebSocket) return;
  var ticketPage = Boolean(root.dataset.ticket);
  var socket = null;
  var retry = 1000;
  var heartbeat = null;
  var pending = null;
  var lastTyping = 0;
  var typingClear = null;

  function text(name) {
    var template = document.getElementById("live-texts");
    var node = template && template.content.querySelector('[data-text="' + name + '"]');
    return node ? node.textContent : name;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.onopen = function () {
      if (retry > 1000) later(refresh, 0); // missed pushes while away
      retry = 1000;
      heartbeat = setInterval(function () { send({ type: "ping" }); }, 20000);
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.type === "ticket") later(refresh, ticketPage ? 200 : 1000);
      else if (message.type === "presence") showPresence(message.people || []);
      else if (message.type === "call") showCall(message);
      else if (message.type === "notification") {
        document.dispatchEvent(new CustomEvent("desk:notification", { detail: message }));
      }
    };
    socket.onclose = function (event) {
      clearInterval(heartbeat);
      if (event.code === 4403) return; // refused: signed out or no longer allowed
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  function later(fn, delay) {
    clearTimeout(pending);
    pending = setTimeout(fn, delay);
  }

  // What changed -------------------------------------------------------------------------------------------

  function refresh() {
    if (ticketPage) refreshTicket();
    else refreshList();
  }

  function refreshTicket() {
    // Header and history only: the composer keeps what is being written, and its version, so that a reply
    // written on an outdated view still warns before it goes out.
    fetch(location.pathname, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        [".ticket-header", ".timeline"].forEach(function (selector) {
          var current = document.querySelector("#ticket " + selector);
          var next = fresh.querySelector("#ticket " + selector);
          if (current && next) {
            current.replaceWith(next);
            if (window.htmx) window.htmx.process(next);
          }
        });
      });
  }

  function refreshList() {
    var table = document.getElementById("queue-table");
    if (!table || !window.htmx) return;
    if (table.querySelector("input[name=tickets]:checked")) {
      // Ticked rows would be lost: offer the refresh instead.
      var notice = document.getElementById("live-notice");
      if (notice) return;
      notice = document.createElement("p");
      notice.id = "live-notice";
      notice.className = "live-notice";
      notice.setAttribute("role", "status");
      notice.textContent = text("list-changed") + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = text("refresh");
      button.addEventListener("click", function () {
        notice.remove();
        window.htmx.trigger(document.body, "queue-changed");
      });
      notice.appendChild(button);
      table.parentNode.insertBefore(notice, table);
      return;
    }
    window.htmx.trigger(document.body, "queue-changed");
  }

  // Presence -----------------------------------------------------------------------------------------------

  function showPresence(people) {
    var box = document.getElementById("presence");
    if (!box) return;
    var list = box.querySelector(".presence-people");
    list.replaceChildren();
    people.forEach(function (person, index) {
      var item = document.createElement("span");
      item.className = "presence-person" + (person.typing ? " typing" : "");
      item.dataset.user = person.id;
      item.textContent = person.name + (person.typing ? " (" + text("typing") + ")" : "");
      if (index) list.appendChild(document.createTextNode(", "));
      list.appendChild(item);
    });
    box.hidden = people.length === 0;
    clearTimeout(typingClear);
    if (people.some(function (person) { return person.typing; })) {
      // Typing ends by itself when no keystroke follows.
      typingClear = setTimeout(function () {
        showPresence(people.map(function (person) {
          return { id: person.id, name: person.name, typing: false };
        }));
      }, 7000);
    }
  }

  document.addEventListener("input", function (event) {
    if (!ticketPage || !event.target.closest || !event.target.closest("#composer")) return;
    var now = Date.now();
    if (now - lastTyping < 2000) return;
    lastTyping = now;
    send({ type: "typing" });
  });

  document.addEventListener("submit", function (event) {
    if (!ticketPage || !event.target.closest || !event.target.closest("#composer")) return;
    lastTyping = 0;
    send({ type: "idle" });
  });

  // Incoming calls -----------------------------------------------------------------------------------------

  function showCall(call) {
    var popup = document.getElementById("call-popup");
    if (!popup) return;
    popup.querySelector(".call-phone").textContent = call.phone;
    var start = popup.querySelector(".call-start");
    start.href = root.dataset.phoneUrl + "?phone=" + encodeURIComponent(call.phone) + "&brand=" + call.brand +
      (call.customer ? "&customer=" + call.customer : "");
    var card = popup.querySelector(".call-customer");
    var unknown = popup.querySelector(".call-unknown");
    card.replaceChildren();
    unknown.hidden = Boolean(call.customer);
    popup.hidden = false;
    if (!call.customer) return;
    var url = root.dataset.customerUrl.replace(/\/0\/$/, "/" + call.customer + "/");
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { unknown.hidden = false; return; }
        var panel = new DOMParser().parseFromString(html, "text/html").querySelector(".customer-panel");
        if (!panel) return;
        // The card only: editing stays on the ticket page's own panel.
        panel.removeAttribute("id");
        panel.querySelectorAll("header button, [id]").forEach(function (node) {
          if (node.tagName === "BUTTON") node.remove();
          else node.removeAttribute("id");
        });
        card.appendChild(panel);
      });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".call-close")) {
      document.getElementById("call-popup").hidden = true;
    }
  });

  connect();
})();
