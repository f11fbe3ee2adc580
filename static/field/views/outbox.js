// The outbox: what is waiting (records, photos, bytes), the progress of a send, and every server answer.
import { allPhotos, allRecords, kvGet } from '../db.js';
import { outboxSummary, photoCounts } from '../model.js';
import { delivered, stateOf } from '../state.js';
import { currentProgress, retryRefused, sendPhotoNow, syncNow } from '../sync.js';
import { T } from '../text.js';
import { bar, notice, photoBadge, reviewBadge, screenHead, serverMessage, showSending, stateBadge, uploading } from '../ui.js';
import { bytes, clip, h, when } from '../util.js';

/** Render the outbox. */
export async function render(root) {
  const [records, photos, lastSync] = await Promise.all([allRecords(), allPhotos(), kvGet('last_sync')]);
  const photoBySha = new Map(photos.map((p) => [p.sha256, p]));
  const summary = outboxSummary(records, photos);
  const progress = currentProgress();
  const visits = new Map(records.filter((r) => r.type === 'visit').map((r) => [r.id, r]));

  root.append(screenHead('#/', h('h1', T.outboxTitle)));
  const count = summary.records.length + summary.photos.length;
  root.append(h('section.card.outbox-summary',
    h('p.big-number', count ? T.outboxSummary(summary.records.length, summary.photos.length, bytes(summary.bytes))
      : T.outboxEmpty),
    h('div.progress-area', progressBlock(progress)),
    h('button.big.primary.wide', { type: 'button', id: 'sync-now', disabled: progress.running || !navigator.onLine,
      onclick: () => syncNow({ manual: true }) }, progress.running ? T.syncing : T.syncNow),
    h('p.muted.small', { id: 'last-sync' }, lastSync ? T.lastSync(when(lastSync)) : T.neverSynced)));

  const attention = records.filter((r) => !delivered(r) || stateOf(r) === 'conflict'
    || (r.data.photos && photoCounts(r, photoBySha).got < r.data.photos.length));  // findings and rechecks
  const refused = attention.filter((r) => ['error', 'forbidden', 'attention'].includes(stateOf(r)));
  if (refused.length) {
    root.append(h('button.big.wide', { type: 'button', id: 'retry-refused', onclick: () => retryRefused(refused.map((r) => r.id)) },
      `${T.retryRecord}（${refused.length}）`));
  }
  root.append(h('ul.plain.outbox-list', attention.sort((a, b) => (a.type === b.type ? 0 : a.type === 'visit' ? -1 : 1))
    .map((r) => recordRow(r, visits, photoBySha, progress))));
}

function progressBlock(p) {
  if (!p.running) {
    if (p.error && p.error.offline) return notice('info', T.syncOffline);
    const s = Math.max(1, Math.round((p.retryAt - Date.now()) / 1000));
    if (p.error && p.retryAt) return notice('warn', p.error.status >= 500 ? T.syncRetryServer(s) : T.syncRetry(s));
    if (p.error) return notice('bad', T.syncFailed, p.error.message || p.error.code);
    return null;
  }
  return [
    p.current && p.current.weak ? notice('warn', T.weakNetwork) : null,
    bar(p.records[0], p.records[1], T.recordsProgress(p.records[0], p.records[1]), 'records-bar'),
    bar(p.bytes[0], p.bytes[1], `${T.photosProgress(p.photos[0], p.photos[1])} · ${bytes(p.bytes[0])}/${bytes(p.bytes[1])}`,
      'photos-bar'),
  ];
}

function recordRow(record, visits, photoBySha, progress) {
  const state = stateOf(record);
  const visit = record.type === 'visit' ? record : visits.get(record.visit_id);
  const title = record.type === 'recheck' ? `${T.rk.record} · ${(visit && visit.label) || ''} · ${T.rk.verdicts[record.data.verdict] || T.rk.noVerdict}`
    : record.type === 'visit' ? `${T.recordVisit} · ${record.label || ''}`
    : `${T.recordFinding} · ${(visit && visit.label) || ''} · ${record.data.category || ''}`;
  const body = h('div');
  serverMessage(body, record);
  const photoRows = record.data.photos ? record.data.photos.map((entry) => {
    const photo = photoBySha.get(entry.sha256) || {};
    const sending = uploading(progress, entry.sha256);
    return h('li.photo-row', { dataset: { sha256: entry.sha256 } },
      h('span', `${entry.sha256.slice(0, 8)}… · ${bytes(photo.size)}`),
      photoBadge(photo, sending),
      sending ? bar(progress.current.loaded, progress.current.total) : null,
      photo.wifi && !photo.uploaded && !sending ? h('button.small', { type: 'button', onclick: () => sendPhotoNow(entry.sha256) },
        T.sendPhotoNow) : null,
      photo.error ? h('div.server-line', photo.error.message) : null);
  }) : [];
  const { all, got } = record.data.photos ? photoCounts(record, photoBySha) : { all: 0, got: 0 };
  return h('li.card.outbox-row', { dataset: { record: record.id, state } },
    h('a.row-link', { href: `#/${record.type === 'recheck' ? 'recheck' : record.type === 'visit' ? 'v' : record.reply_only ? 'r' : 'f'}/${record.id}` },
      h('strong', title), ' ', stateBadge(state), ' ', reviewBadge(record.review && record.review.status)),
    record.type === 'finding' ? h('p', clip(record.data.description, 50)) : null,
    body,
    all ? h('p.muted.small.photo-count', T.photosExpected(got, all)) : null,
    photoRows.length ? h('ul.plain.photo-rows', photoRows) : null);
}

/** Redraw the progress bars as a send goes on. */
export function onProgress(p) {
  const area = document.querySelector('.outbox-summary .progress-area');
  if (!area) return;
  const block = progressBlock(p);
  area.replaceChildren(...[block].flat().filter(Boolean));
  const button = document.getElementById('sync-now');
  if (button) {
    button.disabled = p.running || !navigator.onLine;
    button.textContent = p.running ? T.syncing : T.syncNow;
  }
  showSending(p);
  if (p.phase === 'done' && p.at) document.getElementById('last-sync').textContent = T.lastSync(when(p.at));
}
