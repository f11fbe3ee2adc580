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

const TX = {
  title: '需补充与本组记录',
  returnedHint: '审核人退回以下问题，要求补充。本组任何一台手机都可以回复，回复作为“补充说明”交审核人，不改动原记录。',
  noneReturned: '没有需要补充的问题。',
  teamTitle: '本组已上报的记录',
  teamHint: '服务器上本组在进行中的专项行动里的记录（只读）。',
  noTeamRecords: '服务器上还没有本组的记录。',
  question: '审核人的问题',
  reply: '补充说明',
  replyHint: '回答审核人的问题，例如：经核实，张某9:20离岗，无请假条，已拍照',
  send: '发送补充说明',
  sendOffline: '回复随写随存在本机，联网后自动发送。',
  answered: '已回复',
  notFound: '这条问题已不在需补充列表中（可能已回复或已审核）。',
  photosOffline: '联网后显示照片',
  visit: '到访',
  finding: '问题',
  by: (name) => `记录人：${name}`,
  more: (n) => `只显示最近的 ${n} 条`,
  persons: '涉及人员',
};

let thumbUrls = [];

/** Render the list (`#/r`) or one returned finding (`#/r/<id>`). */
export async function render(root, { id }) {
  for (const url of thumbUrls) URL.revokeObjectURL(url);
  thumbUrls = [];
  const [boot, records] = await Promise.all([current(), allRecords()]);
  const local = new Map(records.map((r) => [r.id, r]));
  const returned = (boot && boot.returned) || [];
  if (id) {
    await one(root, boot, returned.find((item) => item.id === id), await getRecord(id));
    return;
  }
  root.append(screenHead('#/', h('h1', TX.title)));
  root.append(h('section.card.returned', h('h2', `${T.returnedTitle}（${returned.length}）`),
    returned.length ? h('p.muted', TX.returnedHint) : h('p.muted.empty', TX.noneReturned),
    h('ul.plain', returned.map((item) => returnedRow(boot, item, local.get(item.id))))));
  const team = (boot && boot.teamRecords) || [];
  root.append(h('section.card.team-records', h('h2', `${TX.teamTitle}（${team.length}）`), h('p.muted.small', TX.teamHint),
    team.length ? h('ul.plain', team.map((r) => teamRow(boot, r, local.get(r.id)))) : h('p.muted.empty', TX.noTeamRecords)));
}

function unitLabel(boot, unitId) {
  return (boot && boot.unitLabels && boot.unitLabels.get(unitId)) || '';
}

function returnedRow(boot, item, record) {
  const done = answeredHere(record, item);
  return h('li', { dataset: { finding: item.id } }, h('a.row-link', { href: `#/r/${item.id}` },
    h('strong', `${unitLabel(boot, item.unit_id)} · ${clip(item.data.description, 30) || item.data.category}`),
    item.review_note ? h('span.note', item.review_note) : null,
    done ? badge(TX.answered, 'ok') : badge(T.returnedTitle, 'bad')));
}

function teamRow(boot, r, record) {
  const kind = r.status === 'returned' ? 'bad' : ['confirmed', 'ended'].includes(r.status) ? 'ok' : '';
  const href = r.status === 'returned' ? `#/r/${r.id}` : record && !record.reply_only
    ? `#/${r.type === 'visit' ? 'v' : 'f'}/${r.id}` : null;
  const body = [h('strong', `${r.type === 'visit' ? TX.visit : TX.finding} · ${unitLabel(boot, r.unit_id)}`), ' ',
    badge(r.status_label, kind), h('span.muted.small', ` ${when(r.occurred_at)} · ${TX.by(r.created_by)}`),
    r.description ? h('p.small', r.description) : null];
  return h('li.team-record', { dataset: { record: r.id, type: r.type } }, href ? h('a.row-link', { href }, body) : body);
}

/** One returned finding: the question, the finding as the server holds it (read-only), and the reply box. */
async function one(root, boot, item, record) {
  root.append(screenHead('#/r', h('h1', T.returnedTitle)));
  if (!item) {
    root.append(notice('info', TX.notFound));
    if (record && record.reply_only) root.append(h('p', `${TX.reply}：${record.data.reply}`), stateBadge(stateOf(record)));
    return;
  }
  const d = item.data;
  root.append(notice('bad', h('strong', TX.question), h('div.server-line', item.review_note || '')));
  if (record) serverMessage(root, record);
  const severity = (config.severities || {})[d.severity] || d.severity;
  root.append(h('dl.readonly.finding-data',
    h('dt', T.fields.target_id), h('dd', unitLabel(boot, item.unit_id)),
    h('dt', T.fields.item_code), h('dd', [d.item_code, d.category].filter(Boolean).join(' · ')),
    h('dt', T.fields.description), h('dd.description', d.description),
    h('dt', T.fields.occurred_at), h('dd', when(d.occurred_at)),
    d.location ? [h('dt', T.fields.location), h('dd', d.location)] : null,
    h('dt', T.fields.severity), h('dd', severity),
    d.persons && d.persons.length ? [h('dt', TX.persons), h('dd', d.persons.map((p) => h('div',
      `${p.name}${p.post ? `（${p.post}）` : ''} · ${(config.cadreLevels || {})[p.cadre_level] || p.cadre_level}`)))] : null));
  const shas = Object.keys(item.thumbnails || {});
  if (shas.length) root.append(h('ul.thumbs.readonly', shas.map((sha) => thumb(item.thumbnails[sha], sha))));

  const kept = record && typeof record.data.reply === 'string' ? record.data.reply : (d.reply || '');
  const box = h('textarea', { name: 'reply', rows: 5, placeholder: TX.replyHint, value: kept,
    oninput: (e) => save(item, e.target.value, boot, true) });
  root.append(h('div.form', h('label', TX.reply, box),
    record && record.reply_at ? h('p.muted.small', stateBadge(stateOf(record))) : null,
    h('button.big.primary.wide', { type: 'button', id: 'send-reply', onclick: () => send(item, box.value, boot) }, TX.send),
    h('p.muted.small.center', TX.sendOffline)));
}

async function save(item, value, boot, quiet) {
  try {
    return await saveReply(item, value, { label: unitLabel(boot, item.unit_id), quiet });
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
  const li = h('li.thumb', { dataset: { sha256: sha } }, h('span.muted.small', TX.photosOffline));
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
