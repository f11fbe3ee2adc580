/* Service worker of the field app: precache the shell, serve it offline, keep the API on the network. */
'use strict';
const VERSION = {{ version|tojson }};
const CACHE = 'field-shell-' + VERSION;
const PRECACHE = {{ precache|tojson }};
const SHELL = {{ shell|tojson }};
const API_PREFIX = {{ api_prefix|tojson }};

self.addEventListener('install', (event) => {
  // Revalidate against the HTTP cache (a 304 costs only headers) so the cache holds this version's bytes.
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'no-cache', credentials: 'omit' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('field-shell-') && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data === 'version' && event.ports[0]) event.ports[0].postMessage(VERSION);
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith(API_PREFIX)) return;
  if (request.mode === 'navigate' && url.pathname === SHELL) {
    event.respondWith(fromCache(SHELL, request));
    return;
  }
  if (PRECACHE.includes(url.pathname)) event.respondWith(fromCache(url.pathname, request));
});

let opened = null;  // the cache handle, opened once per worker start

async function fromCache(key, request) {
  if (!opened) opened = caches.open(CACHE);
  const hit = await (await opened).match(key);
  if (hit) return hit;
  return fetch(request);
}
