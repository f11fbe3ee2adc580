// 补充说明: the answer to a reviewer's 需补充 question, from any phone of the team. A phone that holds the
// finding keeps the reply in its record (`data.reply`); any other phone keeps a reply-only record under the
// finding's id (`reply_only`), which payload() sends as {type: 'finding', id, base_version, data: {reply}}.
// Loaded only with the 需补充 screen (views/returned.js).
import { announce, isQuotaError, req, tx } from './db.js';
import { StorageFullError } from './model.js';
import { now } from './util.js';

/**
 * Keep `reply` as the answer to a returned finding (`item`: one of bootstrap's returned_findings) and queue
 * it for sending; resolve with the record.
 */
export async function saveReply(item, reply, { label = '', quiet = false } = {}) {
  try {
    const record = await tx(['records'], 'readwrite', async (t) => {
      const store = t.objectStore('records');
      const at = now();
      let record = await req(store.get(item.id));
      if (!record) {
        const d = item.data || {};
        record = { id: item.id, type: 'finding', reply_only: true, queued: true, rev: 0, acked_rev: 0,
          base_version: item.version, result: null, label, created_at: at,
          data: { reply: '', description: d.description || '', category: d.category || '', item_code: d.item_code || null,
            persons: [], photos: [] } };  // shown in the outbox; only the reply is ever sent
      }
      if (record.reply_only && record.rev <= record.acked_rev && item.version > (record.base_version || 0)) {
        record.base_version = item.version;  // returned again since our last answer: answer the new version
      }
      record.data.reply = reply;
      record.reply_at = at;
      record.rev += 1;
      record.updated_at = at;
      await req(store.put(record));
      return record;
    });
    announce({ type: 'records', ids: [item.id], quiet });
    return record;
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError(error.message);
    throw error;
  }
}
