// occam's service worker, in one file that is both the page's script and the worker itself.
//
// 1. Offline: every file of the site the page fetched is kept in a cache, so that once opened
//    the page reloads and runs with no network (a classroom's Wi-Fi fails). Files come from the
//    network when it answers (a new build is picked up at once) and from the cache when not.
// 2. Isolation: on a static host that cannot send COOP/COEP headers, the worker adds them to the
//    site's responses and the page reloads once, so the thread pool can start. This part
//    follows coi-serviceworker 0.1.7 (Guido Zuidhof and contributors, MIT licence).
//
// Only the site's own origin is ever fetched or cached.
const CACHE = "occam-site";

if (typeof window === "undefined") {
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

  // The page names the files it loaded before this worker controlled it (the module, the glue,
  // the styles); they are fetched once more into the cache.
  self.addEventListener("message", (event) => {
    if (event.data?.type !== "cache") return;
    const own = event.data.urls.filter((u) => new URL(u).origin === self.location.origin);
    event.waitUntil(
      caches.open(CACHE).then(async (cache) => {
        for (const url of own) {
          if (await cache.match(url)) continue;
          try {
            const response = await fetch(url, { cache: "no-cache" });
            if (response.ok) await cache.put(url, response);
          } catch (_) { /* offline already: nothing more to keep */ }
        }
        event.source?.postMessage({ type: "cached", files: (await cache.keys()).length });
      }),
    );
  });

  self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== "GET" || url.origin !== self.location.origin) return;
    if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
    event.respondWith(fromNetworkOrCache(request).then((r) => isolated(r, request.mode === "navigate")));
  });

  /** The network's answer (kept for later), or the kept copy when the network fails. */
  async function fromNetworkOrCache(request) {
    const cache = await caches.open(CACHE);
    // The page's own address is kept without its query or hash: one copy of index.html.
    const key = request.mode === "navigate" ? new URL("./", self.registration.scope).href : request;
    try {
      const response = await fetch(request);
      if (response.ok && response.type === "basic") await cache.put(key, response.clone());
      return response;
    } catch (error) {
      const kept = (await cache.match(key)) || (await cache.match(request, { ignoreSearch: true }));
      if (kept) return kept;
      throw error;
    }
  }

  /** The response with the cross-origin isolation headers the pool needs. A page whose host
   *  did not send them learns that this worker did from a Server-Timing entry
   *  (`performance.getEntriesByType("navigation")[0].serverTiming`), which pages may read. */
  function isolated(response, page) {
    if (response.status === 0) return response;
    const headers = new Headers(response.headers);
    if (page && !headers.has("Cross-Origin-Embedder-Policy")) headers.append("Server-Timing", "sw-isolated");
    headers.set("Cross-Origin-Embedder-Policy", "require-corp");
    headers.set("Cross-Origin-Resource-Policy", "cross-origin");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
} else {
  (() => {
    const n = navigator;
    if (!n.serviceWorker || !window.isSecureContext) return;
    const script = document.currentScript.src;
    // Once the page has loaded, the worker keeps every file it used.
    window.addEventListener("load", () => {
      n.serviceWorker.ready.then((registration) => {
        const urls = [location.href.split("#")[0], ...performance.getEntriesByType("resource").map((e) => e.name)];
        registration.active?.postMessage({ type: "cache", urls });
      });
    });
    // The compute worker's own files (web/worker.js, the thread pool's helpers) are not in the
    // page's list; the page hands them over here once the worker has started.
    window.occamKeepOffline = (urls) =>
      n.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: "cache", urls: [...urls] }));
    n.serviceWorker.addEventListener("message", (event) => {
      if (event.data?.type === "cached") document.documentElement.dataset.offlineFiles = String(event.data.files);
    });
    n.serviceWorker.register(script).then(
      (registration) => {
        // Isolated by the host's own headers: nothing to reload for.
        if (window.crossOriginIsolated !== false) return;
        registration.addEventListener("updatefound", () => window.location.reload());
        if (registration.active && !n.serviceWorker.controller) window.location.reload();
      },
      (error) => console.error("occam: the service worker could not be registered:", error),
    );
  })();
}
