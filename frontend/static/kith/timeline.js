// The live timeline. Notes arrive over the page's one socket, rendered once per audience on
// the server; this script adds the few details that differ per viewer and keeps repeats
// harmless. The page works without it: new notes then appear on reload.
(function () {
  "use strict";

  function viewerId() {
    var live = document.getElementById("timeline-live");
    return live ? live.getAttribute("data-viewer") : "";
  }

  // Per-viewer details: the author's own links, and which reactions are the viewer's.
  function personalise(root) {
    var me = viewerId();
    if (!me || !root.querySelectorAll) return;
    root.querySelectorAll("[data-author-only]").forEach(function (el) {
      el.hidden = el.getAttribute("data-author-only") !== me;
    });
    root.querySelectorAll("[data-reactors]").forEach(function (el) {
      var mine = el.getAttribute("data-reactors").indexOf("|" + me + "|") !== -1;
      el.setAttribute("aria-pressed", mine ? "true" : "false");
      // The form says outright what tapping does: give it, or take it back.
      var active = el.form && el.form.querySelector("input[name=active]");
      if (active) active.value = mine ? "false" : "true";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { personalise(document); });

  // A sent reply clears its box, ready for the next one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form.classList && form.classList.contains("reply-form")) {
      form.reset();
    }
  });
  document.addEventListener("htmx:load", function (event) { personalise(event.detail.elt); });

  // A new note is inserted at the top. If it is already on the page (the writer's own page,
  // or a repeat after reconnecting) or does not match the filter shown, leave the page be.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "timeline") return;
    var fragment = event.detail.fragment;
    var article = fragment && fragment.querySelector ? fragment.querySelector("article[id]") : null;
    if (!article) return;
    if (document.getElementById(article.id)) {
      event.detail.shouldSwap = false;
      return;
    }
    var onlyKind = target.getAttribute("data-only-kind");
    var onlyOutcome = target.getAttribute("data-only-outcome");
    if (onlyKind && article.getAttribute("data-kind") !== onlyKind) {
      event.detail.shouldSwap = false;
    }
    if (onlyOutcome && article.getAttribute("data-outcomes").indexOf("|" + onlyOutcome + "|") === -1) {
      event.detail.shouldSwap = false;
    }
    if (event.detail.shouldSwap === false) return;
    placeByAge(target, article, event);
  });

  // Newest first, as a fresh page shows them, even for a note that arrives late (it was
  // missed, then fetched, after newer ones came).
  function newer(a, b) {
    var ta = Date.parse(a.getAttribute("data-created"));
    var tb = Date.parse(b.getAttribute("data-created"));
    if (ta !== tb) return ta > tb;
    return Number(a.id.replace("note-", "")) > Number(b.id.replace("note-", ""));
  }

  function placeByAge(timeline, article, event) {
    var shown = Array.prototype.filter.call(timeline.children, function (el) {
      return el.matches("article[id^='note-']");
    });
    if (!shown.length || newer(article, shown[0])) return; // the top, where htmx puts it
    event.detail.shouldSwap = false;
    var before = null;
    for (var i = 0; i < shown.length; i++) {
      if (newer(article, shown[i])) { before = shown[i]; break; }
    }
    if (!before && timeline.querySelector(".load-more")) return; // it comes with older notes
    timeline.insertBefore(article, before || timeline.querySelector(".load-more"));
    htmx.process(article);
    personalise(article);
  }
})();
