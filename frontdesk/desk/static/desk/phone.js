// The call timer of the phone ticket screen: it starts with the page, and until the agent types a duration
// of their own it writes the time into the duration field (also after the form comes back with an error).
(function () {
  "use strict";
  var timer = document.querySelector("[data-call-timer]");
  if (!timer) return;
  var shown = timer.querySelector("output");
  var toggle = timer.querySelector("[data-call-timer-toggle]");
  var started = Date.now();
  var stoppedAt = null;
  // Once the agent types a duration of their own, the timer leaves the field alone, also after the form
  // comes back with an error.
  var typed = false;

  function seconds() {
    return Math.floor(((stoppedAt || Date.now()) - started) / 1000);
  }

  function format(total) {
    var minutes = Math.floor(total / 60);
    var rest = total % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var text = format(seconds());
    shown.textContent = text;
    var field = document.getElementById("id_duration");
    if (field && !typed && document.activeElement !== field) field.value = text;
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "id_duration") typed = true;
  });
  toggle.addEventListener("click", function () {
    if (stoppedAt === null) {
      stoppedAt = Date.now();
      toggle.textContent = toggle.dataset.labelStart;
    } else {
      started = Date.now();
      stoppedAt = null;
      toggle.textContent = toggle.dataset.labelStop;
    }
    tick();
  });
  tick();
  setInterval(tick, 1000);
})();
