// The photos' leg of a sync round: which photos go, and sending each (PUT, or tus for large ones, resumed).
import { putPhoto } from './api.js';
import { resumable, upload } from './tus.js';
import { announce, kvGet, req, tx } from './db.js';
import { onServer } from './state.js';
import { now } from './util.js';

/** Tell whether the phone says it is on mobile data (a photo kept for Wi-Fi waits then; unknown: it goes). */
const cellular = () => !!navigator.connection && navigator.connection.type === 'cellular';

/** List the photos to send now: those of records the server holds, not yet received, not refused or kept for Wi-Fi. */
export async function photosToSend() {
  return tx(['records', 'photos'], 'readonly', async (t) => {
    const records = await req(t.objectStore('records').getAll());
    const out = [];
    const seen = new Set();
    for (const record of records) {
      if (!record.data.photos || !onServer(record)) continue;  // findings and rechecks
      for (const entry of record.data.photos) {
        if (seen.has(entry.sha256)) continue;
        seen.add(entry.sha256);
        const photo = await req(t.objectStore('photos').get(entry.sha256));
        if (photo && !photo.uploaded && !photo.error && photo.blob && !(photo.wifi && cellular())) {
          out.push({ sha256: photo.sha256, size: photo.size });
        }
      }
    }
    return out;
  });
}

/** Change a kept photo (`quiet`: without telling the screens). */
export async function markPhoto(sha256, changes, quiet = false) {
  await tx(['photos'], 'readwrite', async (t) => {
    const store = t.objectStore('photos');
    const photo = await req(store.get(sha256));
    if (photo) await req(store.put({ ...photo, ...changes }));
  });
  if (!quiet) announce({ type: 'photos', ids: [sha256] });
}

const pause = (ms) => new Promise((wake) => { setTimeout(wake, ms); });

/** Send a photo by tus, resuming its kept upload; after a drop or stall say so (weak) and retry with backoff. */
async function sendResumable(photo, onAcked) {
  const stallMs = (((await kvGet('settings')) || {}).stall_seconds || 30) * 1000;
  const o = photo.original || {};
  const metadata = { sha256: photo.sha256, content_type: photo.type || photo.blob.type,
    filename: photo.name || `${photo.sha256.slice(0, 16)}.jpg`, original_sha256: o.sha256, original_size: o.size,
    original_width: o.width, original_height: o.height };
  let state = photo.upload || null;
  let acked = state ? state.offset : 0;
  for (let failures = 0; ;) {
    try {
      await upload(photo.blob, metadata, { state, stallMs,
        keep: async (next) => { state = next; await markPhoto(photo.sha256, { upload: next }, true); },
        onProgress: (offset) => {
          if (offset > acked) failures = 0;
          acked = offset;
          onAcked(offset, failures > 0);
        } });
      return;
    } catch (error) {
      failures += 1;
      if (!error.transient || failures >= 6) throw error;
      onAcked(acked, true);
      await pause(Math.min(30000, 1000 * 2 ** (failures - 1)) * (0.8 + Math.random() * 0.4));
    }
  }
}

/** The headers naming a downscaled photo's original, for PUT. */
function originalHeaders({ original: o }) {
  return o ? { 'X-Original-Sha256': o.sha256, 'X-Original-Size': String(o.size), 'X-Original-Width': String(o.width),
    'X-Original-Height': String(o.height) } : {};
}

/** Send the photos one by one (tus for large ones), reporting progress through `report`; resolve when done. */
export async function pushPhotos(report, current) {
  const queue = await photosToSend();
  const totalBytes = queue.reduce((n, p) => n + p.size, 0);
  let doneBytes = 0;
  report({ photos: [0, queue.length], bytes: [0, totalBytes] });
  for (const [index, item] of queue.entries()) {
    const photo = await tx(['photos'], 'readonly', (t) => req(t.objectStore('photos').get(item.sha256)));
    if (!photo || photo.uploaded || !photo.blob) continue;
    const shown = (loaded, weak = false) => report({ current: { sha256: item.sha256, loaded, total: item.size, weak },
      bytes: [doneBytes + loaded, totalBytes] }, weak !== current().current?.weak);
    shown(0);
    try {
      if (resumable(photo)) await sendResumable(photo, shown);
      else await putPhoto(item.sha256, photo.blob, (loaded) => shown(loaded), { extra: originalHeaders(photo) });
      await markPhoto(item.sha256, { uploaded: true, uploaded_at: now(), blob: null, error: null, upload: null });
    } catch (error) {
      if (error.transient || error.status === 401) throw error;
      await markPhoto(item.sha256, { error: { status: error.status, code: error.code, message: error.message,
        details: error.details } });
    }
    doneBytes += item.size;
    report({ photos: [index + 1, queue.length], bytes: [doneBytes, totalBytes], current: null });
  }
}
