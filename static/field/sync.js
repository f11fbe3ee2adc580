// The outbox sender: records in batches (each batch kept until the server answers, so a retry resends the
// same batch_id), then photos one by one (never again once the server has one), then the review changes
// and fresh assignments. Retries with backoff; one tab at a time (Web Locks). A batch the server keeps
// failing (5xx) is split into one-record batches; a record that still fails alone waits with its own backoff
// (needs attention), so one poisoned record never holds up the others, the photos or the change pulls.
import { ApiError, call } from './api.js';
import { markPhoto, photosToSend, pushPhotos } from './send-photos.js';
import { announce, events, getRecord, kvGet, kvSet, req, tx } from './db.js';
import { payload } from './model.js';
import { ACCEPTED, isPending } from './state.js';
import { now, uuid } from './util.js';
import { config } from './config.js';
import { pullChanges } from './changes.js';
import { current } from './bootstrap.js';
import { invalidateSession, loadSession } from './session.js';

const BOOTSTRAP_MAX_AGE = 10 * 60 * 1000;
const SPLIT_AFTER = 3;  // consecutive 5xx answers to one batch before its records go one by one
let batchSize = 50;
let attempt = 0;
let retryTimer = null;
let soonTimer = null;
let attentionTimer = null;
let progress = idle();

function idle() {
  return { running: false, phase: '', records: [0, 0], photos: [0, 0], bytes: [0, 0], current: null,
    error: null, retryAt: null };
}

/** The latest progress (this tab's, or the one another tab announced). */
export function currentProgress() {
  return progress;
}

events.addEventListener('progress', (e) => { progress = e.detail.progress; });

let lastAnnounce = 0;
function report(changes, force = true) {
  progress = { ...progress, ...changes };
  const t = Date.now();
  if (force || t - lastAnnounce > 120) {
    lastAnnounce = t;
    announce({ type: 'progress', progress });
  }
}

/** Send everything now (if online and signed in); resolves when this round is over. */
export async function syncNow({ manual = false } = {}) {
  clearTimeout(soonTimer);
  if (!navigator.onLine) {
    report({ ...idle(), error: { offline: true } });
    return false;
  }
  if (!navigator.locks) return run(manual);
  return navigator.locks.request('field-sync', { ifAvailable: !manual }, (lock) => (lock ? run(manual) : false));
}

/** Sync a little later if anything waits (after an edit), so a burst of typing becomes one send. */
export function syncSoon(ms = 2500) {
  clearTimeout(soonTimer);
  soonTimer = setTimeout(async () => {
    if (progress.running || !navigator.onLine || (progress.retryAt && progress.retryAt > Date.now())) return;
    const records = await tx(['records'], 'readonly', (t) => req(t.objectStore('records').getAll()));
    if (records.some(isPending) || (await photosToSend()).length) syncNow();
  }, ms);
}

function scheduleRetry() {
  attempt += 1;
  const delay = Math.min(60000, 1000 * 2 ** Math.min(attempt - 1, 6)) * (0.8 + Math.random() * 0.4);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => syncNow(), delay);
  return Date.now() + delay;
}

async function run(manual) {
  const session = await loadSession();
  if (!session || !session.token || session.invalid) return false;
  clearTimeout(retryTimer);
  await current();  // the server's limits (which upload a photo takes), whichever screen is open
  report({ ...idle(), running: true, phase: 'records' });
  try {
    const deferred = await pushRecords(manual);  // a server failure on records: photos and pulls still go
    report({ phase: 'photos' });
    await pushPhotos(report, currentProgress);
    report({ phase: 'pull' });
    await pullChanges();
    const boot = await kvGet('bootstrap');
    if (manual || !boot || Date.now() - Date.parse(boot.at) > BOOTSTRAP_MAX_AGE) await refreshBootstrap();
    await wakeForAttention();
    if (deferred) throw deferred;
    attempt = 0;
    const at = now();
    await kvSet('last_sync', at);
    report({ running: false, phase: 'done', current: null, at });  // the outbox shows this sync as 上次同步
    return true;
  } catch (error) {
    const e = error instanceof ApiError ? error : new ApiError(-1, 'client', String(error && error.message));
    if (e.status === 401) {
      await invalidateSession(session);
      announce({ type: 'auth' });
      report({ running: false, error: { code: e.code, message: e.message }, current: null });
      return false;
    }
    const retryAt = e.transient ? scheduleRetry() : null;
    report({ running: false, error: { code: e.code, message: e.message, status: e.status }, retryAt, current: null });
    return false;
  }
}

async function deviceId() {
  let id = await kvGet('device_id');
  if (!id) {
    id = uuid();
    await kvSet('device_id', id);
  }
  return id;
}

async function nextBatch(force) {
  const kept = await kvGet('batch');
  if (kept) return kept;
  const all = await tx(['records'], 'readonly', (t) => req(t.objectStore('records').getAll()));
  let pending = all.filter((r) => isPending(r, force)).sort((a, b) => (a.type === b.type
    ? a.created_at.localeCompare(b.created_at) : a.type === 'visit' ? -1 : 1));
  // A recheck goes after its visit, or with it (visits sort first, so a batch's prefix keeps both).
  const visitsOut = new Set(all.filter((r) => r.type === 'visit' && (r.base_version != null || pending.includes(r)))
    .map((r) => r.id));
  pending = pending.filter((r) => r.type !== 'recheck' || r.base_version != null || visitsOut.has(r.visit_id));
  if (!pending.length) return null;
  const alone = pending.find((r) => r.solo || r.attention);  // from a split batch: one record per batch
  let chosen = alone ? [alone]
    : pending.filter((r) => !r.solo).slice(0, Math.min(batchSize, config.maxRecordsPerBatch || batchSize));
  const device = await deviceId();
  const build = (records) => ({ device_id: device, batch_id: uuid(), records: records.map(payload) });
  let body = build(chosen);
  while (chosen.length > 1 && JSON.stringify(body).length > config.maxSyncBytes * 0.9) {
    chosen = chosen.slice(0, Math.ceil(chosen.length / 2));
    body = build(chosen);
  }
  const batch = { body, revs: Object.fromEntries(chosen.map((r) => [r.id, r.rev])), created_at: now() };
  await kvSet('batch', batch);  // kept until answered: a retry resends the very same batch_id
  return batch;
}

/** Send the pending records batch by batch; resolve with the server failure that stopped them, if any. */
async function pushRecords(force) {
  const total = (await tx(['records'], 'readonly', (t) => req(t.objectStore('records').getAll())))
    .filter((r) => isPending(r, force)).length;
  let done = 0;
  let marked = 0;  // records set aside in a row: a server failing for everything is not a poisoned record
  report({ records: [0, total] });
  for (let round = 0; round < 1000; round += 1) {
    const batch = await nextBatch(force);
    if (!batch) return null;
    let response;
    try {
      response = await call('POST', '/sync', batch.body, { timeout: 120000 });
    } catch (error) {
      if (error.status >= 500) {
        const outcome = await serverFailed(batch, error);
        if (outcome === 'retry' || (outcome === 'attention' && (marked += 1) >= 2)) return error;
        continue;
      }
      if (error.transient || error.status === 401) throw error;
      if (error.status === 413 && batch.body.records.length > 1) {
        batchSize = Math.max(1, Math.floor(batch.body.records.length / 2));
        await tx(['kv'], 'readwrite', (t) => req(t.objectStore('kv').delete('batch')));
        continue;
      }
      await settle(batch, null, error);
      done += batch.body.records.length;
      report({ records: [done, Math.max(total, done)] });
      continue;
    }
    await settle(batch, response, null);
    marked = 0;
    done += batch.body.records.length;
    report({ records: [done, Math.max(total, done)] });
  }
  return null;
}

/**
 * The server failed on a batch (5xx): keep it for a retry; after SPLIT_AFTER failures in a row send its
 * records one per batch (new batch ids: records are idempotent by id); a record that fails alone is set
 * aside with its own backoff (shown as needing attention) while the others go on. Resolve with what was done.
 */
async function serverFailed(batch, error) {
  const failures = (batch.failures || 0) + 1;
  const ids = batch.body.records.map((r) => r.id);
  const single = ids.length === 1 ? await getRecord(ids[0]) : null;
  if (failures < (single && (single.solo || single.attention) ? 1 : SPLIT_AFTER)) {
    await kvSet('batch', { ...batch, failures });
    return 'retry';
  }
  const at = now();
  await tx(['records', 'kv'], 'readwrite', async (t) => {
    const store = t.objectStore('records');
    for (const id of ids) {
      const record = await req(store.get(id));
      if (!record) continue;
      if (single) {
        const count = ((record.attention && record.attention.count) || 0) + 1;
        const delay = Math.min(30 * 60000, 60000 * 2 ** Math.min(count - 1, 5)) * (0.8 + Math.random() * 0.4);
        record.attention = { count, rev: batch.revs[id], at, retry_at: new Date(Date.now() + delay).toISOString(),
          status: error.status, code: error.code, message: error.message };
      } else {
        record.solo = true;
      }
      await req(store.put(record));
    }
    await req(t.objectStore('kv').delete('batch'));
  });
  announce({ type: 'records', ids });
  return single ? 'attention' : 'split';
}

/** Sync again when the first record set aside for attention is due for its retry. */
async function wakeForAttention() {
  const records = await tx(['records'], 'readonly', (t) => req(t.objectStore('records').getAll()));
  const due = records.filter((r) => r.attention && r.rev > r.acked_rev).map((r) => Date.parse(r.attention.retry_at))
    .filter((t) => t > Date.now());  // those already due go with the next round (or its backoff)
  clearTimeout(attentionTimer);
  if (due.length) attentionTimer = setTimeout(() => syncNow(), Math.min(...due) - Date.now() + 500);
}

/** Apply the server's per-record answers (or a whole-batch refusal) and drop the kept batch, atomically. */
async function settle(batch, response, error) {
  const results = new Map((response ? response.results : []).map((r) => [r.id, r]));
  const ids = Object.keys(batch.revs);
  await tx(['records', 'photos', 'kv'], 'readwrite', async (t) => {
    const records = t.objectStore('records');
    const photos = t.objectStore('photos');
    for (const sent of batch.body.records) {
      const record = await req(records.get(sent.id));
      if (!record) continue;
      const result = results.get(sent.id) || (error && { status: 'error', version: null, missing_photos: [],
        errors: error.details, codes: {}, code: error.code, message: error.message });
      if (!result) continue;  // the server did not answer for it: it stays in the outbox
      record.acked_rev = Math.max(record.acked_rev, batch.revs[sent.id]);
      delete record.solo;
      delete record.attention;
      record.result = { status: result.status, version: result.version, missing_photos: result.missing_photos,
        errors: result.errors, codes: result.codes, conflicts: result.conflicts || {},  // only sent with a conflict
        message: result.message || '', code: result.code || '', at: now() };  // only on a whole-batch refusal
      if (ACCEPTED.has(result.status) && result.version != null) record.base_version = result.version;
      if (result.status === 'conflict' && record.rev === batch.revs[sent.id]) adoptServer(record, result.conflicts);
      await req(records.put(record));
      if (!ACCEPTED.has(result.status) || !sent.data.photos) continue;  // findings and rechecks
      const missing = new Set(result.missing_photos);
      for (const entry of sent.data.photos || []) {  // a reply alone names none
        const photo = await req(photos.get(entry.sha256));
        if (photo && !photo.uploaded && !missing.has(entry.sha256)) {  // the server already holds it
          photo.uploaded = true;
          photo.uploaded_at = now();
          photo.blob = null;
          await req(photos.put(photo));
        }
      }
    }
    await req(t.objectStore('kv').delete('batch'));
  });
  announce({ type: 'records', ids });
}

/**
 * After a conflict the server kept its value and holds ours beside it for the reviewer: take the server's
 * value into the phone's copy, so that a later, unrelated edit does not send ours again as a fresh change.
 */
function adoptServer(record, conflicts) {
  for (const [key, pair] of Object.entries(conflicts || {})) {
    if (!pair || typeof pair !== 'object' || !('server' in pair)) continue;
    const [prefix, ident] = key.includes(':') ? key.split(/:(.*)/s) : [key, null];
    if (prefix === 'photo' && record.type === 'finding') {
      const photos = record.data.photos.filter((p) => p.sha256 !== ident);
      if (pair.server) photos.push({ sha256: ident, caption: pair.server.caption || '', taken_at: pair.server.taken_at ?? null });
      record.data.photos = photos;
    } else if (prefix === 'answer' && record.type === 'visit') {
      if (pair.server) record.data.answers[ident] = { result: pair.server.result, note: pair.server.note || '' };
      else delete record.data.answers[ident];
    } else if (ident === null && key in record.data) {
      record.data[key] = pair.server;
    }
  }
}

/** Fetch the assignments, checklists and units again and keep them for offline days. */
export async function refreshBootstrap() {
  const data = await call('GET', '/bootstrap');
  await tx(['kv'], 'readwrite', async (t) => {
    const kv = t.objectStore('kv');
    await req(kv.put({ data, at: now() }, 'bootstrap'));
    // A new phone has no records to hear about: start the change feed where the server is now.
    if ((await req(kv.get('cursor'))) == null) await req(kv.put(data.cursor, 'cursor'));
  });
  announce({ type: 'bootstrap' });
  // 回头看 photos for offline days, in the background: signing in or a sync round never waits for them.
  import('./thumbs.js').then((m) => m.keepThumbnails(data)).catch(() => {});
  return data;
}

/** Retry records the server refused as a whole batch (after a fix on the server, say). */
export async function retryRefused(ids) {
  await tx(['records'], 'readwrite', async (t) => {
    const store = t.objectStore('records');
    for (const id of ids) {
      const record = await req(store.get(id));
      if (record && record.rev <= record.acked_rev) {
        record.rev = record.acked_rev + 1;
        await req(store.put(record));
      }
    }
  });
  announce({ type: 'records', ids });
  return syncNow({ manual: true });
}

/** Clear a photo's refusal so it is sent again (after the inspector replaced or downscaled it). */
export function clearPhotoError(sha256) {
  return markPhoto(sha256, { error: null });
}

/** Send a photo kept for Wi-Fi now, on whatever network there is. */
export async function sendPhotoNow(sha256) {
  await markPhoto(sha256, { wifi: false });
  return syncNow({ manual: true });
}
