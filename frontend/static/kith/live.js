// Every live page: its one socket, and never a lost update.
//
// Each frame names the frame sent before it in the same stream (data-previous on
// #kith-cursor). A page that has not seen that one missed it (the server's channel layer
// drops frames when a process is swamped), so it asks, over the same socket, for everything
// since the point up to which it is sure it has it all ("covered"). The answer is rendered
// afresh on the server, as a fresh page would show it now, and ends with #kith-streams
// saying what it covered. Once a minute, and when the page comes back into view, the page
// also asks where each stream got to, so even a last frame that never came is noticed.
// Everything here is safe to receive twice: a note already shown is never shown again.
(function () {
  "use strict";
  if (!window.htmx) return;

  var CHECK_EVERY_MS = 60 * 1000;
  var covered = null; // every event up to this id is on the page
  var seen = {}; // ids of frames received live since then
  var asking = false;
  var unanswered = []; // gaps noticed while already asking: checked again on the answer
  var socket = null;

  function startingPoint() {
    if (covered !== null) return;
    var cursor = document.getElementById("kith-cursor");
    covered = cursor ? parseInt(cursor.getAttribute("data-event-id") || "0", 10) || 0 : 0;
  }

  function missing(id) {
    return id > covered && !seen[id];
  }

  function ask() {
    if (!socket) return;
    if (asking) return;
    asking = true;
    socket.send(JSON.stringify({ catch_up: covered }));
  }

  function forgetUpTo(id) {
    covered = Math.max(covered, id);
    Object.keys(seen).forEach(function (key) {
      if (Number(key) <= covered) delete seen[key];
    });
  }

  function heard(frame) {
    var cursor = frame.querySelector("#kith-cursor[data-stream]");
    if (cursor) {
      var id = parseInt(cursor.getAttribute("data-event-id"), 10);
      var previous = parseInt(cursor.getAttribute("data-previous") || "0", 10);
      seen[id] = true;
      if (missing(previous)) {
        if (asking) unanswered.push(previous);
        else ask();
      }
    }
    var streams = frame.querySelector("#kith-streams");
    if (!streams) return;
    var heads = JSON.parse(streams.getAttribute("data-streams") || "{}");
    var names = Object.keys(heads);
    if (streams.hasAttribute("data-covered")) {
      // The answer to asking: everything up to here is now on the page.
      asking = false;
      forgetUpTo(parseInt(streams.getAttribute("data-covered"), 10) || 0);
      var again = unanswered.filter(missing);
      unanswered = [];
      if (again.length) ask();
      return;
    }
    // The answer to checking: a stream's last frame never came, or all did.
    if (names.some(function (name) { return missing(heads[name]); })) {
      ask();
    } else if (!asking) {
      forgetUpTo(Math.max.apply(null, [covered].concat(names.map(function (n) { return heads[n]; }))));
    }
  }

  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    startingPoint();
    socket = event.detail.socketWrapper;
    var template = document.createElement("template");
    template.innerHTML = event.detail.message;
    heard(template.content);
  });

  document.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    // A new socket answers ?after= itself; nothing asked on the old one is still coming.
    asking = false;
    unanswered = [];
  });

  function check() {
    if (socket && !asking && document.visibilityState !== "hidden") {
      socket.send(JSON.stringify({ check: true }));
    }
  }
  setInterval(check, CHECK_EVERY_MS);
  document.addEventListener("visibilitychange", check);

  // Too much was missed to catch up (the server says 4409): a fresh page is quicker.
  document.addEventListener("htmx:wsClose", function (event) {
    var closed = event.detail && event.detail.event;
    if (closed && closed.code === 4409) window.location.reload();
  });

  // On every (re)connect, ask for what was missed since the point the page is sure of.
  htmx.createWebSocket = function (url) {
    startingPoint();
    url = url.replace(/([?&])after=\d*/, "$1after=" + covered);
    var made = new WebSocket(url, []);
    made.binaryType = htmx.config.wsBinaryType;
    return made;
  };
})();
