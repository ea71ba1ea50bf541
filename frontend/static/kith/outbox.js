// Writing with no signal: a note form marked data-outbox keeps the note on this phone when
// there is no network, shows it as waiting, and sends it when the network is back.
(function () {
  "use strict";
  var Outbox = window.KithOutbox;
  var panel = document.getElementById("outbox");
  if (!Outbox || !window.indexedDB || !panel) return;
  var text = panel.dataset;

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (unreadable) {
      return "";
    }
  }

  function freshKeys(root) {
    // Each form its own key, made here: a form sent twice (a double tap, a retry after a lost
    // answer) is one write. Forms shared over the socket arrive without one.
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("input[data-fresh-key]").forEach(function (input) {
      if (!input.dataset.keyed) {
        input.value = Outbox.uuid();
        input.dataset.keyed = "1";
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { freshKeys(document); });
  document.addEventListener("htmx:load", function (event) { freshKeys(event.detail.elt); });
  if (document.readyState !== "loading") freshKeys(document);
  // A page brought back from the browser's memory (Back) gets new keys: its forms are for new
  // words, which the old keys would match up with what was already sent.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("input[data-fresh-key]").forEach(function (input) {
      delete input.dataset.keyed;
    });
    freshKeys(document);
  });

  function checkedLabel(form, name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    var label = input && input.labels && input.labels[0];
    return label ? label.textContent.trim() : "";
  }

  // Into the outbox with the form's own key, whatever stopped it being sent: no signal, no
  // answer, signed out, an old token, trouble on the server. The key means the server saves
  // it once, even if the first try reached it after all.
  function keep(form, problem) {
    var data = new FormData(form);
    var body = String(data.get("body") || "");
    if (!body.trim()) return null;  // the server's own message explains an empty note
    var reply = form.matches("form[data-outbox-reply]");
    // The words are in the language of the page they were written on, however late they go.
    var language = document.documentElement.lang || "";
    var fields = reply ? { body: body, language: language } : {
      kind: data.get("kind") || "",
      body: body,
      language: language,
      wellbeing: data.get("wellbeing") || "",
      audience: data.get("audience") || "",
      outcome_ids: data.getAll("outcomes"),
    };
    var photos = reply ? [] : data.getAll("photos").filter(function (p) { return p && p.size; });
    var key = form.querySelector("input[name=client_key]");
    var id = key && key.value ? key.value : Outbox.uuid();
    var meta = {
      id: id,
      what: reply ? "reply" : "note",
      url: reply ? form.dataset.outboxReply : form.dataset.outbox,
      personId: form.dataset.personId || "",
      personName: form.dataset.personName,
      kindLabel: reply ? "" : checkedLabel(form, "kind"),
      problem: problem || "",
      csrf: csrf(),
    };
    // Done at once, before the outbox answers: a second note written straight after is a
    // different note with a key of its own, and the form is ready for it.
    form.reset();
    if (key) key.value = Outbox.uuid();
    return Outbox.add(fields, photos, meta).then(function () {
      render();
      askForBackgroundSync();
    }, function () {
      // The phone could not keep it: give the words back rather than lose them.
      var box = form.querySelector("[name=body]");
      if (box && !box.value) box.value = body;
      window.alert(text.keepFailed);
    });
  }

  var WRITES = "form[data-outbox], form[data-outbox-reply]";

  // With no network the form never leaves the page: the note goes into the outbox instead.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(WRITES) || navigator.onLine) return;
    if (keep(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // The network dropped while sending: keep it too (its key stops it being saved twice).
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches(WRITES)) keep(form, "retry");
  });

  function signInUrl() {
    return "/accounts/login/?next=" + encodeURIComponent(location.pathname + location.search);
  }

  function askToSignIn() {
    var prompt = document.getElementById("signed-out");
    if (!prompt) return;
    prompt.querySelector("a").href = signInUrl();
    prompt.hidden = false;
    document.body.classList.add("has-prompt");  // nothing stays hidden under it
  }

  // The server answered, but not with the change made. Signed out (401): keep the words and
  // ask to sign in; the outbox sends them on the page signing in leads back to. An old token
  // (403): keep them and reload, which brings a fresh token (or the sign-in page) and sends
  // them. Anything else but a refusal of the words themselves: keep them for the next try.
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt;
    var status = event.detail.xhr.status;
    var isWrite = form && form.matches && form.matches(WRITES);
    if (status === 401) {
      if (isWrite) keep(form, "signed-out");
      askToSignIn();
    } else if (status === 403) {
      // Once the outbox has it: the reloaded page sends it with its new token.
      var kept = isWrite ? keep(form, "reload") : null;
      (kept || Promise.resolve()).then(function () { location.reload(); });
    } else if (isWrite && status !== 404 && status !== 422) {
      keep(form, "retry");
    }
  });

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("kith-outbox");
    }).catch(function () { /* the online event and the next visit send it instead */ });
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button button-quiet";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // Plurals in the page's language from Django's JavaScript catalogue (/jsi18n/): Welsh
  // has six forms, so the choice cannot be "one or many".
  // Without the catalogue (an old saved page), English is better than nothing at all.
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace("%s", values[0]);
  };

  function waitingText(n) {
    return interpolate(ngettext(
      "%s note is waiting to send.", "%s notes are waiting to send.", n), [n]);
  }

  function signOutText(n) {
    return interpolate(ngettext(
      "%s note has not been sent yet. Signing out deletes it from this phone. Sign out anyway?",
      "%s notes have not been sent yet. Signing out deletes them from this phone. Sign out anyway?",
      n), [n]);
  }

  function render() {
    return Outbox.all().then(function (items) {
      panel.hidden = items.length === 0;
      var count = document.getElementById("outbox-count");
      count.textContent = waitingText(items.length);
      var list = document.getElementById("outbox-items");
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "outbox-item";
        var words = document.createElement("p");
        words.className = "outbox-words";
        words.textContent = item.fields.body;
        li.appendChild(words);
        var why = document.createElement("p");
        why.className = item.problem && item.problem !== "retry" ? "error" : "muted";
        why.textContent = (text["reason" + camel(item.problem || "retry")] || text.reasonRetry) +
          (item.detail ? " " + item.detail : "");
        li.appendChild(why);
        var actions = document.createElement("div");
        actions.className = "actions";
        actions.appendChild(button(text.copy, function (event) {
          navigator.clipboard.writeText(item.fields.body).then(function () {
            event.target.textContent = text.copied;
          });
        }));
        if (item.problem === "signed-out") {
          var signIn = document.createElement("a");
          signIn.className = "button";
          signIn.href = signInUrl();
          signIn.textContent = text.signIn;
          actions.appendChild(signIn);
        } else {
          actions.appendChild(button(text.retry, function () { flush(); }));
        }
        actions.appendChild(button(text.discard, function () {
          if (window.confirm(text.discardConfirm)) Outbox.remove(item.id).then(render);
        }));
        li.appendChild(actions);
        list.appendChild(li);
      });
      renderPending(items);
      renderSummary(items.length);
      return items;
    });
  }

  // The timeline shows this person's waiting notes where they will appear, marked with a
  // clock, then as sent, until the note itself arrives (matched by its key, never twice).
  var sentHere = {};

  function realCard(key) {
    return document.querySelector('#timeline article[data-client-key="' + key + '"]');
  }

  function pendingCard(item, sent, words) {
    var card = document.createElement("article");
    card.className = "note note-pending" + (sent ? " note-sent" : "");
    card.dataset.pendingKey = item.id;
    var state = document.createElement("p");
    state.className = "pending-state";
    // Drawn in CSS, so it shows whatever fonts the phone has.
    var icon = document.createElement("span");
    icon.className = sent ? "pending-icon pending-tick" : "pending-icon pending-clock";
    icon.setAttribute("aria-hidden", "true");
    state.appendChild(icon);
    state.appendChild(document.createTextNode(sent ? words.sent : words.waiting));
    if (item.kindLabel) {
      var kind = document.createElement("span");
      kind.className = "tag";
      kind.textContent = item.kindLabel;
      state.appendChild(document.createTextNode(" "));
      state.appendChild(kind);
    }
    card.appendChild(state);
    var body = document.createElement("div");
    body.className = "note-body outbox-words";
    body.textContent = item.fields.body;
    card.appendChild(body);
    if (!sent && item.problem && item.problem !== "retry") {
      var why = document.createElement("p");
      why.className = "error";
      why.textContent = (text["reason" + camel(item.problem)] || text.reasonRetry) +
        (item.detail ? " " + item.detail : "");
      card.appendChild(why);
      if (item.problem === "signed-out") {
        var signIn = document.createElement("a");
        signIn.className = "button";
        signIn.href = signInUrl();
        signIn.textContent = text.signIn;
        card.appendChild(signIn);
      }
    }
    return card;
  }

  // A page may carry a one-line summary of the outbox (Today does), linking to the panel.
  function renderSummary(count) {
    var summary = document.querySelector("[data-outbox-summary]");
    if (!summary) return;
    summary.hidden = count === 0;
    summary.querySelector("a").textContent = waitingText(count);
  }

  function renderPending(items) {
    var list = document.getElementById("pending-notes");
    if (!list) return;
    var person = list.dataset.personId;
    var shown = items.filter(function (item) {
      return item.what !== "reply" && String(item.personId) === person;
    });
    Object.keys(sentHere).forEach(function (key) {
      if (String(sentHere[key].personId) === person) shown.push(sentHere[key]);
    });
    // Newest first, as the timeline is.
    shown.sort(function (a, b) { return a.createdAt < b.createdAt ? 1 : -1; });
    list.textContent = "";
    shown.forEach(function (item) {
      if (realCard(item.id)) {
        delete sentHere[item.id];
        return;
      }
      list.appendChild(pendingCard(item, Boolean(sentHere[item.id]), list.dataset));
    });
  }

  var timeline = document.getElementById("timeline");
  if (timeline && window.MutationObserver) {
    // The note itself has arrived (over the socket, or in the page's own answer).
    new MutationObserver(function () {
      document.querySelectorAll("#pending-notes [data-pending-key]").forEach(function (card) {
        var key = card.dataset.pendingKey;
        if (realCard(key)) {
          delete sentHere[key];
          card.remove();
        }
      });
    }).observe(timeline, { childList: true });
  }

  function camel(name) {
    return name.split("-").map(function (p) { return p.charAt(0).toUpperCase() + p.slice(1); }).join("");
  }

  var flushing = null;
  function flush() {
    if (!navigator.onLine) return render();
    if (!flushing) {
      flushing = Outbox.flush(csrf(), function (item) {
        if (item.what !== "reply") sentHere[item.id] = item;
      }).then(render, render).then(function () { flushing = null; });
    }
    return flushing;
  }

  // Signing out clears this phone: say so first if anything is still waiting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-sign-out]")) return;
    Outbox.all().then(function (items) {
      if (items.length && !window.confirm(signOutText(items.length))) return;
      form.removeAttribute("data-sign-out");
      form.submit();
    });
    event.preventDefault();
  });

  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "outbox-changed") return;
      // Sent by the service worker: shown as sent, as if this page had sent it.
      (event.data.sent || []).forEach(function (item) { sentHere[item.id] = item; });
      render();
    });
  }
  document.addEventListener("DOMContentLoaded", flush);
  if (document.readyState !== "loading") flush();
})();
