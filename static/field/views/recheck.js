// 回头看: one earlier problem of a follow-up target (`#/recheck/<id>`): the problem as issued, its photos, what the
// unit reported (status, measures, progress, evidence), and the inspector's verdict, note and photos. The visit
// screen lists the problems with rechecksSection. Thumbnails come from the phone (thumbs.js), so it works offline.
import { current, findTarget } from '../bootstrap.js';
import { allPhotos, getRecord } from '../db.js';
import { patch } from '../model.js';
import { recheckFor, recheckOf, VERDICTS } from '../rechecks.js';
import { stateOf } from '../state.js';
import { T } from '../text.js';
import { keptImage, thumbImage } from '../thumbs.js';
import { badge, notice, reviewBadge, saveFailed as fail, screenHead, serverMessage, showSending, stateBadge } from '../ui.js';
import { clip, h, when } from '../util.js';
import { photosBlock } from './finding.js';

let thumbUrls = [];

/** How many of a follow-up target's problems have no verdict yet in this visit. */
export function uncheckedCount(target, records) {
  const problems = (target && target.rechecks) || [];
  return problems.filter((p) => !(recheckOf(records, p.finding_id) || { data: p.recheck || {} }).data.verdict).length;
}

const statusKind = (status) => (status === 'closed' ? 'ok' : status === 'returned' ? 'bad' : 'warn');

/** The visit screen's list of the target's earlier problems, each opening its recheck. */
export function rechecksSection(visit, target, records) {
  const problems = (target && target.rechecks) || [];
  const done = problems.length - uncheckedCount(target, records);
  const open = async (problem) => {
    try {
      const recheck = await recheckFor(visit, problem.finding_id, problem.recheck);
      location.hash = `#/recheck/${recheck.id}`;
    } catch (error) { fail(error); }
  };
  return h('section.rechecks', h('h2', T.rk.section(done, problems.length)), h('p.muted.small', T.rk.hint),
    problems.map((problem, index) => {
      const recheck = recheckOf(records, problem.finding_id);
      const verdict = recheck ? recheck.data.verdict : problem.recheck && problem.recheck.verdict;  // a teammate's
      const r = problem.rectification || {};
      return h('button.card.recheck-row', { type: 'button', dataset: { finding: problem.finding_id },
        onclick: () => open(problem) },
      h('strong', `${index + 1}. ${problem.category || ''}`), badge(r.status_label || '', statusKind(r.status)),
      badge(verdict ? T.rk.verdicts[verdict] : T.rk.noVerdict, verdict ? 'ok' : ''),
      recheck && recheck.queued ? [' ', stateBadge(stateOf(recheck))] : null,
      h('span.recheck-desc', clip(problem.description, 60)));
    }));
}

/** Render one recheck. */
export async function render(root, { id }) {
  for (const url of thumbUrls) URL.revokeObjectURL(url);
  thumbUrls = [];
  const recheck = await getRecord(id);
  if (!recheck || recheck.type !== 'recheck') {
    root.append(h('p.empty', '记录不存在。'), h('a.button.big', { href: '#/' }, T.back));
    return;
  }
  const [boot, visit, photos] = await Promise.all([current(), getRecord(recheck.visit_id), allPhotos()]);
  const { target } = findTarget(boot, visit && visit.target_id);
  const problems = (target && target.rechecks) || [];
  const index = problems.findIndex((p) => p.finding_id === recheck.data.finding_id);
  const problem = problems[index];
  const back = visit ? `#/v/${visit.id}` : '#/';
  const d = recheck.data;

  root.append(screenHead(back, h('div', h('h1', problem ? T.rk.title(index + 1) : T.rk.record), h('p.muted.small.meta', visit ? visit.label : '',
    ' ', stateBadge(stateOf(recheck)), ' ', reviewBadge(recheck.review && recheck.review.status)))));
  serverMessage(root, recheck);
  if (problem) root.append(issued(problem), reported(problem.rectification || {}));
  else root.append(notice('warn', T.rk.missing));

  root.append(h('div.form',
    h('div.field', h('span.label', T.rk.verdict), h('div.seg.verdicts', { role: 'group', 'aria-label': T.rk.verdict },
      VERDICTS.map((v) => h(`button.seg-${v}`, { type: 'button', 'aria-pressed': String(d.verdict === v),
        onclick: () => patch(id, 'data.verdict', d.verdict === v ? null : v).catch(fail) }, T.rk.verdicts[v])))),
    h('label', T.rk.note, h('textarea', { name: 'note', rows: 4, placeholder: T.rk.noteHint, value: d.note,
      maxLength: 4000, oninput: (e) => patch(id, 'data.note', e.target.value, { quiet: true }).catch(fail) })),
    photosBlock(recheck, photoMap(photos, problem), visit)));

  const next = problem && problems[index + 1];
  root.append(h('div.bottom-actions', h('a.button.big.primary.wide', { href: back }, T.done),
    next && visit ? h('button.big.wide', { type: 'button', id: 'next-recheck', onclick: async () => {
      try {
        location.hash = `#/recheck/${(await recheckFor(visit, next.finding_id, next.recheck)).id}`;
      } catch (error) { fail(error); }
    } }, `${T.rk.title(index + 2)} ›`) : null,
    h('p.muted.small.center', T.savedLocal)));
}

/**
 * The phone's photos by hash, plus the photos of the team's latest recheck this phone does not hold (it took a
 * teammate's recheck over): those the server has show their kept thumbnail and count as uploaded.
 */
function photoMap(photos, problem) {
  const map = new Map(photos.map((p) => [p.sha256, p]));
  for (const p of (problem && problem.recheck && problem.recheck.photos) || []) {
    if (p.thumbnail && !map.has(p.sha256)) {
      map.set(p.sha256, { sha256: p.sha256, uploaded: true,
        keptImage: (alt) => keptImage(p.sha256, p.thumbnail, alt, thumbUrls, '—') });
    }
  }
  return map;
}

function thumbs(list) {
  const shown = list.filter((p) => p.thumbnail);
  return shown.length ? h('ul.thumbs.readonly', shown.map((p, i) =>
    thumbImage(p.sha256, p.thumbnail, p.caption || `${T.photos} ${i + 1}`, thumbUrls, T.rk.photoLater))) : null;
}

/** The problem as the circular issued it, with the original finding's time, place and photos. */
function issued(problem) {
  return h('section.card.issued-problem', h('h2', T.rk.asIssued),
    h('p.issued', problem.description),
    h('p.muted.small', [problem.category, problem.occurred_at ? when(problem.occurred_at) : '', problem.location]
      .filter(Boolean).join(' · ')),
    thumbs(problem.photos || []));
}

/** A date as 2026年12月5日. */
function day(iso) {
  const [y, m, d] = String(iso).split('-');
  return d ? `${y}年${Number(m)}月${Number(d)}日` : String(iso);
}

/** What the unit reported: where the item stands, its measures and progress, and its evidence. */
function reported(r) {
  const evidence = r.evidence || [];
  return h('section.card.unit-report', h('h2', T.rk.unit, ' ', badge(r.status_label || r.status || '', statusKind(r.status))),
    h('dl.readonly',
      h('dt', T.rk.measures), h('dd.issued', r.measures || T.rk.none),
      h('dt', T.rk.progress), h('dd.issued', r.progress || T.rk.none),
      r.due_date ? [h('dt', T.rk.due), h('dd', day(r.due_date))] : null,
      r.closed_at ? [h('dt', T.rk.closedAt), h('dd', when(r.closed_at))] : null),
    evidence.length ? h('h3', T.rk.evidence) : null,
    thumbs(evidence.filter((e) => e.kind === 'photo')),
    evidence.filter((e) => !e.thumbnail).map((e) => h('p.small.evidence-file',
      `${e.kind === 'pdf' ? 'PDF' : T.photos} · ${e.filename || e.sha256.slice(0, 12)}`)));
}

/** Update the photos' 上传中 badges and progress bars without re-rendering the form. */
export const onProgress = showSending;
