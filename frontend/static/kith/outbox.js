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

  function keep(form) {
    var data = new FormData(form);
    var body = String(data.get("body") || "");
    if (!body.trim()) return false;  // the server's own message explains an empty note
    var fields = {
      kind: data.get("kind") || "",
      body: body,
      wellbeing: data.get("wellbeing") || "",
      audience: data.get("audience") || "",
      outcome_ids: data.getAll("outcomes"),
    };
    var photos = data.getAll("photos").filter(function (p) { return p && p.size; });
    var key = form.querySelector("input[name=client_key]");
    var id = key && key.value ? key.value : Outbox.uuid();
    // Done at once, before the outbox answers: a second note written straight after is a
    // different note with a key of its own, and the form is ready for it.
    form.reset();
    if (key) key.value = Outbox.uuid();
    Outbox.add(fields, photos, {
      id: id,
      url: form.dataset.outbox,
      personName: form.dataset.personName,
      csrf: csrf(),
    }).then(function () {
      render();
      askForBackgroundSync();
    }, function () {
      // The phone could not keep it: give the words back rather than lose them.
      var box = form.querySelector("[name=body]");
      if (box && !box.value) box.value = body;
      window.alert(text.keepFailed);
    });
    return true;
  }

  // With no network the form never leaves the page: the note goes into the outbox instead.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-outbox]") || navigator.onLine) return;
    if (keep(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // The network dropped while sending: keep it too (its key stops it being saved twice).
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-outbox]")) keep(form);
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

  function render() {
    return Outbox.all().then(function (items) {
      panel.hidden = items.length === 0;
      var count = document.getElementById("outbox-count");
      count.textContent = (items.length === 1 ? text.countOne : text.countMany).replace("__N__", items.length);
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
          signIn.href = "/accounts/login/?next=" + encodeURIComponent(location.pathname);
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
      return items;
    });
  }

  function camel(name) {
    return name.split("-").map(function (p) { return p.charAt(0).toUpperCase() + p.slice(1); }).join("");
  }

  var flushing = null;
  function flush() {
    if (!navigator.onLine) return render();
    if (!flushing) {
      flushing = Outbox.flush(csrf()).then(render, render).then(function () { flushing = null; });
    }
    return flushing;
  }

  // Signing out clears this phone: say so first if anything is still waiting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-sign-out]")) return;
    Outbox.all().then(function (items) {
      if (items.length && !window.confirm(text.signOutConfirm.replace("__N__", items.length))) return;
      form.removeAttribute("data-sign-out");
      form.submit();
    });
    event.preventDefault();
  });

  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") render();
    });
  }
  document.addEventListener("DOMContentLoaded", flush);
  if (document.readyState !== "loading") flush();
})();
