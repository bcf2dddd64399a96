// The desk's chat panel: one socket (ws/desk/chat/, docs/chat.md) accepts, sends, transfers and ends chats and
// keeps the page current. The queue and the conversation are rendered by the server and fetched again when the
// socket says they changed; messages of the open conversation are added as they come, in order and once.
// Visitor text is only ever set through textContent.
(function () {
  "use strict";
  var panel = document.getElementById("chat-panel");
  if (!panel || !window.WebSocket) return;
  var socket = null;
  var retry = 1000;
  var lost = false;
  var accepting = null;
  var lastTyping = 0;
  var typingClear = null;
  var outbox = {}; // client_id → frame, until the server acknowledges it
  var actions = []; // accept, transfer and end asked for before the socket was open: sent once it is
  var unread = {}; // session id → true
  var waitingCount = null;
  var baseTitle = document.title;
  var MAX_TEXT = 4000;

  // The words are in a <template>: its content is a fragment of its own, not part of the page.
  function text(name) {
    var texts = document.getElementById("chat-texts");
    var node = texts && (texts.content || texts).querySelector('[data-text="' + name + '"]');
    return node ? node.textContent.trim() : name;
  }

  function conversation() { return document.getElementById("chat-conversation"); }
  function current() { var c = conversation(); return c ? Number(c.dataset.session) : null; }
  function log() { var c = conversation(); return c && c.querySelector(".chat-log"); }
  function sessionUrl(id) { return panel.dataset.sessionUrl.replace(/\/0\/$/, "/" + id + "/"); }

  function lastSeq() {
    var seq = 0;
    var list = log();
    if (list) list.querySelectorAll("[data-seq]").forEach(function (n) { seq = Math.max(seq, Number(n.dataset.seq)); });
    return seq;
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  // Longer than the server takes: said with the count, and nothing is sent (nor cut).
  function tooLong(body) {
    var count = Array.from(body.value.trim()).length;
    var message = count > MAX_TEXT ? text("too-long") + " " + count + "/" + MAX_TEXT : "";
    body.setCustomValidity(message);
    var note = document.querySelector("#chat-composer .chat-count");
    if (note) { note.textContent = message; note.hidden = !message; }
    return !!message;
  }

  // An agent's action: sent now, or as soon as the socket is open (a click right after the page loaded, or
  // while the connection is lost, is not dropped).
  function act(frame) {
    if (!send(frame)) actions.push(frame);
  }

  function newId() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  // Socket ---------------------------------------------------------------------------------------------------

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + panel.dataset.socket);
    socket.onopen = function () {
      retry = 1000;
      panel.dataset.live = "1"; // connected (the page's tests wait for it too)
      var sessions = {};
      if (current()) sessions[current()] = lastSeq();
      send({ type: "hello", sessions: sessions });
      Object.keys(outbox).forEach(function (id) { send(outbox[id]); }); // stored once however often sent
      actions.splice(0).forEach(send);
      if (lost) {
        lost = false;
        showError("");
        refreshQueue();
      }
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      handle(message);
    };
    socket.onclose = function (event) {
      delete panel.dataset.live;
      if (event.code === 4403) return; // refused: signed out or not an agent
      lost = true;
      showError(text("offline"));
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  function handle(m) {
    var mine = m.session !== undefined && Number(m.session) === current();
    if (m.type === "queue") {
      // An accepted chat joins the agent's own (the accepting socket hears no status of a chat it did not
      // follow yet): open it.
      if (accepting !== null && (m.mine || []).some(function (s) { return Number(s.session) === accepting; })) {
        var accepted = accepting;
        accepting = null;
        if (accepted !== current()) {
          location.href = sessionUrl(accepted);
          return;
        }
        refreshConversation();
      }
      noticeWaiting((m.waiting || []).length);
      refreshQueue();
    } else if (m.type === "message") {
      if (mine) add(m);
      else if (m.from === "visitor") { unread[m.session] = true; markUnread(); blink(); }
    } else if (m.type === "ack") {
      delete outbox[m.client_id];
    } else if (m.type === "typing" && mine) {
      var line = conversation().querySelector(".chat-typing");
      line.textContent = text("typing");
      line.hidden = false;
      clearTimeout(typingClear);
      typingClear = setTimeout(function () { line.hidden = true; }, 6000);
    } else if (m.type === "status") {
      if (accepting === Number(m.session) && m.session_state === "active" && !mine) {
        location.href = sessionUrl(m.session);
        return;
      }
      if (mine) {
        if (accepting === Number(m.session)) accepting = null;
        refreshConversation();
      }
      refreshQueue();
    } else if (m.type === "error") {
      if (Number(m.session) === accepting) accepting = null;
      if (m.client_id && outbox[m.client_id]) {
        delete outbox[m.client_id];
        var pending = pendingItem(m.client_id);
        if (pending) pending.remove();
      }
      showError(m.detail || m.code);
    }
  }

  function showError(message) {
    // In the open conversation, or above the panel when none is open.
    var box = document.querySelector("#chat-conversation .chat-error") || document.getElementById("chat-alert");
    box.textContent = message;
    box.hidden = !message;
  }

  // Messages ---------------------------------------------------------------------------------------------------

  function pendingItem(clientId) {
    var list = log();
    return list && list.querySelector('[data-client="' + CSS.escape(clientId) + '"]');
  }

  function item(m) {
    var node = document.getElementById("chat-message-template").content.firstElementChild.cloneNode(true);
    node.classList.add("chat-from-" + (m.from || "system"));
    node.querySelector(".chat-author").textContent = m.author || "";
    var time = node.querySelector("time");
    if (m.at) {
      time.dateTime = m.at;
      var clock = { hour: "numeric", minute: "2-digit" };
      time.textContent = new Date(m.at).toLocaleTimeString(document.documentElement.lang || [], clock);
    }
    node.querySelector(".chat-text").textContent = m.text || "";
    if (m.attachment) {
      var file = document.createElement("p");
      file.className = "chat-file";
      var url = String(m.attachment.url || "");
      var link = document.createElement(/^(https?:\/\/|\/)/.test(url) ? "a" : "span");
      if (link.tagName === "A") { link.href = url; link.target = "_blank"; link.rel = "noopener noreferrer"; }
      link.textContent = m.attachment.name;
      file.appendChild(link);
      node.appendChild(file);
    }
    return node;
  }

  function add(m) {
    var list = log();
    if (!list || list.querySelector('[data-seq="' + Number(m.seq) + '"]')) return;
    var node = item(m);
    node.dataset.seq = m.seq;
    var pending = m.client_id && pendingItem(m.client_id);
    if (pending) {
      pending.replaceWith(node);
    } else {
      var before = null;
      list.querySelectorAll("[data-seq], .chat-pending").forEach(function (n) {
        if (!before && (n.classList.contains("chat-pending") || Number(n.dataset.seq) > Number(m.seq))) before = n;
      });
      list.insertBefore(node, before);
    }
    conversation().dataset.lastSeq = lastSeq();
    if (m.from === "visitor") conversation().querySelector(".chat-typing").hidden = true;
    list.scrollTop = list.scrollHeight;
  }

  function showPending(frame) {
    var list = log();
    if (!list) return;
    var node = item({ from: "agent", text: frame.text, author: "" });
    node.classList.add("chat-pending");
    node.dataset.client = frame.client_id;
    list.appendChild(node);
    list.scrollTop = list.scrollHeight;
  }

  // Fetching the server's parts again ------------------------------------------------------------------------

  function fetchHtml(url) {
    return fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    });
  }

  function swap(id, html) {
    var next = html && new DOMParser().parseFromString(html, "text/html").getElementById(id);
    var old = document.getElementById(id);
    if (!next || !old) return null;
    old.replaceWith(next);
    if (window.htmx) window.htmx.process(next);
    return next;
  }

  // One fetch of the queue at a time: news that comes while one is on its way asks for one more after it.
  var queueFetching = false;
  var queueAgain = false;

  function refreshQueue() {
    if (queueFetching) {
      queueAgain = true;
      return;
    }
    queueFetching = true;
    var url = panel.dataset.queueUrl + (current() ? "?current=" + current() : "");
    fetchHtml(url).then(function (html) {
      if (swap("chat-queue", html)) markUnread();
    }).catch(function () {}).then(function () {
      queueFetching = false;
      if (queueAgain) {
        queueAgain = false;
        refreshQueue();
      }
    });
  }

  function refreshConversation() {
    var id = current();
    var wasMine = conversation().dataset.mine === "1";
    var body = document.getElementById("id_body");
    var draft = body ? body.value : "";
    fetchHtml(sessionUrl(id)).then(function (html) {
      if (id !== current()) return; // left meanwhile
      var next = html && new DOMParser().parseFromString(html, "text/html").getElementById("chat-conversation");
      // Transferred away (to a line or another agent): the chat is no longer the agent's to answer, accept or
      // end here, so the panel lets go of it.
      if (wasMine && next && !next.dataset.mine && next.dataset.state !== "ended") {
        leaveConversation();
        return;
      }
      if (!swap("chat-conversation", html)) return;
      var fresh = document.getElementById("id_body");
      if (fresh && draft) fresh.value = draft;
      Object.keys(outbox).forEach(function (clientId) {
        if (outbox[clientId].session === id) showPending(outbox[clientId]);
      });
      var list = log();
      if (list) list.scrollTop = list.scrollHeight;
    });
  }

  // The panel as it is with no conversation open, at its own address.
  function leaveConversation() {
    var url = panel.dataset.sessionUrl.replace(/\/0\/$/, "/");
    var main = panel.querySelector(".chat-main");
    var hadFocus = main && main.contains(document.activeElement);
    fetchHtml(url).then(function (html) {
      var doc = html && new DOMParser().parseFromString(html, "text/html");
      var next = doc && doc.querySelector("#chat-panel .chat-main");
      if (!next || !main || !conversation()) return;
      main.replaceWith(next);
      delete panel.dataset.session;
      baseTitle = doc.title || baseTitle;
      if (!document.title.startsWith("● ")) document.title = baseTitle;
      if (history.replaceState) history.replaceState(null, "", url);
      var title = document.getElementById("chat-title");
      if (hadFocus && title) { title.tabIndex = -1; title.focus(); }
      refreshQueue();
    }).catch(function () {});
  }

  function markUnread() {
    delete unread[current()];
    document.querySelectorAll("#chat-queue .chat-mine li").forEach(function (li) {
      var dot = li.querySelector(".chat-unread");
      if (dot) {
        dot.hidden = !unread[li.dataset.session];
        dot.title = text("unread");
      }
    });
  }

  function noticeWaiting(count) {
    if (waitingCount !== null && count > waitingCount) blink();
    waitingCount = count;
  }

  function blink() {
    if (!document.hidden) return;
    document.title = "● " + text("new-chat") + " · " + baseTitle;
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) document.title = baseTitle;
  });

  // The agent's actions ---------------------------------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("button");
    if (!target) return;
    var session = Number(target.dataset.session);
    if (target.classList.contains("chat-accept")) {
      accepting = session;
      act({ type: "accept", session: session });
    } else if (target.classList.contains("chat-end")) {
      act({ type: "end", session: session });
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "chat-composer") {
      event.preventDefault();
      var body = form.querySelector("[name=body]");
      var value = body.value.trim();
      if (!value || tooLong(body)) return;
      var frame = { type: "message", session: current(), client_id: newId(), text: value };
      outbox[frame.client_id] = frame;
      showPending(frame);
      send(frame);
      body.value = "";
      lastTyping = 0;
    } else if (form.classList.contains("chat-transfer")) {
      event.preventDefault();
      var choice = form.querySelector("select").value.split(":");
      if (choice.length !== 2) return;
      var transfer = { type: "transfer", session: Number(form.dataset.session) };
      transfer[choice[0] === "agent" ? "to_agent" : "to_line"] = Number(choice[1]);
      var request = form.querySelector("[name=note]");
      if (request && request.value.trim()) transfer.note = request.value.trim();
      act(transfer);
    }
  });

  // A canned answer picked in the composer comes from the chat's own endpoint: with its sign-off, as a chat
  // message is not signed (the ticket page's picker leaves the sign-off to the reply mail).
  document.addEventListener("htmx:configRequest", function (event) {
    var pick = event.target.closest && event.target.closest("#chat-composer .canned-pick");
    var answer = pick && /\/canned\/(\d+)\/$/.exec(event.detail.path);
    if (answer) event.detail.path = sessionUrl(current()) + "canned/" + answer[1] + "/";
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.id !== "id_body" || event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    event.target.form.requestSubmit();
  });

  document.addEventListener("input", function (event) {
    if (event.target.id !== "id_body" || !current()) return;
    tooLong(event.target);
    var now = Date.now();
    if (now - lastTyping < 2000) return;
    if (send({ type: "typing", session: current() })) lastTyping = now; // else the next keystroke tries again
  });

  var list = log();
  if (list) list.scrollTop = list.scrollHeight;
  connect();
})();
