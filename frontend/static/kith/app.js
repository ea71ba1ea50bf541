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

// The pages and photos kept for reading offline, forgotten: when the session they were saved
// under ends without signing out (which clears them by itself), or someone else signs in.
window.KithSaved = {
  forget: function () {
    localStorage.removeItem("kith-saved-refreshed");
    localStorage.removeItem("kith-saved-user");
    if (!window.caches) return Promise.resolve();
    return Promise.all([caches.delete("kith-saved"), caches.delete("kith-saved-photos")])
      .catch(function () { /* nothing was saved */ });
  },
};

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
    var userId = document.body.dataset.userId;
    if (!userId || !navigator.onLine) return;
    var worker = registration.active || navigator.serviceWorker.controller;
    if (!worker) return;
    // Someone else signed in on this phone (the last session ended without signing out):
    // what was saved for them goes before anything is saved for this person.
    var forget = localStorage.getItem("kith-saved-user") === userId
      ? Promise.resolve()
      : window.KithSaved.forget();
    forget.then(function () {
      var last = Number(localStorage.getItem("kith-saved-refreshed") || 0);
      if (Date.now() - last < REFRESH_EVERY_MS) return;
      worker.postMessage({ type: "refresh-saved" });
      localStorage.setItem("kith-saved-refreshed", String(Date.now()));
      localStorage.setItem("kith-saved-user", userId);
    });
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
  function standIn(image) {
    var avatar = image.closest(".avatar[data-initial]");
    if (avatar) {
      avatar.textContent = avatar.dataset.initial;
      return;
    }
    // Online, a photo that fails is one no longer there to see: nothing to promise about it.
    if (!image.closest(".note-photos") || navigator.onLine) return;
    var missing = document.createElement("span");
    missing.className = "photo-missing";
    missing.textContent = gettext("This photo shows when you have a signal.");
    image.replaceWith(missing);
  }
  document.addEventListener("error", function (event) {
    if (event.target instanceof HTMLImageElement) standIn(event.target);
  }, true);
  // Those that failed before this script ran (offline, a missing photo fails at once).
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.images, function (image) {
      if (image.complete && image.naturalWidth === 0 && image.getAttribute("src")) standIn(image);
    });
  });
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
    if (!closed || closed.code !== SIGNED_OUT) return;
    if (banner) banner.hidden = false;
    window.KithSaved.forget();
  });
})();
