// sw.js — keeps the credential check at /verify working without a network after one visit: the
// page, its scripts, styles and catalogs, and the association's public keys. Everything it handles
// goes to the network first (a new release or a rotated key is seen at once) and falls back to the
// copy kept here; every other request of the site passes through untouched.
const CACHE = 'anjia-verify-v2';
const SHELL = ['/verify.html', '/css/app.css', '/favicon.svg', '/js/verify.js', '/js/dom.js', '/js/i18n.js',
  '/js/api.js', '/js/ui.js', '/js/workforce.js', '/js/percent.js', '/js/public.js', '/i18n/zh-CN.json', '/i18n/en.json'];
const KEYS = '/api/public/keys';

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE)
    .then((c) => c.addAll(SHELL).then(() => c.add(KEYS).catch(() => { /* kept on the first check instead */ })))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('anjia-verify-') && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

// The cache entry a request maps to: /verify and /verify/<serial> are /verify.html.
function entryFor(url) {
  if (url.origin !== self.location.origin) return null;
  const p = url.pathname;
  if (p === '/verify' || p === '/verify/' || p.startsWith('/verify/')) return '/verify.html';
  if (p === KEYS || SHELL.includes(p)) return p;
  return null;
}

async function networkFirst(request, entry) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(entry, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(entry);
    if (!hit) throw err;
    if (entry !== KEYS) return hit;
    // the page must know these keys are old: revocations since then cannot be seen
    const headers = new Headers(hit.headers);
    headers.set('X-Anjia-Cache', 'offline');
    if (hit.headers.get('Date')) headers.set('X-Anjia-Cached-At', new Date(hit.headers.get('Date')).toISOString());
    return new Response(await hit.blob(), { status: hit.status, statusText: hit.statusText, headers });
  }
}

self.addEventListener('fetch', (e) => {
  if (e.request.method !== 'GET') return;
  const entry = entryFor(new URL(e.request.url));
  if (entry) e.respondWith(networkFirst(e.request, entry));
});
