// IndexedDB: the phone's copy of everything (token, bootstrap, drafts/outbox, photo blobs, review notices).
// Every write is a transaction; other tabs hear about it on a BroadcastChannel.

const DB_NAME = 'field';
const DB_VERSION = 1;
const STORES = ['kv', 'records', 'photos', 'notices'];

let opening = null;

/** Open (and on first use create) the database. */
export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore('kv');
        const records = db.createObjectStore('records', { keyPath: 'id' });
        records.createIndex('type', 'type');
        records.createIndex('visit_id', 'visit_id');
        records.createIndex('target_id', 'target_id');
        db.createObjectStore('photos', { keyPath: 'sha256' });
        db.createObjectStore('notices', { keyPath: 'id' });
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); location.reload(); };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('database blocked by another tab'));
    });
  }
  return opening;
}

/** Wrap an IDBRequest in a promise. */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Run fn(tx) in one transaction; resolve with its result once the transaction has committed. */
export async function tx(stores, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(stores, mode);
    let result;
    let failed = null;
    t.oncomplete = () => (failed ? reject(failed) : resolve(result));
    t.onerror = () => reject(failed || t.error);
    t.onabort = () => reject(failed || t.error || new Error('transaction aborted'));
    Promise.resolve()
      .then(() => fn(t))
      .then((value) => { result = value; }, (error) => {
        failed = error;
        try { t.abort(); } catch { /* already finished */ }
      });
  });
}

export const kvGet = (key) => tx(['kv'], 'readonly', (t) => req(t.objectStore('kv').get(key)));
export const kvSet = (key, value) => tx(['kv'], 'readwrite', (t) => req(t.objectStore('kv').put(value, key)));

export const getRecord = (id) => tx(['records'], 'readonly', (t) => req(t.objectStore('records').get(id)));
export const allRecords = () => tx(['records'], 'readonly', (t) => req(t.objectStore('records').getAll()));
export const findingsOf = (visitId) => tx(['records'], 'readonly',
  (t) => req(t.objectStore('records').index('visit_id').getAll(visitId)));
export const allPhotos = () => tx(['photos'], 'readonly', (t) => req(t.objectStore('photos').getAll()));
export const allNotices = () => tx(['notices'], 'readonly', (t) => req(t.objectStore('notices').getAll()));

/** Delete everything on the phone (sign-out). */
export async function wipe() {
  await tx(STORES, 'readwrite', (t) => Promise.all(STORES.map((s) => req(t.objectStore(s).clear()))));
  announce({ type: 'wiped' });
}

// Change notifications, within this tab and across tabs.
export const events = new EventTarget();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('field') : null;
if (channel) channel.onmessage = (e) => events.dispatchEvent(new CustomEvent(e.data.type, { detail: e.data }));

/** This tab's id: a change announced here carries it as `origin`. */
export const TAB_ID = Math.random().toString(36).slice(2);

/** Tell this tab and the others that something changed ({type: 'records', ids} / 'progress' / 'wiped'). */
export function announce(message) {
  const full = { ...message, origin: TAB_ID };
  events.dispatchEvent(new CustomEvent(full.type, { detail: full }));
  if (channel) channel.postMessage(full);
}

/** Tell whether an error means the phone's storage is full. */
export function isQuotaError(error) {
  return !!error && (error.name === 'QuotaExceededError' || /quota/i.test(String(error.message || '')));
}
