// Notifications on this device: turn on, turn off, and one's choices, from the profile page.
// It registers no service worker: that is the installed app's. Without one it says that
// notifications need the app installed. Every message shown comes from the page, translated.
(function () {
  "use strict";

  var section = document.querySelector("[data-push]");
  if (!section) return;
  var status = section.querySelector("[data-push-status]");
  var onButton = section.querySelector("[data-push-on]");
  var offButton = section.querySelector("[data-push-off]");
  var form = section.querySelector("[data-push-preferences]");
  var subscriptionsUrl = section.getAttribute("data-subscriptions-url");
  var preferencesUrl = section.getAttribute("data-preferences-url");

  function say(key) {
    status.textContent = section.getAttribute("data-msg-" + key) || "";
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(function (data) {
        if (!response.ok) {
          var failure = new Error(data.message || String(response.status));
          failure.fields = data.fields || {};
          throw failure;
        }
        return data;
      });
    });
  }

  // The browser wants the VAPID public key as bytes, not base64url text.
  function keyBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  // Preferences apply to every device, so they can be changed even here without the app.
  function showErrors(fields) {
    form.querySelectorAll("[data-error-for]").forEach(function (line) {
      var messages = fields[line.getAttribute("data-error-for")];
      line.textContent = messages ? messages.join(" ") : "";
      line.hidden = !messages;
    });
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    // A choice this person cannot receive is not offered: its hidden field keeps it as it was.
    var checked = function (name) {
      var field = form.elements[name];
      return field.type === "checkbox" ? field.checked : field.value === "true";
    };
    var timeOf = function (name) { return form.elements[name].value || null; };
    say("working");
    api("PUT", preferencesUrl, {
      concerns: checked("concerns"),
      notes: checked("notes"),
      rota: checked("rota"),
      family_updates: checked("family_updates"),
      quiet_hours_start: timeOf("quiet_hours_start"),
      quiet_hours_end: timeOf("quiet_hours_end"),
      include_content: checked("include_content"),
      // Offered only to those around a person; otherwise left as it was.
      running_late: form.elements.running_late ? checked("running_late") : null,
    }).then(function () {
      showErrors({});
      say("saved");
    }).catch(function (error) {
      showErrors(error.fields || {});
      say("failed");
    });
  });

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }

  function show(isOn) {
    onButton.hidden = isOn;
    offButton.hidden = !isOn;
    if (isOn) say("on");
    else say(Notification.permission === "denied" ? "blocked" : "off");
  }

  // On only if this browser holds a subscription AND Kith has it for this account: a
  // subscription left by someone who used this phone before does not count.
  function refresh(registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) return show(false);
      return api("GET", subscriptionsUrl).then(function (devices) {
        show(devices.some(function (d) { return d.endpoint === subscription.endpoint; }));
      });
    });
  }

  function start(registration) {
    onButton.addEventListener("click", function () {
      say("working");
      registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(section.getAttribute("data-public-key")),
        });
      }).then(function (subscription) {
        return api("POST", subscriptionsUrl, subscription.toJSON()).catch(function (error) {
          // Kith could not keep it: leave the browser as it was, so the page tells the truth.
          return subscription.unsubscribe().then(function () { throw error; });
        });
      }).then(function () {
        show(true);
      }).catch(function () {
        if (Notification.permission === "denied") show(false);
        else say("failed");
      });
    });
    offButton.addEventListener("click", function () {
      say("working");
      registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) return null;
        return api("DELETE", subscriptionsUrl, { endpoint: subscription.endpoint }).then(function () {
          return subscription.unsubscribe();
        });
      }).then(function () {
        show(false);
      }).catch(function () {
        say("failed");
      });
    });
    return refresh(registration);
  }

  navigator.serviceWorker.getRegistration().then(function (registration) {
    if (registration) return start(registration);
    say("need-app");
    // The app may be installing its worker right now; once it is ready, so is this.
    return navigator.serviceWorker.ready.then(start);
  }).catch(function () {
    say("failed");
  });
})();
