// The outbox: notes written on this device wait here, in IndexedDB, until the server has them.
// Shared by the pages (outbox.js) and the service worker (Background Sync). An item leaves
// only when the server says it saved it, or that it already had it; every other answer keeps
// it, with the reason, so nothing is ever lost or sent twice (the item's id is the note's
// idempotency key).
(function (scope) {
  "use strict";
  var DB = "kith-outbox";
  var SEND_TIMEOUT_MS = 3 * 60 * 1000;
  var STORE = "notes";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function uuid() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // What each answer means for the item. "keep" items stay, with a reason the page shows.
  function outcome(status, body) {
    if (status === 200 || status === 201) return { done: true, saved: body };
    if (status === 401) return { keep: "signed-out" };
    if (status === 403) return { keep: "reload" };
    if (status === 404) return { keep: "no-access" };
    if (status === 422) return { keep: "invalid", detail: (body && body.message) || "" };
    return { keep: "retry" };
  }

  var Outbox = {
    uuid: uuid,
    add: function (fields, photos, meta) {
      var item = {
        // The form's own key when it has one, so a send that half-happened online and the
        // outbox's later send are still one note.
        id: meta.id || uuid(),
        url: meta.url,
        // "note" or "reply": a reply goes to the API as JSON, a note as a form (photos).
        what: meta.what || "note",
        personId: meta.personId || "",
        personName: meta.personName || "",
        kindLabel: meta.kindLabel || "",
        csrf: meta.csrf,
        fields: fields,
        photos: photos || [],
        createdAt: new Date().toISOString(),
        problem: meta.problem || "",
        detail: "",
      };
      return run("readwrite", function (store) { store.put(item); }).then(function () { return item; });
    },
    all: function () {
      return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
      });
    },
    remove: function (id) {
      return run("readwrite", function (store) { store.delete(id); });
    },
    save: function (item) {
      return run("readwrite", function (store) { store.put(item); });
    },
    // Send one item. Resolves to the item's new state; never rejects on a network failure.
    // onSent(item) is told as soon as the server has it, before anything else is sent.
    send: function (item, csrf, onSent) {
      var headers = { "X-CSRFToken": csrf || item.csrf, "Accept": "application/json" };
      var body;
      if (item.what === "reply") {
        var reply = { body: item.fields.body, client_key: item.id };
        // The language of the page it was written on; kept from before: the account's.
        if (item.fields.language) reply.language = item.fields.language;
        body = JSON.stringify(reply);
        headers["Content-Type"] = "application/json";
      } else {
        body = new FormData();
        Object.keys(item.fields).forEach(function (name) {
          var value = item.fields[name];
          (Array.isArray(value) ? value : [value]).forEach(function (v) {
            if (v !== null && v !== undefined && v !== "") body.append(name, v);
          });
        });
        body.append("client_key", item.id);
        item.photos.forEach(function (photo) { body.append("photos", photo, photo.name || "photo.jpg"); });
      }
      return fetch(item.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: headers,
        // A send that hangs on a weak signal gives way (kept, tried again) rather than hold
        // up every other note and sender on this phone; long enough for photos on 3G.
        signal: AbortSignal.timeout ? AbortSignal.timeout(SEND_TIMEOUT_MS) : undefined,
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return outcome(response.status, body);
        });
      }, function () {
        return { keep: "retry" };
      }).then(function (result) {
        if (result.done) {
          return Outbox.remove(item.id).then(function () {
            return onSent ? onSent(item) : null;
          }).then(function () {
            return { done: true, item: item, saved: result.saved };
          });
        }
        item.problem = result.keep;
        item.detail = result.detail || "";
        return Outbox.save(item).then(function () { return { keep: result.keep, item: item }; });
      });
    },
    // Send everything waiting, oldest first, one at a time (the server sees them in order).
    // One sender at a time on this phone: when the signal returns, the page and the service
    // worker's Background Sync both start, and each would send every note again (its key
    // keeps it one note, but that is a second upload of every note and photo on a weak signal).
    // onSent is called inside the turn, so whoever looks next already knows what was sent.
    flush: function (csrf, onSent) {
      function sendAll() {
        return Outbox.all().then(function (items) {
          return items.reduce(function (chain, item) {
            return chain.then(function (results) {
              return Outbox.send(item, csrf, onSent).then(function (r) { results.push(r); return results; });
            });
          }, Promise.resolve([]));
        });
      }
      var locks = scope.navigator && scope.navigator.locks;
      return locks ? locks.request(DB, sendAll) : sendAll();
    },
  };

  scope.KithOutbox = Outbox;
})(typeof self !== "undefined" ? self : window);
