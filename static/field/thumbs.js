// 回头看 thumbnails (the earlier problems' photos, the unit's evidence) fetched once online and kept for offline
// days. They live in IndexedDB (the kv store, keys `thumb:<sha256>`), not in the service worker's cache: the
// server hands a thumbnail only to the device token, which an <img> cannot send and the worker does not hold;
// and IndexedDB is wiped with the records at sign-out (a shared phone keeps no evidence) and shares their
// persistent-storage grant. Loaded on demand (after a bootstrap, and by the recheck screen).
import { kvGet, kvSet, req, tx } from './db.js';
import { bearer } from './session.js';
import { h } from './util.js';

const PREFIX = 'thumb:';
let running = null;

/**
 * The thumbnails a bootstrap document names, sha256 → URL: earlier photos and evidence of follow-up targets, and
 * the photos of the team's latest recheck of each problem (a phone taking a teammate's recheck over shows them).
 */
export function thumbnailsOf(data) {
  const out = new Map();
  for (const campaign of data.campaigns || []) {
    for (const target of campaign.targets || []) {
      for (const problem of target.rechecks || []) {
        for (const p of problem.photos || []) if (p.thumbnail) out.set(p.sha256, p.thumbnail);
        for (const p of (problem.recheck && problem.recheck.photos) || []) if (p.thumbnail) out.set(p.sha256, p.thumbnail);
        for (const e of (problem.rectification && problem.rectification.evidence) || []) {
          if (e.thumbnail) out.set(e.sha256, e.thumbnail);
        }
      }
    }
  }
  return out;
}

async function fetchThumb(url) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${bearer()}` }, credentials: 'omit',
    cache: 'no-store' });
  return response.ok ? response.blob() : null;
}

async function keep(data) {
  const wanted = thumbnailsOf(data);
  const range = IDBKeyRange.bound(PREFIX, `${PREFIX}\uffff`);
  const keys = await tx(['kv'], 'readonly', (t) => req(t.objectStore('kv').getAllKeys(range)));
  const kept = new Set(keys.map((k) => k.slice(PREFIX.length)));
  const stale = [...kept].filter((sha) => !wanted.has(sha));
  if (stale.length) {
    await tx(['kv'], 'readwrite', (t) => Promise.all(stale.map((sha) => req(t.objectStore('kv').delete(PREFIX + sha)))));
  }
  const missing = [...wanted].filter(([sha]) => !kept.has(sha));
  const worker = async () => {
    for (let next = missing.shift(); next; next = missing.shift()) {
      const blob = await fetchThumb(next[1]).catch(() => null);
      if (blob) await kvSet(PREFIX + next[0], blob);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}

/** Fetch the thumbnails not kept yet (three at a time) and drop those no target names any more; one run at a time. */
export function keepThumbnails(data) {
  running = (running || Promise.resolve()).then(() => keep(data)).catch(() => {});
  return running;
}

/** A kept thumbnail as an <img> in a list item (see keptImage). */
export function thumbImage(sha, url, alt, urls, missingText) {
  return fill(h('li.thumb', { dataset: { sha256: sha } }, h('div.noimg.small', missingText)), sha, url, alt, urls);
}

/** A kept thumbnail as an <img> (online and not kept yet: fetched and kept now); `urls` collects object URLs. */
export function keptImage(sha, url, alt, urls, missingText) {
  return fill(h('div.kept-thumb', h('div.noimg', missingText)), sha, url, alt, urls);
}

function fill(box, sha, url, alt, urls) {
  const show = (blob) => {
    const src = URL.createObjectURL(blob);
    urls.push(src);
    box.replaceChildren(h('img', { src, alt }));
  };
  kvGet(PREFIX + sha).then(async (blob) => {
    if (blob) return show(blob);
    if (!url || !navigator.onLine) return null;
    const fetched = await fetchThumb(url);
    if (!fetched) return null;
    await kvSet(PREFIX + sha, fetched);
    return show(fetched);
  }).catch(() => {});
  return box;
}
