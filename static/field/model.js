// The phone's records: visits and findings as drafts, then in the outbox; ids fixed at creation.
import { announce, isQuotaError, req, tx } from './db.js';
import { delivered, everSent } from './state.js';
import { now, uuid } from './util.js';

/**
 * A visit or finding on the phone (IndexedDB `records`), from its draft to the server's last answer.
 * @typedef {object} FieldRecord
 * @property {string} id UUID v4, fixed when the draft is created and sent under it ever after
 * @property {'visit'|'finding'|'recheck'} type (a recheck: 复核 of an earlier problem, rechecks.js)
 * @property {object} data the fields sent to the server (`payload()` builds the sync API's shape from them)
 * @property {boolean} queued in the outbox (its visit has ended), not a draft
 * @property {number} rev local revision, raised by every change
 * @property {number} acked_rev the highest revision the server has answered
 * @property {?number} base_version the server's version this copy is based on (null until first accepted)
 * @property {?{status: string, version: ?number, missing_photos: string[], errors: object, codes: object,
 *   conflicts: object, message: string, code: string, at: string}} result the server's last answer
 * @property {{count: number, rev: number, at: string, retry_at: string, status: number, code: string,
 *   message: string}} [attention] set aside: the server kept failing on it alone
 * @property {boolean} [solo] from a split batch: goes one per batch
 * @property {{status: string, note: string, at: string}} [review] the latest review outcome pulled
 * @property {boolean} [reply_only] a finding this phone does not hold: only its 补充说明 is sent (replies.js)
 * @property {string} [reply_at] when this phone last wrote the 补充说明
 * @property {string} [visit_id] a finding's visit
 * @property {number} [target_id] a visit's target
 * @property {number} [campaign_id] a visit's campaign
 * @property {string} [label] a visit's unit label
 * @property {string} created_at
 * @property {string} updated_at
 */

export class StorageFullError extends Error {}

/** A new record's bookkeeping; the caller adds its data. @returns {FieldRecord} */
function base(type) {
  const t = now();
  return { id: uuid(), type, queued: false, rev: 1, acked_rev: 0, base_version: null, result: null,
    created_at: t, updated_at: t };
}

function setPath(object, path, value) {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) {
    if (node[key] == null || typeof node[key] !== 'object') node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

function touch(record) {
  record.rev += 1;
  record.updated_at = now();
}

async function write(stores, fn, ids, quiet = false) {
  try {
    const out = await tx(stores, 'readwrite', fn);
    announce({ type: 'records', ids: ids ?? (out && out.id ? [out.id] : []), quiet });
    return out;
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError(error.message);
    throw error;
  }
}

/** Open the unfinished visit at this target, or create one (atomic across tabs: one draft, one id). */
export function startVisit(target, { campaignId, label }) {
  return write(['records'], async (t) => {
    const store = t.objectStore('records');
    const existing = await req(store.index('target_id').getAll(target.id));
    const open = existing.find((r) => r.type === 'visit' && !r.data.ended_at);
    if (open) return open;
    const visit = { ...base('visit'), target_id: target.id, campaign_id: campaignId, label,
      data: { target_id: target.id, started_at: now(), ended_at: null, lat: null, lon: null, accuracy: null,
        notes: '', answers: {} } };
    await req(store.put(visit));
    return visit;
  });
}

/**
 * Set fields of a record (patch(id, 'data.description', v) or patch(id, {path: v})); others stay.
 * `quiet`: the screen already shows the value (typing), so this tab does not redraw; other tabs do.
 */
export function patch(id, path, value, { quiet = false } = {}) {
  const changes = typeof path === 'string' ? { [path]: value } : path;
  return write(['records'], async (t) => {
    const store = t.objectStore('records');
    const record = await req(store.get(id));
    if (!record) return null;
    for (const [key, v] of Object.entries(changes)) setPath(record, key, v);
    touch(record);
    await req(store.put(record));
    return record;
  }, [id], quiet);
}

/** Change a record with `mutate(record)` inside one transaction (lists edited in place, never replaced). */
export function modify(id, mutate, { quiet = false } = {}) {
  return write(['records'], async (t) => {
    const store = t.objectStore('records');
    const record = await req(store.get(id));
    if (!record) return null;
    mutate(record);
    touch(record);
    await req(store.put(record));
    return record;
  }, [id], quiet);
}

/** Record the answer to a checklist item (pass / fail / na, or null to clear). */
export function setAnswer(visitId, code, result) {
  return write(['records'], async (t) => {
    const store = t.objectStore('records');
    const visit = await req(store.get(visitId));
    if (!visit) return null;
    const previous = visit.data.answers[code] || { note: '' };
    if (result) visit.data.answers[code] = { ...previous, result };
    else delete visit.data.answers[code];
    touch(visit);
    await req(store.put(visit));
    return visit;
  }, [visitId]);
}

/** Open this item's finding in the visit, or create one (one finding per failed item, one id). */
export function findingFor(visit, item, category) {
  return write(['records'], async (t) => {
    const store = t.objectStore('records');
    if (item) {
      const siblings = await req(store.index('visit_id').getAll(visit.id));
      const found = siblings.find((r) => r.data.item_code === item.code);
      if (found) return found;
    }
    const fresh = await req(store.get(visit.id));
    const finding = { ...base('finding'), visit_id: visit.id, queued: !!(fresh && fresh.queued),
      data: { visit_id: visit.id, item_code: item ? item.code : null, category: item ? item.category : (category || ''),
        description: '', occurred_at: now(), location: '', severity: 'minor', persons: [], photos: [] } };
    await req(store.put(finding));
    return finding;
  });
}

/** End a visit: stamp the time and queue it with all its findings for sending. */
export function endVisit(visitId) {
  return write(['records'], async (t) => {
    const store = t.objectStore('records');
    const visit = await req(store.get(visitId));
    if (!visit) return null;
    if (!visit.data.ended_at) visit.data.ended_at = now();
    visit.queued = true;
    touch(visit);
    await req(store.put(visit));
    for (const finding of await req(store.index('visit_id').getAll(visitId))) {
      const d = finding.data;  // a recheck only opened (no verdict, note or photo) is dropped, never sent
      if (finding.type === 'recheck' && !everSent(finding) && !d.verdict && !d.note.trim() && !d.photos.length) {
        await req(store.delete(finding.id));
        continue;
      }
      if (!finding.queued) {
        finding.queued = true;
        await req(store.put(finding));
      }
    }
    return visit;
  });
}

/** Delete a finding that never left the phone, and its photos no other record uses. */
export function deleteFinding(id) {
  return write(['records', 'photos'], async (t) => {
    const records = t.objectStore('records');
    const finding = await req(records.get(id));
    if (!finding || everSent(finding)) return null;
    await req(records.delete(id));
    const others = (await req(records.getAll())).filter((r) => r.data.photos);  // findings and rechecks
    const used = new Set(others.flatMap((r) => r.data.photos.map((p) => p.sha256)));
    for (const photo of finding.data.photos) {
      if (!used.has(photo.sha256)) await req(t.objectStore('photos').delete(photo.sha256));
    }
    return finding;
  }, [id]);
}

/** Store a photo's original bytes and thumbnail and attach it to a finding (once per hash). */
export function addPhoto(findingId, photo) {
  return write(['records', 'photos'], async (t) => {
    const photos = t.objectStore('photos');
    if (!(await req(photos.get(photo.sha256)))) {
      await req(photos.put({ sha256: photo.sha256, blob: photo.blob, thumb: photo.thumb, size: photo.blob.size,
        type: photo.blob.type, name: photo.name || '', uploaded: false, error: null, created_at: now(),
        original: photo.original || null, wifi: !!photo.wifi, exif_taken_at: photo.exif_taken_at || null }));
    }
    const records = t.objectStore('records');
    const finding = await req(records.get(findingId));
    if (!finding) throw new Error('finding not found');
    if (!finding.data.photos.some((p) => p.sha256 === photo.sha256)) {
      finding.data.photos.push({ sha256: photo.sha256, caption: '', taken_at: photo.taken_at });
      touch(finding);
      await req(records.put(finding));
    }
    return finding;
  }, [findingId]);
}

/** Detach a photo from a finding (its bytes stay until no record uses them and they are sent). */
export function removePhoto(findingId, sha256) {
  return write(['records', 'photos'], async (t) => {
    const records = t.objectStore('records');
    const finding = await req(records.get(findingId));
    if (!finding) return null;
    finding.data.photos = finding.data.photos.filter((p) => p.sha256 !== sha256);
    touch(finding);
    await req(records.put(finding));
    const stillUsed = (await req(records.getAll())).some(
      (r) => (r.data.photos || []).some((p) => p.sha256 === sha256));
    const photo = await req(t.objectStore('photos').get(sha256));
    if (!stillUsed && photo && !photo.uploaded) await req(t.objectStore('photos').delete(sha256));
    return finding;
  }, [findingId]);
}

/** Build the record as the sync API expects it. */
export function payload(record) {
  const d = record.data;
  if (record.type === 'visit') {
    const data = { target_id: d.target_id, started_at: d.started_at, ended_at: d.ended_at, notes: d.notes || '',
      answers: Object.entries(d.answers).map(([code, a]) => ({ item_code: code, result: a.result, note: a.note || '' })) };
    for (const key of ['lat', 'lon', 'accuracy']) if (d[key] != null) data[key] = d[key];
    return { type: 'visit', id: record.id, base_version: record.base_version, data };
  }
  if (record.type === 'recheck') {
    return { type: 'recheck', id: record.id, base_version: record.base_version, data: { visit_id: d.visit_id,
      finding_id: d.finding_id, verdict: d.verdict, note: (d.note || '').trim(),
      photos: d.photos.map((p) => ({ sha256: p.sha256, caption: p.caption || '', taken_at: p.taken_at })) } };
  }
  if (record.reply_only) return { type: 'finding', id: record.id, base_version: record.base_version, data: { reply: d.reply.trim() } };
  const data = { visit_id: d.visit_id, category: d.category, description: d.description.trim(),
    occurred_at: d.occurred_at, location: d.location || '', severity: d.severity,
    persons: d.persons.filter((p) => p.name && p.name.trim())
      .map((p) => ({ name: p.name.trim(), post: (p.post || '').trim(), cadre_level: p.cadre_level })),
    photos: d.photos.map((p) => ({ sha256: p.sha256, caption: p.caption || '', taken_at: p.taken_at })) };
  if (d.item_code) data.item_code = d.item_code;
  if (d.reply) data.reply = d.reply.trim();  // 补充说明 (replies.js)
  return { type: 'finding', id: record.id, base_version: record.base_version, data };
}

/** Count what has not reached the server: records, photos and bytes (`queued`: only what waits to be sent, not drafts). */
export function outboxSummary(records, photos, { queued = false } = {}) {
  const photoBySha = new Map(photos.map((p) => [p.sha256, p]));
  if (queued) records = records.filter((r) => r.queued);
  const unsentRecords = records.filter((r) => !delivered(r));
  const needed = new Set();
  for (const r of records) for (const p of r.data.photos || []) needed.add(p.sha256);  // findings and rechecks
  const unsentPhotos = [...needed].map((sha) => photoBySha.get(sha)).filter((p) => p && !p.uploaded);
  const recordBytes = unsentRecords.reduce((n, r) => n + JSON.stringify(payload(r)).length, 0);
  const photoBytes = unsentPhotos.reduce((n, p) => n + (p.size || 0), 0);
  return { records: unsentRecords, photos: unsentPhotos, bytes: recordBytes + photoBytes };
}

/** Photos expected and received by the server for one finding. */
export function photoCounts(finding, photoBySha) {
  const all = finding.data.photos.length;
  const got = finding.data.photos.filter((p) => (photoBySha.get(p.sha256) || {}).uploaded).length;
  return { all, got };
}
