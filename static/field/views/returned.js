// 需补充 from any phone of the team, and the team's records. `#/r`: the findings a reviewer returned with a
// question (bootstrap `returned_findings`, so a freshly signed-in or a teammate's phone sees them too), then
// what the team has sent in its active campaigns (bootstrap `team_records`, read-only). `#/r/<id>`: one
// returned finding, its data read-only with its thumbnails, and the 补充说明 the inspector sends back.
import { current } from '../bootstrap.js';
import { allRecords, getRecord } from '../db.js';
import { config } from '../config.js';
import { bearer } from '../session.js';
import { answeredHere, stateOf } from '../state.js';
import { syncNow } from '../sync.js';
import { T } from '../text.js';
import { saveReply } from '../replies.js';
import { badge, notice, saveFailed, screenHead, serverMessage, stateBadge } from '../ui.js';
import { clip, h, when } from '../util.js';

let thumbUrls = [];

/** Render the list (`#/r`) or one returned finding (`#/r/<id>`). */
export async function render(root, { id }) {
  for (const url of thumbUrls) URL.revokeObjectURL(url);
  thumbUrls = [];
  const [boot, records] = await Promise.all([current(), allRecords()]);
  const local = new Map(records.map((r) => [r.id, r]));
  const returned = (boot && boot.returned) || [];
  if (id) {
    const record = await getRecord(id);
    await one(root, boot, returned.find((item) => item.id === id) || await heldHere(record), record);
    return;
  }
  root.append(screenHead('#/', h('h1', T.rt.title)));
  root.append(h('section.card.returned', h('h2', `${T.returnedTitle}（${returned.length}）`),
    returned.length ? h('p.muted', T.rt.returnedHint) : h('p.muted.empty', T.rt.noneReturned),
    h('ul.plain', returned.map((item) => returnedRow(boot, item, local.get(item.id))))));
  const team = [...((boot && boot.teamRecords) || [])]  // visits and findings together, newest first (UTC ISO)
    .sort((a, b) => (b.occurred_at || '').localeCompare(a.occurred_at || ''));
  root.append(h('section.card.team-records', h('h2', `${T.rt.teamTitle}（${team.length}）`), h('p.muted.small', T.rt.teamHint),
    team.length ? h('ul.plain', team.map((r) => teamRow(boot, r, local.get(r.id)))) : h('p.muted.empty', T.rt.noTeamRecords)));
}

function unitLabel(boot, unitId) {
  return (boot && boot.unitLabels && boot.unitLabels.get(unitId)) || '';
}

function returnedRow(boot, item, record) {
  const done = answeredHere(record, item);
  return h('li', { dataset: { finding: item.id } }, h('a.row-link', { href: `#/r/${item.id}` },
    h('strong', `${unitLabel(boot, item.unit_id)} · ${clip(item.data.description, 30) || item.data.category}`),
    item.review_note ? h('span.note', item.review_note) : null,
    done ? badge(T.rt.answered, 'ok') : badge(T.returnedTitle, 'bad')));
}

function teamRow(boot, r, record) {
  const kind = r.status === 'returned' ? 'bad' : ['confirmed', 'ended'].includes(r.status) ? 'ok' : '';
  const href = r.status === 'returned' ? `#/r/${r.id}` : record && !record.reply_only
    ? `#/${r.type === 'visit' ? 'v' : 'f'}/${r.id}` : null;
  const body = [h('strong', `${r.type === 'visit' ? T.rt.visit : T.rt.finding} · ${unitLabel(boot, r.unit_id)}`), ' ',
    badge(r.status_label, kind), h('span.muted.small', ` ${when(r.occurred_at)} · ${T.rt.by(r.created_by)}`),
    r.description ? h('p.small', r.description) : null];
  return h('li.team-record', { dataset: { record: r.id, type: r.type } }, href ? h('a.row-link', { href }, body) : body);
}

/**
 * A returned finding this phone holds, known from the change feed before the next bootstrap lists it:
 * answered the same way, from the phone's copy.
 */
async function heldHere(record) {
  if (!record || record.reply_only || record.type !== 'finding' || !record.review || record.review.status !== 'returned') {
    return null;
  }
  const visit = record.visit_id ? await getRecord(record.visit_id) : null;
  return { id: record.id, version: record.base_version, data: record.data, review_note: record.review.note,
    reviewed_at: record.review.at, thumbnails: {}, label: (visit && visit.label) || '' };
}

/** One returned finding: the question, the finding as the server holds it (read-only), and the reply box. */
async function one(root, boot, item, record) {
  root.append(screenHead('#/r', h('h1', T.returnedTitle)));
  if (!item) {
    root.append(notice('info', T.rt.notFound));
    if (record && record.reply_only) root.append(h('p', `${T.rt.reply}：${record.data.reply}`), stateBadge(stateOf(record)));
    return;
  }
  const d = item.data;
  root.append(notice('bad', h('strong', T.rt.question), h('div.server-line', item.review_note || '')));
  if (record) serverMessage(root, record);
  const severity = (config.severities || {})[d.severity] || d.severity;
  root.append(h('dl.readonly.finding-data',
    h('dt', T.fields.target_id), h('dd', item.label || unitLabel(boot, item.unit_id)),
    h('dt', T.fields.item_code), h('dd', [d.item_code, d.category].filter(Boolean).join(' · ')),
    h('dt', T.fields.description), h('dd.description', d.description),
    h('dt', T.fields.occurred_at), h('dd', when(d.occurred_at)),
    d.location ? [h('dt', T.fields.location), h('dd', d.location)] : null,
    h('dt', T.fields.severity), h('dd', severity),
    d.persons && d.persons.length ? [h('dt', T.rt.persons), h('dd', d.persons.map((p) => h('div',
      `${p.name}${p.post ? `（${p.post}）` : ''} · ${(config.cadreLevels || {})[p.cadre_level] || p.cadre_level}`)))] : null));
  const shas = Object.keys(item.thumbnails || {});
  if (shas.length) root.append(h('ul.thumbs.readonly', shas.map((sha) => thumb(item.thumbnails[sha], sha))));

  const kept = record && typeof record.data.reply === 'string' ? record.data.reply : (d.reply || '');
  const box = h('textarea', { name: 'reply', rows: 5, placeholder: T.rt.replyHint, value: kept,
    oninput: (e) => save(item, e.target.value, boot, true) });
  root.append(h('div.form', h('label', T.rt.reply, box),
    record && record.reply_at ? h('p.muted.small', stateBadge(stateOf(record))) : null,
    h('button.big.primary.wide', { type: 'button', id: 'send-reply', onclick: () => send(item, box.value, boot) }, T.rt.send),
    h('p.muted.small.center', T.rt.sendOffline)));
}

async function save(item, value, boot, quiet) {
  try {
    return await saveReply(item, value, { label: item.label || unitLabel(boot, item.unit_id), quiet });
  } catch (error) {
    saveFailed(error);
    return null;
  }
}

async function send(item, value, boot) {
  if (!value.trim()) return;
  if ((await save(item, value, boot, false)) && navigator.onLine) syncNow({ manual: true });
}

/** A thumbnail the server holds, fetched with the device token (a plain <img> would carry none). */
function thumb(url, sha) {
  const li = h('li.thumb', { dataset: { sha256: sha } }, h('span.muted.small', T.rt.photosOffline));
  fetch(url, { headers: { Authorization: `Bearer ${bearer()}` }, credentials: 'omit' })
    .then((response) => (response.ok ? response.blob() : null))
    .then((blob) => {
      if (!blob) return;
      const src = URL.createObjectURL(blob);
      thumbUrls.push(src);
      li.replaceChildren(h('img', { src, alt: T.fields.photos, loading: 'lazy' }));
    })
    .catch(() => {});
  return li;
}
