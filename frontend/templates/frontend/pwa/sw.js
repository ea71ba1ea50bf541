/* Kith's service worker: the app shell without a network, pages saved for reading offline,
   and notifications. Authenticated pages are never put in the browser's HTTP cache (they are
   sent no-store); only the pages listed by the server are kept, and signing out clears them. */
"use strict";

const CONFIG = {{ config|safe }};
importScripts(CONFIG.outboxScript);
const SHELL = "kith-shell-" + CONFIG.version;
const SAVED = "kith-saved";
// The photos the saved pages show (faces, a note's pictures), kept with them so a page read
// offline shows what it showed: the faces (a week's people and their carers), and the newest
// notes' photos, never the whole archive. A cache of their own: an address typed offline is
// answered only with a page. Signing out clears both, as it clears every cache.
const SAVED_PHOTOS = "kith-saved-photos";
const PHOTO = new RegExp(CONFIG.photoPattern);
const NOTE_PHOTO = new RegExp(CONFIG.notePhotoPattern);
const MAX_FACES = 100;
const MAX_NOTE_PHOTOS = 30;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL)
      .then((cache) => cache.addAll(CONFIG.shell))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("kith-shell-") && key !== SHELL)
          .map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (PHOTO.test(url.pathname)) {
    event.respondWith(photo(request));
  } else if (url.pathname === CONFIG.catalogue) {
    // The scripts' words: fresh when online (the language may have changed), kept for offline.
    event.respondWith(fetch(request).catch(() => caches.match(request, { ignoreVary: true })));
  }
});

async function navigate(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    // Vary (cookie, language) is ours alone on this device: match on the address only.
    const saved = await (await caches.open(SAVED)).match(request, { ignoreSearch: true, ignoreVary: true });
    if (saved) return withSavedBanner(saved);
    return (await caches.match(CONFIG.offline)) || Response.error();
  }
}

// From the network while there is one; offline, the copy kept with the saved pages. A photo's
// address changes with the photo, so a kept copy is never an older picture.
async function photo(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    const saved = await (await caches.open(SAVED_PHOTOS)).match(request, { ignoreVary: true });
    // None: the page shows the person's initial instead (app.js).
    return saved || Response.error();
  }
}

// A saved page says plainly that it is saved, and when.
async function withSavedBanner(response) {
  const savedAt = response.headers.get("X-Kith-Saved-At") || "";
  const html = (await response.text()).replace(
    'id="saved-banner" hidden',
    'id="saved-banner" data-saved-at="' + savedAt + '"'
  );
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function refreshSaved() {
  const list = await fetch(CONFIG.savedList, { credentials: "same-origin" });
  if (!list.ok) return;
  const { urls } = await list.json();
  const cache = await caches.open(SAVED);
  const photoCache = await caches.open(SAVED_PHOTOS);
  const keep = new Set(urls.map((path) => new URL(path, self.location.origin).href));
  const photos = new Set();
  let everyPageSaved = true;
  for (const path of urls) {
    const response = await fetch(path, { credentials: "same-origin" });
    if (!response.ok || response.redirected) {
      everyPageSaved = false;  // its older copy stays, and so do the photos it shows
      continue;
    }
    const headers = new Headers(response.headers);
    headers.set("X-Kith-Saved-At", new Date().toISOString());
    const html = await response.text();
    await cache.put(path, new Response(html, { headers }));
    photosShownIn(html).forEach((href) => photos.add(href));
  }
  // The soonest visits' pages come first, so their photos are the ones kept.
  const all = Array.from(photos);
  const isNotePhoto = (href) => NOTE_PHOTO.test(new URL(href).pathname);
  const kept = all.filter((href) => !isNotePhoto(href)).slice(0, MAX_FACES)
    .concat(all.filter(isNotePhoto).slice(0, MAX_NOTE_PHOTOS));
  const keptPhotos = new Set(kept);
  for (const href of kept) {
    if (await photoCache.match(href, { ignoreVary: true })) continue;
    try {
      const response = await fetch(href, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await photoCache.put(href, response);
    } catch (failed) {
      // The signal went: this one waits for the next refresh, the others are still tried.
    }
  }
  for (const request of await cache.keys()) {
    if (!keep.has(request.url)) await cache.delete(request);
  }
  if (!everyPageSaved) return;
  for (const request of await photoCache.keys()) {
    if (!keptPhotos.has(request.url)) await photoCache.delete(request);
  }
}

function photosShownIn(html) {
  const found = [];
  for (const [, src] of html.matchAll(/<img\b[^>]*?\ssrc="([^"]+)"/g)) {
    const url = new URL(src.replace(/&amp;/g, "&"), self.location.origin);
    if (url.origin === self.location.origin && PHOTO.test(url.pathname)) found.push(url.href);
  }
  return found;
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "refresh-saved") {
    event.waitUntil(refreshSaved().catch(() => undefined));
  }
});

// Every window of Kith, the ones this worker does not control too.
async function tellEveryWindow(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

// Each note the server has, told to the open pages at once (still inside the outbox's turn),
// so a page shows it as sent until the note itself arrives.
async function tellThePages(item) {
  if (item.what === "reply") return;
  const sent = [{
    id: item.id,
    what: item.what,
    personId: item.personId,
    kindLabel: item.kindLabel,
    createdAt: item.createdAt,
    fields: { body: item.fields.body },
  }];
  await tellEveryWindow({ type: "outbox-changed", sent });
}

// Background Sync: send the outbox even when no Kith page is open. A failure that may pass
// (no signal, server trouble) rejects, so the browser tries again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== "kith-outbox") return;
  event.waitUntil(
    self.KithOutbox.flush(undefined, tellThePages).then(async (results) => {
      await tellEveryWindow({ type: "outbox-changed", sent: [] });
      if (results.some((result) => result.keep === "retry")) throw new Error("retry later");
    })
  );
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (notJson) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(data.title || "Kith", {
    body: data.body || "",
    icon: CONFIG.icon,
    badge: CONFIG.icon,
    tag: data.tag || undefined,
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target);
    })
  );
});
