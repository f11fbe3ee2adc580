// One editor per record across this phone's tabs (Web Locks): the tab that opens a visit or finding first edits
// it; another tab showing it is read-only, follows the edits, and takes over when the editor leaves (or on 在这里编辑).
const NONE = { id: null, release: null };
let held = NONE;
let waiting = { id: null, abort: null };

/** Let go of the record this tab edits or waits for. */
function leave() {
  if (held.release) held.release();
  if (waiting.abort) waiting.abort.abort();
  held = NONE;
  waiting = { id: null, abort: null };
}

/** Ask for record id's lock with `options`; once granted (`onGrant`), hold it until leave(); hear a steal. */
function request(id, options, onGrant, changed) {
  const mine = {};
  navigator.locks.request(`field-edit:${id}`, options, (lock) => {
    onGrant(!!lock);
    return lock ? new Promise((release) => { held = { id, release, mine }; }) : null;
  }).catch(() => {  // taken by another tab (steal): this one shows it read-only
    if (held.mine === mine) {
      held = NONE;
      changed();
    }
  });
}

let chain = Promise.resolve(true);

/**
 * Become the editor of record `id` (null: of none; `steal`: take it from the tab that has it); resolve whether this
 * tab edits. When it cannot yet, it waits in line and calls `changed()` once it may edit, and when a tab steals it.
 * Claims run one after the other, so screens drawn in quick succession never hold two records.
 */
export function claim(id, changed, options = {}) {
  chain = chain.then(() => take(id, changed, options), () => take(id, changed, options));
  return chain;
}

async function take(id, changed, { steal = false }) {
  if (!navigator.locks || (id && held.id === id)) return true;
  if (id && waiting.id === id && !steal) return false;
  leave();
  if (!id) return true;
  if (await new Promise((resolve) => { request(id, steal ? { steal: true } : { ifAvailable: true }, resolve, changed); })) {
    return true;
  }
  const abort = new AbortController();
  waiting = { id, abort };
  request(id, { signal: abort.signal }, () => {
    waiting = { id: null, abort: null };
    changed();
  }, changed);
  return false;
}
