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
  var LIMIT = 5242880, MAX = 4000; // file bytes unless the brand says otherwise; characters of a message
  var N = "open close send text name email online offline thanks typing end ended restart attach large reconnect waiting agent suggest busy full long".split(" ");
  var T = {
    en: "Chat with us|Close|Send|Your message|Your name|Your e-mail|We are online|No one is online: leave a message and we answer by e-mail.|We received your message. Request number: |The agent is typing…|End chat|The chat has ended.|New chat|Attach a file|The file is too large.|Reconnecting…|Waiting for an agent…|You talk to |Articles that may help:|You are writing too fast: the next messages follow in a moment.|We cannot open another chat for you now. Leave a message and we answer by e-mail.|Too long to send, characters: ",
    ru: "Напишите нам|Закрыть|Отправить|Ваше сообщение|Ваше имя|Ваш e-mail|Мы на связи|Сейчас никого нет: оставьте сообщение, ответим по e-mail.|Мы получили ваше сообщение. Номер обращения: |Оператор печатает…|Завершить чат|Чат завершён.|Новый чат|Прикрепить файл|Файл слишком большой.|Восстанавливаем связь…|Ждём оператора…|С вами: |Статьи, которые могут помочь:|Вы пишете слишком быстро: следующие сообщения уйдут чуть позже.|Сейчас мы не можем открыть для вас ещё один чат. Оставьте сообщение, ответим по e-mail.|Слишком длинное сообщение, символов: ",
    pl: "Napisz do nas|Zamknij|Wyślij|Twoja wiadomość|Imię|E-mail|Jesteśmy online|Nikogo nie ma: zostaw wiadomość, odpowiemy e-mailem.|Otrzymaliśmy Twoją wiadomość. Numer zgłoszenia: |Konsultant pisze…|Zakończ czat|Czat zakończony.|Nowy czat|Dołącz plik|Plik jest za duży.|Łączenie…|Czekamy na konsultanta…|Rozmawiasz z: |Artykuły, które mogą pomóc:|Piszesz za szybko: kolejne wiadomości wyślemy za chwilę.|Nie możemy teraz otworzyć kolejnego czatu. Zostaw wiadomość, odpowiemy e-mailem.|Wiadomość jest za długa, znaków: "
  };
  // The browser's language if the brand offers it (and we speak it), else the brand's first.
  function pick(offered) {
    offered = (offered || []).filter(function (l) { return T[l]; });
    var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) { return String(l).slice(0, 2).toLowerCase(); });
    for (var i = 0; i < wanted.length; i++) if (T[wanted[i]] && (!offered.length || offered.indexOf(wanted[i]) >= 0)) return wanted[i];
    return offered[0] || "en";
  }
  function t(n) { return T[lang].split("|")[N.indexOf(n)]; }

  var st = {};
  try { st = JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { /* none kept */ }
  st.last = st.last || 0;
  st.outbox = st.outbox || [];
  if (st.sent && Date.now() - st.sent[1] > 2592e5) st.sent = 0; // "we received your message" for three days
  var lang = T[st.lang] ? st.lang : pick(), kept = st.msgs || [];
  st.msgs = [];
  // Kept: the conversation (a reload asks only for what came after), texts not yet acked (files are too large),
  // the language and the number of an e-mailed message.
  function save() {
    var keep = { token: st.token, last: st.last, open: st.open, lang: st.lang, sent: st.sent, msgs: st.msgs.slice(-200), outbox: st.outbox.filter(function (f) { return f.type === "message"; }) };
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
    ".b.visitor{align-self:flex-end;background:var(--c)}.system,.n{align-self:center;color:#666;font-size:12px;margin:0}.w{color:#a40;padding:0 10px}.pending{opacity:.6}form{padding:8px;border-top:1px solid #ddd}" +
    "input,textarea{width:100%;padding:6px;border:1px solid #bbb;border-radius:6px}textarea{height:56px;resize:none}.r{display:flex;gap:6px}.go{margin-left:auto;border:0}.s{padding:0 10px}:focus-visible{outline:2px solid #f90}</style>" +
    "<button type=button class=l aria-expanded=false aria-controls=p data-t=open></button><section class=p id=p role=dialog aria-labelledby=h hidden>" +
    "<header><b id=h><span></span><small role=status></small></b><button type=button class=x data-a=close>×</button></header>" +
    "<div class=m role=log aria-live=polite></div><p class='n y' hidden></p><p class='n w' role=alert hidden></p><div class=s></div><form class=f><div class=r>" +
    "<input name=name autocomplete=name maxlength=200 data-t=name><input name=email type=email autocomplete=email maxlength=254 data-t=email></div>" +
    "<textarea name=text data-t=text></textarea><input type=file hidden><div class=r><button type=button class=a data-a=attach><svg width=14 height=14 viewBox='0 0 24 24' aria-hidden=true><path d='M16 6v10a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10a1 1 0 0 1-2 0V6' fill=none stroke=currentColor stroke-width=2 /></svg></button>" +
    "<button type=button class=e data-t=end></button><button class=go data-t=send></button></div></form><form class=o><p class=n></p>" +
    "<input name=name required maxlength=200 data-t=name><input name=email type=email required maxlength=254 data-t=email>" +
    "<textarea name=text required data-t=text></textarea><button class=go data-t=send></button></form><button type=button class=z data-t=restart></button></section>";
  function $(q) { return root.querySelector(q); }
  var launcher = $(".l"), panel = $(".p"), heading = $("#h span"), status = $("small"), list = $(".m"), typing = $(".y"), warning = $(".w"), tips = $(".s");
  var form = $(".f"), who = $(".f .r"), text = form.elements.text, file = $("[type=file]"), off = $(".o"), restart = $(".z"), end = $(".e");

  function label() {
    root.querySelectorAll("[data-t]").forEach(function (n) {
      var s = t(n.dataset.t);
      if (n.form && n.tagName !== "BUTTON") { n.placeholder = s; n.setAttribute("aria-label", s); } else n.textContent = s;
    });
    root.querySelectorAll("[data-a]").forEach(function (n) { n.setAttribute("aria-label", t(n.dataset.a)); });
  }

  var brand = {}, session = "none", agent = null, online = false, live = false, shown = {}, ws = null;
  var retry = 1000, typingTimer, suggestTimer, lastTyping = 0, asked = "", asker;
  // Sending: one message at a time, oldest first, each once per try; a refused one waits (2 s, 4 s … 30 s).
  var inflight = null, steps = 0, pause = 0, why, full = false, offSent = false, welcomed = false, fails = 0, said;

  function render() {
    var done = session === "ended" || !!st.sent;
    heading.textContent = brand.name || t("open");
    status.textContent = !live ? t("reconnect") : session === "waiting" ? t("waiting") :
      session === "active" && agent ? t("agent") + agent : online && session !== "ended" ? t("online") : "";
    off.hidden = !(session === "none" && live && !done && (!online || full));
    off.firstChild.textContent = t(full ? "full" : "offline");
    form.hidden = !off.hidden || done;
    who.hidden = session !== "none";
    end.hidden = session === "none" || done;
    restart.hidden = !done;
    if (asker && asker.form.hidden) { asker = null; hush(); } // its form went (the chat ended, or e-mail instead)
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
  function note(s) { var n = el("p", { class: "n" }, s, list); bottom(); return n; }
  // One standing notice per reason (not one line per refusal); warn(k) takes down k's notice only.
  function warn(k, s) { if (s || why === k) { why = s && k; warning.textContent = s || ""; warning.hidden = !s; } }
  function out(frame) { return ws && ws.readyState === 1 && (ws.send(JSON.stringify(frame)), true); }
  function drop(id) {
    st.outbox = st.outbox.filter(function (f) { return f.client_id !== id; });
    if (id === inflight) inflight = null;
    save();
  }
  function pump() {
    var f = st.outbox[0];
    if (f && live && !inflight && !pause && out(f)) inflight = f.client_id;
  }
  function clear() { // nothing more will be sent: the chat ended, or the e-mail form takes over
    st.outbox = [];
    inflight = null;
    clearTimeout(pause);
    pause = steps = 0;
    warn("busy");
    list.querySelectorAll(".pending").forEach(function (n) { n.remove(); });
    save();
  }

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
    if (session === "none") {
      f.language = lang;
      // The visitor's own name travels as visitor_name: an attachment's name is its file's.
      var who = form.elements.name.value.trim(), mail = form.elements.email.value.trim();
      if (who) f.visitor_name = who;
      if (mail) f.email = mail;
    }
    st.outbox.push(f);
    save();
    pending(f);
    pump();
  }
  function refuse() { // no new chat for this address now: the e-mail form instead, with what was written
    var v = off.elements;
    v.text.value = st.outbox.map(function (f) { return f.text || ""; }).join("\n").trim();
    v.name.value = form.elements.name.value;
    v.email.value = form.elements.email.value;
    clear();
    full = true;
  }
  // Articles for what is typed in either form, 0.4 s after the last key; an answer shows only while its text
  // is still the box's (answers come in order but name no question), and sending takes the list down.
  function words(n) { return n.value.trim().slice(0, 200); }
  function hush() { clearTimeout(suggestTimer); asked = ""; tips.replaceChildren(); }
  function hint(n) {
    var q = words(n);
    if (q.length < 3) return hush();
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () { if (words(n) === q && out({ type: "suggest", q: q })) { asked = q; asker = n; } }, 400);
  }
  function check(n) { // over the limit: say so and send nothing, rather than cut the text
    var c = Array.from(n.value.trim()).length, s = c > MAX ? t("long") + c + "/" + MAX : "";
    n.setCustomValidity(s);
    warn("long", s);
    return !s;
  }

  function hello() {
    said = lang;
    out({ type: "hello", token: st.token || undefined, last_seq: st.last, language: lang, page: location.href });
  }
  function connect() {
    ws = new WebSocket(URL_);
    ws.onopen = hello;
    ws.onmessage = function (e) { try { handle(JSON.parse(e.data)); } catch (err) { /* not ours */ } };
    ws.onclose = function (e) {
      live = false;
      inflight = null;
      render();
      // Refused (4403, or 1006 for a refused handshake): no endless "Reconnecting…", a word for the site's owner.
      if (e.code === 4403 || (!welcomed && ++fails > 2)) {
        host.remove();
        return console.warn("Frontdesk chat: " + src.host + " refused " + location.origin + " for " + slug + ": add it to the brand's allowed website origins (Live chat settings), and turn the chat on.");
      }
      setTimeout(connect, retry + Math.random() * 500);
      retry = Math.min(retry * 2, 30000);
    };
  }

  // Once, and last: what a reload replays goes above it.
  function over() { if (session !== "ended") note(t("ended")).dataset.seq = 1 / 0; session = "ended"; typing.hidden = true; clearTimeout(typingTimer); clear(); }
  function handle(m) {
    var k = m.type;
    if (k === "welcome") {
      if (st.token && m.token !== st.token) { list.replaceChildren(); st.last = 0; st.msgs = []; shown = {}; st.outbox.forEach(pending); }
      st.token = m.token;
      brand = m.brand || {};
      var code = pick(brand.languages);
      if (code !== lang) { lang = code; label(); }
      st.lang = lang;
      if (lang !== said) return hello(); // the server speaks (and mails) the language chosen among the brand's
      if (!welcomed) { welcomed = true; (document.body || document.documentElement).appendChild(host); if (st.open) toggle(true); }
      live = true;
      retry = 1000;
      if (/^#[0-9a-f]{6}$/i.test(brand.color)) host.style.setProperty("--c", brand.color);
      if (brand.max_attachment_bytes > 0) LIMIT = brand.max_attachment_bytes;
      agent = m.agent; online = m.online;
      if (m.session === "ended") over(); else session = m.session;
      if (brand.greeting) (list.querySelector(".g") || list.insertBefore(el("p", { class: "n g" }), list.firstChild)).textContent = brand.greeting;
      save();
      pump(); // resent after a reconnect: the server stores each client_id once
    } else if (k === "message") receive(m);
    else if (k === "ack") {
      drop(m.client_id);
      if (session === "none") session = "waiting";
      steps = 0;
      if (!st.outbox.length) warn("busy");
      pump();
    } else if (k === "typing") {
      typing.textContent = t("typing");
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.hidden = true; }, 6000);
    } else if (k === "status") { agent = m.agent; if (m.session === "ended") over(); else session = m.session; }
    else if (k === "suggestions") {
      if (!asked || words(asker) !== asked || asker.form.hidden) return;
      tips.replaceChildren();
      var good = (m.articles || []).filter(function (a) { return safe(a.url); }).slice(0, 3);
      if (good.length) el("p", null, t("suggest"), tips);
      good.forEach(function (a) { el("a", { href: safe(a.url), target: "_blank", rel: "noopener" }, a.title, el("div", null, null, tips)); });
    } else if (k === "offline_received") { off.reset(); hush(); st.sent = [m.number, Date.now()]; full = offSent = false; save(); note(t("thanks") + m.number); }
    else if (k === "ended") over();
    else if (k === "presence") { if (session === "none" && !text.value.trim() && !off.elements.text.value.trim()) online = !!m.online; } // nothing typed is hidden
    else if (k === "error") {
      // A file over the frame limit is refused before its client_id is read: the one in flight.
      var c = m.code, id = m.client_id || (c === "too_large" && inflight);
      if (c === "too_many_chats" || (c === "rate_limited" && id && session === "none" && steps > 2)) refuse();
      else if (c === "rate_limited" && id) {
        if (id === inflight) inflight = null;
        warn("busy", t("busy"));
        if (!pause) pause = setTimeout(function () { pause = 0; pump(); }, Math.min(30000, (2000 << Math.min(steps++, 4)) * (0.75 + Math.random() / 2)));
      } else if (id) {
        var p = mine(id);
        if (p) p.remove();
        drop(id);
        if (c !== "ended" || session === "ended") note(c === "too_large" ? t("large") : m.detail || c); // else over() says it
        pump();
      } else {
        if ((c !== "rate_limited" || offSent) && (c !== "ended" || session === "ended")) note(m.detail || c); // a suggestion refused for speed: no matter
        offSent = false;
      }
      if (c === "ended") over();
    }
    render();
  }

  // Agents come and go: while the panel is open and no chat has started, it asks again now and then.
  function ask() { if (live && session === "none" && !st.sent && !panel.hidden) out({ type: "presence" }); }
  function toggle(open) {
    st.open = open;
    save();
    panel.hidden = !open;
    if (open) bottom();
    launcher.setAttribute("aria-expanded", open);
    (open ? (off.hidden ? text : off.elements.name) : launcher).focus();
  }
  launcher.onclick = function () { toggle(panel.hidden); ask(); };
  $(".x").onclick = function () { toggle(false); };
  panel.onkeydown = function (e) { if (e.key === "Escape") toggle(false); };
  form.onsubmit = function (e) {
    e.preventDefault();
    var s = text.value.trim();
    if (!s || !check(text)) return;
    queue({ type: "message", text: s });
    text.value = "";
    hush();
  };
  text.onkeydown = function (e) { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } };
  text.oninput = function () {
    check(text);
    if (session !== "none" && Date.now() - lastTyping > 2000) { lastTyping = Date.now(); out({ type: "typing" }); }
    hint(text);
  };
  $(".a").onclick = function () { file.click(); };
  file.onchange = function () {
    var f = file.files[0], reader = new FileReader();
    file.value = "";
    if (!f) return;
    if (f.size > LIMIT) return note(t("large")); // before reading it
    reader.onload = function () {
      var data = String(reader.result);
      queue({ type: "attachment", name: f.name, content_type: f.type || "application/octet-stream", data: data.slice(data.indexOf(",") + 1) });
    };
    reader.readAsDataURL(f);
  };
  end.onclick = function () { out({ type: "end" }); };
  off.elements.text.oninput = function () { check(this); hint(this); };
  off.onsubmit = function (e) {
    e.preventDefault();
    var v = off.elements;
    hush();
    if (check(v.text)) offSent = out({ type: "offline", name: v.name.value.trim(), email: v.email.value.trim(), text: v.text.value.trim(), language: lang });
  };
  restart.onclick = function () {
    st = { last: 0, outbox: [], msgs: [], open: true, lang: lang };
    clear();
    shown = {};
    full = false;
    list.replaceChildren();
    session = "none";
    render();
    if (ws) ws.close(); // reconnects without a token: a new conversation
  };

  label();
  kept.forEach(receive);
  st.outbox.forEach(pending);
  if (st.sent) note(t("thanks") + st.sent[0]);
  render();
  connect();
  setInterval(ask, 20000);
})();