// A visit: the checklist by category with big pass / fail / n.a. buttons, the findings, and ending it.
import { current, findTarget, groupedItems } from '../bootstrap.js';
import { allPhotos, findingsOf, getRecord } from '../db.js';
import { endVisit, findingFor, modify, patch, photoCounts, setAnswer } from '../model.js';
import { problems, stateOf } from '../state.js';
import { T } from '../text.js';
import { confirm, notice, reviewBadge, saveFailed as fail, screenHead, serverMessage, stateBadge, toast } from '../ui.js';
import { clip, clock, fromLocalInput, h, toLocalInput, when } from '../util.js';
import { syncNow } from '../sync.js';
import { rechecksSection, uncheckedCount } from './recheck.js';
import { periodWarning } from '../plausible.js';

const RESULTS = [['pass', T.pass], ['fail', T.fail], ['na', T.na]];

/** Render one visit. */
export async function render(root, { id }) {
  const visit = await getRecord(id);
  if (!visit || visit.type !== 'visit') {
    root.append(h('p.empty', '记录不存在（可能已在退出登录时清除）。'), h('a.button.big', { href: '#/' }, T.back));
    return;
  }
  const [boot, records, photos] = await Promise.all([current(), findingsOf(id), allPhotos()]);
  const findings = records.filter((r) => r.type !== 'recheck');  // rechecks: rechecksSection
  const photoBySha = new Map(photos.map((p) => [p.sha256, p]));
  const { campaign, target } = findTarget(boot, visit.target_id);
  const groups = groupedItems(boot, campaign);
  const byItem = new Map(findings.filter((f) => f.data.item_code).map((f) => [f.data.item_code, f]));
  const ended = !!visit.data.ended_at;
  const d = visit.data;

  root.append(screenHead('#/', h('div', h('h1', visit.label || (target && target.label) || T.visitTitle),
    h('p.muted.small.meta', `${T.startedAt} ${when(d.started_at)}`, ended ? ` · ${T.endedAt} ${clock(d.ended_at)}` : '',
      ' · ', d.lat != null ? T.gpsOn(d.accuracy ?? '?') : T.gpsNone, ' ', stateBadge(stateOf(visit))))));
  serverMessage(root, visit);
  const outside = periodWarning(campaign, d.started_at, d.ended_at);  // 请核实, never a block
  if (outside) root.append(h('div.notice.warn.period', { role: 'status' }, outside));
  root.append(timesBlock(visit) || '');  // append(null) would print "null"
  if (ended) root.append(notice('info', T.visitEnded(when(d.ended_at)), ' ', T.reopenHint));

  let answered = 0;
  let total = 0;
  const sections = [];
  for (const [category, items] of groups) {
    const done = items.filter((it) => d.answers[it.code]).length;
    answered += done;
    total += items.length;
    sections.push(h('details.category', { open: done < items.length || !ended },
      h('summary', h('span', category), h('span.count', `${done}/${items.length}`)),
      items.map((item) => itemRow(visit, item, byItem.get(item.code)))));
  }
  const followup = !!(campaign && campaign.kind === 'followup');
  if (followup) root.append(rechecksSection(visit, target, records));
  const showList = !followup || !!(campaign.followup && campaign.followup.include_checklist);
  if (showList) root.append(h('section.checklist', h('h2', `${T.checklist}（${answered}/${total}）`), sections));

  root.append(h('section.findings', h('h2', `${T.findings}（${findings.length}）`),
    findings.length ? h('ul.plain', findings.map((f) => findingRow(f, photoBySha))) : h('p.muted', T.noFindings),
    h('button.big.wide', { type: 'button', onclick: async () => {
      try {
        const f = await findingFor(visit, null, '');
        location.hash = `#/f/${f.id}`;
      } catch (error) { fail(error); }
    } }, T.addOtherFinding)));

  root.append(h('label.block', T.visitNotes, h('textarea', { rows: 3, value: d.notes || '',
    oninput: (e) => patch(id, 'data.notes', e.target.value, { quiet: true }).catch(fail) })));

  if (!ended) {
    root.append(h('div.bottom-actions', h('button.big.primary.wide', { type: 'button', id: 'end-visit',
      onclick: () => finish(visit, groups, records, showList ? total - answered : 0, uncheckedCount(target, records)) },
    T.endVisit)));
  }
}

function itemRow(visit, item, finding) {
  const answer = visit.data.answers[item.code] || {};
  const choose = async (result) => {
    try {
      const next = answer.result === result ? null : result;
      await setAnswer(visit.id, item.code, next);
      if (next === 'fail') {
        const f = await findingFor(visit, item);
        location.hash = `#/f/${f.id}`;
      } else if (finding && next !== 'fail') {
        toast(T.failHasFinding);
      }
    } catch (error) { fail(error); }
  };
  return h('div.item', { dataset: { code: item.code } },
    h('p.item-text', h('span.code', item.code), ' ', item.text, item.photoRequired ? h('span.tag', T.photoRequired) : null),
    item.guidance ? h('details.guidance', h('summary', T.guidance), h('p', item.guidance)) : null,
    h('div.seg', { role: 'group', 'aria-label': item.text }, RESULTS.map(([value, label]) =>
      h(`button.seg-${value}`, { type: 'button', 'aria-pressed': String(answer.result === value),
        onclick: () => choose(value) }, label))),
    finding ? h('a.item-finding', { href: `#/f/${finding.id}` }, `${T.openFinding}：${clip(finding.data.description, 24) || '（未填写）'}`) : null,
    answer.result ? h('details.answer-note', { open: !!answer.note }, h('summary', T.answerNote),
      h('input', { name: 'answer_note', value: answer.note || '', maxLength: 2000, placeholder: T.answerNoteHint,
        oninput: (e) => modify(visit.id, (r) => {
          if (r.data.answers[item.code]) r.data.answers[item.code].note = e.target.value;
        }, { quiet: true }).catch(fail) })) : null);
}

function findingRow(finding, photoBySha) {
  const { all, got } = photoCounts(finding, photoBySha);
  return h('li', h('a.card.finding-row', { href: `#/f/${finding.id}`, dataset: { finding: finding.id } },
    h('div', h('strong', finding.data.category || '（未选类别）'), ' ', stateBadge(stateOf(finding)), ' ',
      reviewBadge(finding.review && finding.review.status)),
    h('p', clip(finding.data.description, 60) || h('span.muted', '（未填写情况描述）')),
    all ? h('p.muted.small.photo-count', finding.base_version != null ? T.photosExpected(got, all) : `${T.photos} ${all}`) : null));
}

/** The visit's times, editable when the server refused them (a phone clock far off, say). */
function timesBlock(visit) {
  const r = visit.result;
  const named = r && r.status === 'invalid' ? Object.keys({ ...r.errors, ...r.codes }) : [];
  if (!named.includes('started_at') && !named.includes('ended_at')) return null;
  const input = (name) => h('label', T.fields[name], h('input', { name, type: 'datetime-local',
    value: toLocalInput(visit.data[name]), onchange: (e) => {
      const value = fromLocalInput(e.target.value);
      if (value) patch(visit.id, `data.${name}`, value, { quiet: true }).catch(fail);
    } }));
  return h('section.card.times', h('h2', T.visitTimes), input('started_at'), visit.data.ended_at ? input('ended_at') : null);
}

async function finish(visit, groups, findings, unanswered, unchecked = 0) {
  const notes = [];
  if (unanswered > 0) notes.push(T.unanswered(unanswered));
  if (unchecked > 0) notes.push(T.rk.unchecked(unchecked));
  const items = new Map([...groups.values()].flat().map((it) => [it.code, it]));
  const missingPhotos = findings.filter((f) => f.data.item_code && (items.get(f.data.item_code) || {}).photoRequired
    && !f.data.photos.length).length;
  if (missingPhotos) notes.push(T.needsPhoto(missingPhotos));
  const held = findings.filter((f) => f.type !== 'recheck' && problems(f).length).length;  // rechecks: `unchecked`
  if (held) notes.push(T.incomplete(held));
  if (!(await confirm([T.endVisitConfirm, ...notes].join('\n'), { ok: T.endVisit }))) return;
  try {
    await endVisit(visit.id);
    syncNow();
    location.hash = '#/';
  } catch (error) { fail(error); }
}
