// Where a record stands between the phone and the server: the one home of the state predicates that the
// sender, the outbox and the screens all ask (a record's shape: `FieldRecord` in model.js).

/** Answers by which the server holds the record: their version becomes the record's base. */
export const ACCEPTED = new Set(['created', 'updated', 'unchanged', 'conflict']);
/** States the inspector has to look at: the server refused the record, or keeps failing on it. */
export const NEEDS_ACTION = new Set(['invalid', 'forbidden', 'error', 'attention']);

/** List what stops a record from being sent (empty when it may go). */
export function problems(record) {
  const out = [];
  if (record.reply_only) return record.data.reply && record.data.reply.trim() ? out : ['reply'];  // a 补充说明 alone
  if (record.type === 'recheck' && !record.data.verdict) out.push('verdict');
  if (record.type === 'finding') {
    const d = record.data;
    if (!d.description || !d.description.trim()) out.push('description');
    if (!d.category) out.push('category');
    if (d.persons.some((p) => !p.name || !p.name.trim() || !p.cadre_level)) out.push('persons');
  }
  return out;
}

/** The record's state on the phone: draft, held, pending, attention (the server kept failing on it alone), or
 * the server's last answer. */
export function stateOf(record) {
  if (!record.queued) return 'draft';
  if (record.rev > record.acked_rev) return problems(record).length ? 'held' : record.attention ? 'attention' : 'pending';
  return (record.result && record.result.status) || 'pending';
}

/** Tell whether a record waits to be sent now (`force`: also one whose attention backoff runs). */
export function isPending(record, force = false) {
  if (!record.queued || record.rev <= record.acked_rev || problems(record).length) return false;
  const a = record.attention;
  return !a || force || record.rev > a.rev || Date.now() >= Date.parse(a.retry_at);
}

/** Tell whether the server holds this record's latest version. */
export function delivered(record) {
  return record.queued && record.rev <= record.acked_rev && ACCEPTED.has(stateOf(record));
}

/** Tell whether the server has ever accepted this record (so its photos may go up). */
export function onServer(record) {
  return record.base_version != null;
}

/** Tell whether a record has ever been answered by the server. */
export function everSent(record) {
  return record.acked_rev > 0 || !!record.result;
}

/** Tell whether this phone answered a returned finding (bootstrap's `item`) since the reviewer's question. */
export function answeredHere(record, item) {
  const reply = record && record.data && record.data.reply;
  return !!(reply && reply.trim() && record.reply_at && (!item.reviewed_at
    || Date.parse(record.reply_at) >= Date.parse(item.reviewed_at)));
}
