// 回头看 on the phone: a recheck (复核) is one earlier problem of a follow-up target checked again during a
// visit there. It is a record like a finding (outbox, statuses, photos, base_version), of type 'recheck':
// data {visit_id, finding_id, verdict, note, photos}; sent after its visit (sync.js nextBatch).
import { announce, isQuotaError, req, tx } from './db.js';
import { StorageFullError } from './model.js';
import { now, uuid } from './util.js';

export const VERDICTS = ['rectified', 'not_rectified', 'relapsed', 'unverifiable'];

/** The visit's recheck of this earlier problem, if the phone holds one. */
export function recheckOf(records, findingId) {
  return records.find((r) => r.type === 'recheck' && r.data.finding_id === findingId) || null;
}

/** The phone's copy of the team's latest recheck the server holds (bootstrap `recheck`): edited, not sent again. */
function adopted(visit, findingId, kept, at) {
  const done = ['confirmed', 'rejected'].includes(kept.status);
  return { id: kept.id, type: 'recheck', visit_id: visit.id, queued: true, rev: 1, acked_rev: 1,
    base_version: kept.version, created_at: at, updated_at: at,
    result: { status: 'unchanged', version: kept.version, missing_photos: [], errors: {}, codes: {}, conflicts: {},
      message: '', code: '', at },
    review: done ? { status: kept.status, note: '', at } : undefined,
    data: { visit_id: kept.visit_id, finding_id: findingId, verdict: kept.verdict, note: kept.note || '',
      photos: (kept.photos || []).map((p) => ({ sha256: p.sha256, caption: p.caption || '', taken_at: p.taken_at })) } };
}

/**
 * Open the visit's recheck of this problem, or (`kept`: the team's latest on the server) take that one over,
 * or create a draft (atomic across tabs: one record, one id).
 */
export async function recheckFor(visit, findingId, kept = null) {
  try {
    const record = await tx(['records'], 'readwrite', async (t) => {
      const store = t.objectStore('records');
      const found = recheckOf(await req(store.index('visit_id').getAll(visit.id)), findingId);
      if (found) return found;
      const fresh = await req(store.get(visit.id));
      const at = now();
      const held = kept && (await req(store.get(kept.id)));
      if (held) return held;  // taken over during an earlier visit on this phone
      if (kept) {
        const record = adopted(visit, findingId, kept, at);
        await req(store.put(record));
        return record;
      }
      const recheck = { id: uuid(), type: 'recheck', visit_id: visit.id, queued: !!(fresh && fresh.queued), rev: 1,
        acked_rev: 0, base_version: null, result: null, created_at: at, updated_at: at,
        data: { visit_id: visit.id, finding_id: findingId, verdict: null, note: '', photos: [] } };
      await req(store.put(recheck));
      return recheck;
    });
    announce({ type: 'records', ids: [record.id] });
    return record;
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError(error.message);
    throw error;
  }
}
