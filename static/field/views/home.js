// Home: "需补充" requests first, then visits in progress, then my campaigns and my team's targets.
import { current } from '../bootstrap.js';
import { allNotices, allRecords } from '../db.js';
import { startVisit } from '../model.js';
import { NEEDS_ACTION, answeredHere, stateOf } from '../state.js';
import { storageStatus } from '../photos.js';
import { T } from '../text.js';
import { badge, notice, saveFailed, stateBadge } from '../ui.js';
import { bytes, clip, h, when, windowText } from '../util.js';
import { locate } from '../locate.js';

/** Render the home screen. */
export async function render(root) {
  const [boot, records, notices] = await Promise.all([current(), allRecords(), allNotices()]);
  const visits = records.filter((r) => r.type === 'visit');
  const findings = new Map(records.filter((r) => r.type === 'finding').map((r) => [r.id, r]));
  root.append(h('h1.sr-only', T.homeTitle));

  const returned = notices.filter((n) => n.status === 'returned');
  if (returned.length) {
    root.append(h('section.card.returned', h('h2', `${T.returnedTitle}（${returned.length}）`),
      h('p.muted', T.returnedHint),
      h('ul.plain', returned.map((n) => {
        const local = findings.get(n.id);
        const edited = local && local.updated_at > n.at;
        return h('li', h('a.row-link', { href: local && !local.reply_only ? `#/f/${n.id}` : `#/r/${n.id}` },
          h('strong', clip((local && local.data.description) || n.description || T.findingTitle, 30)),
          n.note ? h('span.note', n.note) : null,
          edited ? badge('已修改，待发送/审核', 'warn') : null));
      }))));
  }
  // Returned findings of the team this phone has not heard of (a new or a teammate's phone): answer them in #/r.
  const listed = new Set(returned.map((n) => n.id));
  const waiting = ((boot && boot.returned) || []).filter((i) => !listed.has(i.id) && !answeredHere(findings.get(i.id), i));
  if (waiting.length) {
    root.append(h('a.card.button.wide.returned-link', { href: '#/r', id: 'returned-link' },
      badge(`${T.returnedTitle}（${waiting.length}）`, 'bad'), ' ', T.returnedOpen));
  }
  root.append(needsAction(records, visits) || '', storageNotice(records.length > 0));  // append(null) would print "null"

  // Visits in progress whose target is no longer in the assignments (campaign closed, team changed).
  const known = new Set(((boot && boot.campaigns) || []).flatMap((c) => c.targets.map((t) => t.id)));
  const open = visits.filter((v) => !v.data.ended_at && !known.has(v.target_id));
  if (open.length) {
    root.append(h('section', h('h2', T.inProgress), open.map((v) => h('a.card.target.open', { href: `#/v/${v.id}` },
      h('div.target-main', h('strong.unit', v.label || '—'), h('span.muted', `${T.startedAt} ${when(v.data.started_at)}`)),
      h('span.button.big.primary', T.continueVisit)))));
  }

  root.append(h('h2', T.myCampaigns));
  if (!boot || !boot.campaigns.length) {
    root.append(h('p.muted.empty', boot ? T.noCampaigns : T.dataNever));
  } else {
    for (const campaign of boot.campaigns) root.append(campaignCard(campaign, visits));
  }
  if (boot && boot.teamRecords.length) {
    root.append(h('a.button.wide', { href: '#/r', id: 'team-link' }, T.teamRecords(boot.teamRecords.length)));
  }
  if (boot) root.append(h('p.muted.small.foot', T.dataAsOf(when(boot.at))));
}

/** Records the server refused or keeps failing on: listed first, so none waits unnoticed on the phone. */
function needsAction(records, visits) {
  const list = records.filter((r) => NEEDS_ACTION.has(stateOf(r)));
  if (!list.length) return null;
  const labels = new Map(visits.map((v) => [v.id, v.label || '']));
  return h('section.card.needs-action', h('h2', `${T.attentionTitle}（${list.length}）`), h('p.muted', T.needsActionHint),
    h('ul.plain', list.map((r) => h('li', { dataset: { record: r.id } }, h('a.row-link', { href: `#/${r.type === 'visit' ? 'v' : r.type === 'recheck' ? 'recheck' : r.reply_only ? 'r' : 'f'}/${r.id}` },
      h('strong', r.type === 'visit' ? `${T.recordVisit} · ${r.label || ''}`
        : `${T.recordFinding} · ${labels.get(r.visit_id) || ''} · ${clip(r.data.description, 20)}`), ' ', stateBadge(stateOf(r)))))));
}

/** A slot filled once the browser has estimated the storage (so the first screen does not wait for it). */
function storageNotice(hasWork) {
  const slot = h('div.storage-slot');
  storageStatus().then((storage) => {
    if (storage && storage.low) slot.append(notice('warn', T.storageLow(bytes(storage.usage), bytes(storage.quota))));
    else if (storage && !storage.persisted && hasWork) slot.append(notice('info', T.notPersisted));
  }).catch(() => {});
  return slot;
}

function campaignCard(campaign, visits) {
  return h('section.card.campaign', h('h3', campaign.title),
    campaign.start ? h('p.muted.small', `${campaign.start} 至 ${campaign.end}`) : null,
    h('ul.plain.targets', campaign.targets.map((target) => targetRow(campaign, target, visits))));
}

function targetRow(campaign, target, visits) {
  const mine = visits.filter((v) => v.target_id === target.id);
  const open = mine.find((v) => !v.data.ended_at);
  const ended = mine.filter((v) => v.data.ended_at).sort((a, b) => b.data.ended_at.localeCompare(a.data.ended_at));
  let status;
  let actions;
  const start = () => begin(campaign, target);
  if (open) {
    status = badge(T.stInProgress, 'warn');
    actions = [h('a.button.big.primary', { href: `#/v/${open.id}` }, T.continueVisit)];
  } else if (ended.length) {
    status = badge(`${T.stDone} ${when(ended[0].data.ended_at)}`, 'ok');
    actions = [h('a.button.big', { href: `#/v/${ended[0].id}` }, T.viewVisit),
      h('button.big.quiet', { type: 'button', onclick: start }, T.againVisit)];
  } else if (target.doneAt) {
    status = badge(`${T.stDone} ${when(target.doneAt)}`, 'ok');
    actions = [h('button.big.quiet', { type: 'button', onclick: start }, T.againVisit)];
  } else {
    status = badge(T.stNotStarted);
    actions = [h('button.big.primary', { type: 'button', onclick: start }, T.startVisit)];
  }
  return h('li.target', { dataset: { target: target.id } },
    h('div.target-main', h('strong.unit', target.label || target.unitName), status,
      target.plannedStart ? h('span.muted.small', `${T.targetPlanned} ${windowText(target.plannedStart, target.plannedEnd)}`) : null),
    h('div.target-actions', actions));
}

async function begin(campaign, target) {
  try {
    const visit = await startVisit(target, { campaignId: campaign.id, label: target.label || target.unitName });
    if (visit.data.lat == null && visit.rev === 1) locate(visit.id);
    location.hash = `#/v/${visit.id}`;
  } catch (error) {
    saveFailed(error);
  }
}
