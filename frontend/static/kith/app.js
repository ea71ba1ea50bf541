// Small progressive enhancements. Every page works without them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied");
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
})();

// The installable app: register the service worker, keep this week's pages saved for
// reading offline, and say so plainly when a saved page is shown.
(function () {
  "use strict";
  var REFRESH_EVERY_MS = 5 * 60 * 1000;

  function showSavedBanner() {
    var banner = document.getElementById("saved-banner");
    if (!banner || !banner.dataset.savedAt) return;
    var when = new Date(banner.dataset.savedAt);
    var time = banner.querySelector("time");
    time.dateTime = banner.dataset.savedAt;
    time.textContent = when.toLocaleString(document.documentElement.lang || undefined, {
      weekday: "long", hour: "numeric", minute: "2-digit",
    });
    banner.hidden = false;
  }

  function refreshSaved(registration) {
    if (!document.body.dataset.userId || !navigator.onLine) return;
    var last = Number(localStorage.getItem("kith-saved-refreshed") || 0);
    if (Date.now() - last < REFRESH_EVERY_MS) return;
    var worker = registration.active || navigator.serviceWorker.controller;
    if (!worker) return;
    worker.postMessage({ type: "refresh-saved" });
    localStorage.setItem("kith-saved-refreshed", String(Date.now()));
  }

  document.addEventListener("DOMContentLoaded", showSavedBanner);
  if (!("serviceWorker" in navigator) || !document.body) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(document.body.dataset.sw, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(refreshSaved)
      .catch(function () { /* the site works without it */ });
  });
})();

// Once a note is shared, the form is put away and the page shows what happened: "Write a
// note" at the top, the word that it went (#note-shared), and on the timeline the note itself
// just below. Left as it was, the page would stay where the long form ended, among older notes.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var form = event.detail.elt;
    var said = document.getElementById("note-shared");
    if (!form || form.id !== "note-form" || !said || !said.textContent.trim()) return;
    var composer = form.closest("details.composer");
    if (!composer) return;
    composer.open = false;
    composer.scrollIntoView({ block: "start" });
    composer.querySelector("summary").focus({ preventScroll: true });
  });
  // A new note begins without the last one's word.
  document.addEventListener("toggle", function (event) {
    var composer = event.target;
    var said = document.getElementById("note-shared");
    if (composer.matches && composer.matches("details.composer") && composer.open && said) {
      said.textContent = "";
    }
  }, true);
})();

// A photo that cannot load (no signal, and not kept with the saved page) gives way to what
// stands in for it, never a broken picture: a face to the person's initial, a note's photo to
// a word about when it will show.
(function () {
  "use strict";
  document.addEventListener("error", function (event) {
    var image = event.target;
    if (!(image instanceof HTMLImageElement)) return;
    var avatar = image.closest(".avatar[data-initial]");
    if (avatar) {
      avatar.textContent = avatar.dataset.initial;
      return;
    }
    if (!image.closest(".note-photos")) return;
    var missing = document.createElement("span");
    missing.className = "photo-missing";
    missing.textContent = gettext("This photo shows when you have a signal.");
    image.replaceWith(missing);
  }, true);
})();

// A live page whose session ended (signed out in another tab, a new password, too long idle:
// the server closes its socket with 4401) says so and offers to sign in again. The socket
// library does not reconnect after that code, so the page never knocks on a closed door.
(function () {
  "use strict";
  var SIGNED_OUT = 4401;
  document.addEventListener("htmx:wsClose", function (event) {
    var closed = event.detail && event.detail.event;
    var banner = document.getElementById("signed-out-banner");
    if (closed && closed.code === SIGNED_OUT && banner) banner.hidden = false;
  });
})();
