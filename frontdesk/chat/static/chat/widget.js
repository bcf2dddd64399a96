/* Frontdesk live chat (docs/chat.md): a button and a panel in a shadow root, one WebSocket.
   Visitor and agent text only ever goes in through textContent. */
(function () {
  "use strict";
  var me = document.currentScript || document.querySelector('script[data-brand][src*="chat/widget.js"]');
  var slug = me && me.dataset.brand, KEY = "frontdesk-chat:" + slug;
  if (!slug || !window.WebSocket || window[KEY]) return;
  window[KEY] = 1;
  var src = new URL(me.src, location.href);
  var URL_ = (src.protocol === "https:" ? "wss://" : "ws://") + src.host + "/ws/chat/" + encodeURIComponent(slug) + "/";
  var LIMIT = 5242880; // attachment bytes unless the brand says otherwise
  var N = "open close send text name email online offline thanks typing end ended restart attach large reconnect waiting agent suggest".split(" ");
  var T = {
    en: "Chat with us|Close|Send|Your message|Your name|Your e-mail|We are online|No one is online: leave a message and we answer by e-mail.|Thank you! Request number: |The agent is typing…|End chat|The chat has ended.|New chat|Attach a file|The file is too large.|Reconnecting…|Waiting for an agent…|You talk to |Articles that may help:",
    ru: "Напишите нам|Закрыть|Отправить|Ваше сообщение|Ваше имя|Ваш e-mail|Мы на связи|Сейчас никого нет: оставьте сообщение, ответим по e-mail.|Спасибо! Номер обращения: |Оператор печатает…|Завершить чат|Чат завершён.|Новый чат|Прикрепить файл|Файл слишком большой.|Восстанавливаем связь…|Ждём оператора…|С вами: |Статьи, которые могут помочь:",
    pl: "Napisz do nas|Zamknij|Wyślij|Twoja wiadomość|Imię|E-mail|Jesteśmy online|Nikogo nie ma: zostaw wiadomość, odpowiemy e-mailem.|Dziękujemy! Numer zgłoszenia: |Konsultant pisze…|Zakończ czat|Czat zakończony.|Nowy czat|Dołącz plik|Plik jest za duży.|Łączenie…|Czekamy na konsultanta…|Rozmawiasz z: |Artykuły, które mogą pomóc:"
  };
  function pick(allowed) {
    var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) { return String(l).slice(0, 2); });
    for (var i = 0; i < wanted.length; i++) if (T[wanted[i]] && (!allowed || allowed.indexOf(wanted[i]) >= 0)) return wanted[i];
    return allowed && T[allowed[0]] ? allowed[0] : "en";
  }
  var lang = pick();
  function t(n) { return T[lang].split("|")[N.indexOf(n)]; }

  var st = {};
  try { st = JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { /* none kept */ }
  st.last = st.last || 0;
  st.outbox = st.outbox || [];
  var kept = st.msgs || [];
  st.msgs = [];
  // The conversation so far (a reloaded page shows it and asks only for what came after), and the texts waiting
  // for their ack; files are not kept (too large for the storage).
  function save() {
    var keep = { token: st.token, last: st.last, open: st.open, msgs: st.msgs.slice(-200), outbox: st.outbox.filter(function (f) { return f.type === "message"; }) };
    try { localStorage.setItem(KEY, JSON.stringify(keep)); } catch (e) { /* private mode */ }
  }

  function el(tag, attrs, text, parent) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) n.setAttribute(k, attrs[k]);
    if (text != null) n.textContent = text;
    if (parent) parent.appendChild(n);
    return n;
  }
  var host = el("div", { "data-frontdesk-chat": slug }), root = host.attachShadow({ mode: "open" });
  // Our own fixed markup; labels are set by label(), everything else by textContent.
  root.innerHTML = "<style>:host{--c:#2455a4}*{box-sizing:border-box;font:14px/1.4 system-ui,sans-serif}[hidden]{display:none!important}" +
    ".l,.p{position:fixed;right:20px;z-index:2147483000;box-shadow:0 3px 16px #0005;border-radius:10px}.l,.go,header,.visitor{background:var(--c);color:#fff}" +
    ".l{bottom:20px;border:0;padding:12px 18px}.p{bottom:76px;width:340px;max-width:calc(100vw - 40px);height:480px;max-height:calc(100vh - 100px);background:#fff;color:#222;overflow:hidden}" +
    ".p,.m,form{display:flex;flex-direction:column}.m,form{gap:6px}header{padding:10px;display:flex}b{flex:1}small,.b i{display:block;font-size:12px}button{cursor:pointer;border-radius:6px;border:1px solid #bbb;padding:5px 9px}" +
    ".m{flex:1;overflow-y:auto;padding:10px}.b{max-width:85%;padding:6px 10px;border-radius:10px;background:#eee;white-space:pre-wrap;overflow-wrap:anywhere}.b a{color:inherit}" +
    ".b.visitor{align-self:flex-end;background:var(--c)}.system,.n{align-self:center;color:#666;font-size:12px;margin:0}.pending{opacity:.6}form{padding:8px;border-top:1px solid #ddd}" +
    "input,textarea{width:100%;padding:6px;border:1px solid #bbb;border-radius:6px}textarea{height:56px;resize:none}.r{display:flex;gap:6px}.go{margin-left:auto;border:0}.s{padding:0 10px}:focus-visible{outline:2px solid #f90}</style>" +
    "<button type=button class=l aria-expanded=false aria-controls=p data-t=open></button><section class=p id=p role=dialog aria-labelledby=h hidden>" +
    "<header><b id=h><span></span><small role=status></small></b><button type=button class=x data-a=close>×</button></header>" +
    "<div class=m role=log aria-live=polite></div><p class='n y' hidden></p><div class=s></div><form class=f><div class=r>" +
    "<input name=name autocomplete=name maxlength=200 data-t=name><input name=email type=email autocomplete=email maxlength=254 data-t=email></div>" +
    "<textarea name=text maxlength=4000 data-t=text></textarea><input type=file hidden><div class=r><button type=button class=a data-a=attach><svg width=14 height=14 viewBox='0 0 24 24' aria-hidden=true><path d='M16 6v10a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10a1 1 0 0 1-2 0V6' fill=none stroke=currentColor stroke-width=2 /></svg></button>" +
    "<button type=button class=e data-t=end></button><button class=go data-t=send></button></div></form><form class=o><p class=n data-t=offline></p>" +
    "<input name=name required maxlength=200 data-t=name><input name=email type=email required maxlength=254 data-t=email>" +
    "<textarea name=text required maxlength=4000 data-t=text></textarea><button class=go data-t=send></button></form><button type=button class=z data-t=restart></button></section>";
  function $(q) { return root.querySelector(q); }
  var launcher = $(".l"), panel = $(".p"), heading = $("#h span"), status = $("small"), list = $(".m"), typing = $(".y"), tips = $(".s");
  var form = $(".f"), who = $(".f .r"), text = form.elements.text, file = $("[type=file]"), off = $(".o"), restart = $(".z"), end = $(".e");

  function label() {
    root.querySelectorAll("[data-t]").forEach(function (n) {
      var s = t(n.dataset.t);
      if (n.form && n.tagName !== "BUTTON") { n.placeholder = s; n.setAttribute("aria-label", s); } else n.textContent = s;
    });
    root.querySelectorAll("[data-a]").forEach(function (n) { n.setAttribute("aria-label", t(n.dataset.a)); });
  }

  var brand = {}, session = "none", agent = null, online = false, live = false, shown = {}, ws = null;
  var retry = 1000, typingTimer, suggestTimer, lastTyping = 0;

  function render() {
    heading.textContent = brand.name || t("open");
    status.textContent = !live ? t("reconnect") : session === "waiting" ? t("waiting") :
      session === "active" && agent ? t("agent") + agent : online && session !== "ended" ? t("online") : "";
    off.hidden = !(session === "none" && !online && live);
    form.hidden = !off.hidden || session === "ended";
    who.hidden = session !== "none";
    end.hidden = session === "none" || session === "ended";
    restart.hidden = session !== "ended";
  }

  function safe(url) { try { var u = new URL(url, src); } catch (e) { return null; } return /^https?:$/.test(u.protocol) ? u.href : null; }
  function bubble(m) {
    var b = el("div", { class: "b " + m.from });
    if (m.author && m.from === "agent") el("i", null, m.author, b);
    b.appendChild(document.createTextNode(m.text || ""));
    var a = m.attachment, href = a && safe(a.url);
    if (href) el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, a.name, b);
    return b;
  }
  function bottom() { list.scrollTop = list.scrollHeight; }
  function mine(id) { return list.querySelector('[data-client="' + CSS.escape(id) + '"]'); }
  function note(s) { el("p", { class: "n" }, s, list); bottom(); }
  function drop(id) { st.outbox = st.outbox.filter(function (f) { return f.client_id !== id; }); save(); }
  function out(frame) { return ws && ws.readyState === 1 && (ws.send(JSON.stringify(frame)), true); }

  function receive(m) { // in seq order, each once; the visitor's own replaces its pending copy
    if (shown[m.seq]) return;
    shown[m.seq] = 1;
    if (m.client_id) { var p = mine(m.client_id); if (p) p.remove(); drop(m.client_id); }
    var b = bubble(m), c = list.firstChild;
    while (c && !c.classList.contains("pending") && !(+c.dataset.seq > m.seq)) c = c.nextSibling;
    b.dataset.seq = m.seq;
    list.insertBefore(b, c);
    if (m.seq > st.last) st.last = m.seq;
    st.msgs.push(m);
    if (m.from === "agent") typing.hidden = true;
    save();
    bottom();
  }
  function pending(f) {
    var b = bubble({ from: "visitor", text: f.text || f.name });
    b.classList.add("pending");
    b.dataset.client = f.client_id;
    list.appendChild(b);
    bottom();
  }
  function queue(f) {
    f.client_id = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    st.outbox.push(f);
    save();
    pending(f);
    out(f);
  }

  function connect() {
    ws = new WebSocket(URL_);
    ws.onopen = function () { out({ type: "hello", token: st.token || undefined, last_seq: st.last, language: lang, page: location.href }); };
    ws.onmessage = function (e) { try { handle(JSON.parse(e.data)); } catch (err) { /* not ours */ } };
    ws.onclose = function (e) {
      live = false;
      render();
      if (e.code === 4403) return; // refused: this page may not embed the chat
      setTimeout(connect, retry + Math.random() * 500);
      retry = Math.min(retry * 2, 30000);
    };
  }

  function over() { if (session !== "ended") note(t("ended")); session = "ended"; }
  function handle(m) {
    var k = m.type;
    if (k === "welcome") {
      live = true;
      retry = 1000;
      if (st.token && m.token !== st.token) { list.replaceChildren(); st.last = 0; st.msgs = []; shown = {}; }
      st.token = m.token;
      brand = m.brand || {};
      var code = pick(brand.languages && brand.languages.length ? brand.languages : null);
      if (code !== lang) { lang = code; label(); }
      if (/^#[0-9a-f]{6}$/i.test(brand.color)) host.style.setProperty("--c", brand.color);
      if (brand.max_attachment > 0) LIMIT = brand.max_attachment;
      session = m.session; agent = m.agent; online = m.online;
      if (brand.greeting && !list.querySelector(".g")) list.prepend(el("p", { class: "n g" }, brand.greeting));
      list.querySelectorAll(".pending").forEach(function (n) { n.remove(); });
      st.outbox.forEach(function (f) { pending(f); out(f); }); // resent: the server stores each client_id once
      save();
    } else if (k === "message") receive(m);
    else if (k === "ack") { drop(m.client_id); if (session === "none") session = "waiting"; }
    else if (k === "typing") {
      typing.textContent = t("typing");
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.hidden = true; }, 6000);
    } else if (k === "status") { agent = m.agent; if (m.session === "ended") over(); else session = m.session; }
    else if (k === "suggestions") {
      tips.replaceChildren();
      var good = (m.articles || []).filter(function (a) { return safe(a.url); }).slice(0, 3);
      if (good.length) el("p", null, t("suggest"), tips);
      good.forEach(function (a) { el("a", { href: safe(a.url), target: "_blank", rel: "noopener" }, a.title, el("div", null, null, tips)); });
    } else if (k === "offline_received") { off.reset(); note(t("thanks") + m.number); session = "ended"; }
    else if (k === "ended") over();
    else if (k === "error") {
      var p = m.client_id && mine(m.client_id);
      if (m.code === "rate_limited" && m.client_id) setTimeout(function () { st.outbox.forEach(out); }, 5000);
      else if (m.client_id) { drop(m.client_id); if (p) p.remove(); }
      note(m.detail || m.code);
      if (m.code === "ended") session = "ended";
    }
    render();
  }

  function toggle(open) {
    st.open = open;
    save();
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open);
    (open ? (off.hidden ? text : off.elements.name) : launcher).focus();
  }
  launcher.onclick = function () { toggle(panel.hidden); };
  $(".x").onclick = function () { toggle(false); };
  panel.onkeydown = function (e) { if (e.key === "Escape") toggle(false); };
  form.onsubmit = function (e) {
    e.preventDefault();
    var f = { type: "message", text: text.value.trim() };
    if (!f.text) return;
    if (session === "none") ["name", "email"].forEach(function (k) { var v = form.elements[k].value.trim(); if (v) f[k] = v; });
    queue(f);
    text.value = "";
    tips.replaceChildren();
  };
  text.onkeydown = function (e) { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } };
  text.oninput = function () {
    if (session !== "none" && Date.now() - lastTyping > 2000) { lastTyping = Date.now(); out({ type: "typing" }); }
    var q = text.value.trim();
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () { if (q.length > 2) out({ type: "suggest", q: q.slice(0, 200) }); else tips.replaceChildren(); }, 400);
  };
  $(".a").onclick = function () { file.click(); };
  file.onchange = function () {
    var f = file.files[0], reader = new FileReader();
    file.value = "";
    if (!f) return;
    if (f.size > LIMIT) return note(t("large"));
    reader.onload = function () {
      var data = String(reader.result);
      queue({ type: "attachment", name: f.name, content_type: f.type || "application/octet-stream", data: data.slice(data.indexOf(",") + 1) });
    };
    reader.readAsDataURL(f);
  };
  end.onclick = function () { out({ type: "end" }); };
  off.onsubmit = function (e) {
    e.preventDefault();
    var v = off.elements;
    out({ type: "offline", name: v.name.value.trim(), email: v.email.value.trim(), text: v.text.value.trim() });
  };
  restart.onclick = function () {
    st = { last: 0, outbox: [], msgs: [], open: true };
    shown = {};
    list.replaceChildren();
    save();
    session = "none";
    render();
    if (ws) ws.close(); // reconnects without a token: a new conversation
  };

  label();
  kept.forEach(receive);
  render();
  (document.body || document.documentElement).appendChild(host);
  if (st.open) toggle(true);
  connect();
})();
