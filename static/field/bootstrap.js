// The assignments kept for offline days, read into one shape whatever the server's field names.
import { kvGet } from './db.js';
import { applyServerLimits } from './config.js';

function unitOf(target, units) {
  const unit = target.unit || units.get(target.unit_id) || {};
  return { id: target.unit_id ?? unit.id, name: unit.name || target.unit_name || '',
    label: unit.short_name || target.unit_short_name || unit.name || target.unit_name || '' };
}

function normaliseItems(items) {
  return (items || []).map((it) => ({ code: it.code, category: it.category, text: it.text,
    guidance: it.guidance || '', photoRequired: !!(it.photo_required ?? it.photoRequired), position: it.position ?? 0 }))
    .sort((a, b) => a.position - b.position);
}

/** Turn the server's bootstrap document into {user, campaigns, checklists, units}. */
export function normalise(data) {
  if (!data) return null;
  const units = new Map((data.units || []).map((u) => [u.id, u]));
  const checklists = new Map();
  const lists = Array.isArray(data.checklists) ? data.checklists : Object.values(data.checklists || {});
  for (const list of lists) checklists.set(list.id, { id: list.id, name: list.name, version: list.version,
    items: normaliseItems(list.items) });
  const campaigns = (data.campaigns || []).map((c) => {
    if (c.checklist && c.checklist.items && !checklists.has(c.checklist.id)) {
      checklists.set(c.checklist.id, { id: c.checklist.id, name: c.checklist.name, version: c.checklist.version,
        items: normaliseItems(c.checklist.items) });
    }
    const teams = new Map((c.teams || []).map((t) => [t.id, t]));
    return {
      id: c.id, title: c.title, status: c.status || 'active', start: c.start_date, end: c.end_date,
      checklistId: c.checklist_id ?? (c.checklist && c.checklist.id),
      targets: (c.targets || []).map((t) => {
        const unit = unitOf(t, units);
        return { id: t.id, campaignId: c.id, unitId: unit.id, unitName: unit.name, label: unit.label,
          plannedStart: t.planned_start, plannedEnd: t.planned_end, note: t.note || '',
          teamName: (teams.get(t.team_id) || t.team || {}).name || '',
          doneAt: t.last_visit_at || t.visited_at || null };
      }),
    };
  });
  return { user: data.user || null, campaigns, checklists, units };
}

let cache = { at: null, value: null };

/** Read the kept bootstrap from IndexedDB (normalised, memoised until it changes). */
export async function current() {
  const kept = await kvGet('bootstrap');
  if (!kept) return null;
  if (cache.at !== kept.at) {
    applyServerLimits(kept.data);
    cache = { at: kept.at, value: { ...normalise(kept.data), at: kept.at } };
  }
  return cache.value;
}

/** Find a target and its campaign by target id. */
export function findTarget(boot, targetId) {
  for (const campaign of (boot && boot.campaigns) || []) {
    const target = campaign.targets.find((t) => t.id === targetId);
    if (target) return { campaign, target };
  }
  return { campaign: null, target: null };
}

/** The checklist items of a campaign, grouped by category in order. */
export function groupedItems(boot, campaign) {
  const list = boot && campaign ? boot.checklists.get(campaign.checklistId) : null;
  const groups = new Map();
  for (const item of (list && list.items) || []) {
    if (!groups.has(item.category)) groups.set(item.category, []);
    groups.get(item.category).push(item);
  }
  return groups;
}
