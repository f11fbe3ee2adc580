// The change feed: review outcomes become notices, others' edits update an idle copy of a record.
import { call } from './api.js';
import { announce, kvGet, req, tx } from './db.js';

/** Pull review outcomes ("需补充" and the like) for my records since the last cursor. */
export async function pullChanges() {
  for (let page = 0; page < 50; page += 1) {
    const cursor = await kvGet('cursor');
    const query = cursor != null ? `?since=${encodeURIComponent(cursor)}` : '';
    const response = await call('GET', `/changes${query}`);
    const { changes } = response;
    await tx(['records', 'notices', 'kv'], 'readwrite', async (t) => {
      for (const change of changes) await applyChange(t, change);
      await req(t.objectStore('kv').put(response.cursor, 'cursor'));
    });
    if (changes.length) announce({ type: 'records', ids: changes.map((c) => c.entity_id) });
    if (!response.has_more || response.cursor === cursor) return;
  }
}

const SIMPLE_FIELDS = new Set(['description', 'location', 'severity', 'category', 'occurred_at', 'item_code', 'reply']);

function applyField(record, name, value) {
  if (SIMPLE_FIELDS.has(name) && (value === null || typeof value === 'string')) {
    record.data[name] = value ?? (name === 'item_code' ? null : '');
    return true;
  }
  if (name === 'persons' && Array.isArray(value) && value.every((p) => p && typeof p.name === 'string')) {
    record.data.persons = value.map((p) => ({ name: p.name, post: p.post || '', cadre_level: p.cadre_level || 'other' }));
    return true;
  }
  return false;
}

/** Apply one change from the server: review outcomes become notices; others' edits update an idle copy. */
async function applyChange(t, change) {
  if (change.entity_type === 'recheck') return recheckChange(t, change);
  if (change.entity_type !== 'finding') return;
  const id = change.entity_id;
  const body = change.payload;
  const at = change.created_at;
  const notices = t.objectStore('notices');
  const store = t.objectStore('records');
  const record = await req(store.get(id));
  if (body.status) {
    const previous = (await req(notices.get(id))) || {};
    const note = change.kind === 'review' ? (body.note || '') : (previous.note || '');
    await req(notices.put({ ...previous, id, status: body.status, label: body.status_label || '', note, at,
      kind: change.kind, description: previous.description || (record ? record.data.description : '') }));
    if (record) record.review = { status: body.status, note, at };
  }
  if (!record) return;
  const idle = record.rev <= record.acked_rev;  // nothing of ours waiting: the server's copy may replace it
  const device = await req(t.objectStore('kv').get('device_id'));
  const ours = body.source === 'sync' && body.device === device;
  let inStep = change.kind === 'review';
  if (change.kind === 'edited' && idle && !ours && body.fields) {
    inStep = Object.entries(body.fields).map(([name, value]) => applyField(record, name, value)).every(Boolean);
  }
  if (change.kind === 'conflict_resolved' && body.field) {
    inStep = idle && applyField(record, body.field, body.value);
    if (record.result && record.result.conflicts) {
      delete record.result.conflicts[body.field];
      if (!Object.keys(record.result.conflicts).length && record.result.status === 'conflict') {
        record.result.status = 'updated';
      }
    }
  }
  if (idle && inStep && body.version != null && body.version > (record.base_version || 0)) {
    record.base_version = body.version;
  }
  await req(store.put(record));
}

/** A recheck's review or linking: shown on its screen, and (nothing of ours waiting) its version becomes the base. */
async function recheckChange(t, change) {
  const store = t.objectStore('records');
  const record = await req(store.get(change.entity_id));
  const body = change.payload || {};
  if (!record) return;
  if (change.kind === 'review' && body.status) record.review = { status: body.status, note: body.review_note || '', at: change.created_at };
  const idle = record.rev <= record.acked_rev;
  if (idle && ['review', 'linked'].includes(change.kind) && body.version > (record.base_version || 0)) record.base_version = body.version;
  await req(store.put(record));
}
