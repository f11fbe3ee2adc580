// The assignments kept for offline days (the server's BootstrapSchema), in the shape the screens use.
import { kvGet } from './db.js';
import { applyServerLimits } from './config.js';

/** Turn the server's bootstrap document into what the screens read: campaigns, checklists, 需补充, team records. */
function normalise(data) {
  const units = new Map(data.units.map((u) => [u.id, u]));
  const checklists = new Map(data.checklists.map((list) => [list.id, {
    items: list.items.map((it) => ({ code: it.code, category: it.category, text: it.text, guidance: it.guidance,
      photoRequired: it.photo_required })),  // sent in position order
  }]));
  const campaigns = data.campaigns.map((c) => ({
    id: c.id, title: c.title, start: c.start_date, end: c.end_date, checklistId: c.checklist_id,
    kind: c.kind || 'ordinary', followup: c.followup || null,  // 回头看: {include_checklist}
    targets: c.targets.map((t) => {
      const unit = units.get(t.unit_id);
      return { id: t.id, unitName: unit.name, label: unit.short_name || unit.name, plannedStart: t.planned_start,
        plannedEnd: t.planned_end, doneAt: t.last_visit_at, rechecks: t.rechecks || null };  // 回头看: earlier problems
    }),
  }));
  return { campaigns, checklists, returned: data.returned_findings || [], teamRecords: data.team_records || [],
    unitLabels: new Map(data.units.map((u) => [u.id, u.short_name || u.name])) };
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
