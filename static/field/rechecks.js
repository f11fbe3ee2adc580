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

/** Open the visit's recheck of this problem, or create its draft (atomic across tabs: one record, one id). */
export async function recheckFor(visit, findingId) {
  try {
    const record = await tx(['records'], 'readwrite', async (t) => {
      const store = t.objectStore('records');
      const found = recheckOf(await req(store.index('visit_id').getAll(visit.id)), findingId);
      if (found) return found;
      const fresh = await req(store.get(visit.id));
      const at = now();
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
