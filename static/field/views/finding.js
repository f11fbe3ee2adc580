// A finding: what, when, where, who, how serious, and photos; every change is saved as it is made.
import { config } from '../config.js';
import { current, findTarget, groupedItems } from '../bootstrap.js';
import { allPhotos, getRecord } from '../db.js';
import { addPhoto, deleteFinding, modify, patch, photoCounts, removePhoto } from '../model.js';
import { everSent, stateOf } from '../state.js';
import { downscale, inspect, storageStatus } from '../photos.js';
import { clearPhotoError, currentProgress } from '../sync.js';
import { T } from '../text.js';
import { bar, confirm, dialog, notice, photoBadge, reviewBadge, saveFailed as fail, screenHead, serverMessage, stateBadge,
  showSending, toast, uploading } from '../ui.js';
import { bytes, fromLocalInput, h, toLocalInput } from '../util.js';
import { exifTakenAt, photoTimeWarning } from '../plausible.js';

let thumbUrls = [];

const save = (id, path) => (e) => patch(id, path, e.target.value, { quiet: true }).catch(fail);

/** Render one finding's form. */
export async function render(root, { id }) {
  const finding = await getRecord(id);
  if (!finding || finding.type !== 'finding') {
    root.append(h('p.empty', '记录不存在。'), h('a.button.big', { href: '#/' }, T.back));
    return;
  }
  const [boot, visit, photos] = await Promise.all([current(), getRecord(finding.visit_id), allPhotos()]);
  const photoBySha = new Map(photos.map((p) => [p.sha256, p]));
  const { campaign } = findTarget(boot, visit && visit.target_id);
  const item = [...groupedItems(boot, campaign).values()].flat().find((it) => it.code === finding.data.item_code);
  const d = finding.data;
  const back = visit ? `#/v/${visit.id}` : '#/';

  root.append(screenHead(back, h('div', h('h1', T.findingTitle), h('p.muted.small.meta', visit ? visit.label : '', ' ',
    stateBadge(stateOf(finding)), ' ', reviewBadge(finding.review && finding.review.status)))));
  if (finding.review && finding.review.note) {
    root.append(notice(finding.review.status === 'returned' ? 'bad' : 'info', h('strong', T.review[finding.review.status]
      || finding.review.status), h('div.server-line', finding.review.note),
      finding.review.status === 'returned' ? h('a.button.small', { href: `#/r/${id}`, id: 'reply-link' }, T.rt.replyLink) : null));
  }
  serverMessage(root, finding);

  const form = h('div.form');
  if (d.item_code) {
    form.append(h('div.field', h('span.label', T.item), h('p.readonly', h('span.code', d.item_code), ' ',
      item ? item.text : ''), h('p.muted.small', `${T.category}：${d.category}`)));
  } else {
    const categories = [...new Set([...config.categories, ...[...groupedItems(boot, campaign).keys()]])];
    form.append(h('label', T.category, h('select', { name: 'category', onchange: save(id, 'data.category') },
      h('option', { value: '' }, T.chooseCategory),
      categories.map((c) => h('option', { value: c, selected: c === d.category }, c)))));
  }
  form.append(
    h('label', T.description, h('textarea', { name: 'description', rows: 5, placeholder: T.descriptionHint,
      value: d.description, oninput: save(id, 'data.description') })),
    h('label', T.occurredAt, h('input', { name: 'occurred_at', type: 'datetime-local',
      value: toLocalInput(d.occurred_at),
      onchange: (e) => patch(id, 'data.occurred_at', fromLocalInput(e.target.value), { quiet: true }).catch(fail) })),
    h('label', T.location, h('input', { name: 'location', value: d.location, placeholder: T.locationHint,
      maxLength: 200, oninput: save(id, 'data.location') })),
    h('div.field', h('span.label', T.severity), h('div.seg', { role: 'group', 'aria-label': T.severity },
      Object.entries(config.severities).map(([value, label]) => h(`button.seg-sev-${value}`, { type: 'button',
        'aria-pressed': String(d.severity === value), onclick: () => patch(id, 'data.severity', value).catch(fail) },
      label)))),
    personsBlock(finding),
    photosBlock(finding, photoBySha, visit));
  root.append(form);

  root.append(h('div.bottom-actions', h('a.button.big.primary.wide', { href: back }, T.done),
    h('p.muted.small.center', T.savedLocal),
    h('button.big.quiet.danger.wide', { type: 'button', onclick: () => remove(finding, back) }, T.deleteFinding)));
}

function personsBlock(finding) {
  const persons = finding.data.persons;
  const set = (index, key) => (e) => modify(finding.id, (r) => {
    if (r.data.persons[index]) r.data.persons[index][key] = e.target.value;
  }, { quiet: true }).catch(fail);
  return h('fieldset.persons', h('legend', T.persons),
    persons.map((person, index) => h('div.person', { dataset: { index } },
      h('div.two', h('label', T.personName, h('input', { name: 'person_name', value: person.name, maxLength: 40,
        oninput: set(index, 'name') })),
      h('label', T.personPost, h('input', { name: 'person_post', value: person.post, maxLength: 100,
        oninput: set(index, 'post') }))),
      h('div.person-foot', h('label.grow', T.cadreLevel, h('select', { name: 'cadre_level', onchange: set(index, 'cadre_level') },
        Object.entries(config.cadreLevels).map(([value, label]) =>
          h('option', { value, selected: value === person.cadre_level }, label)))),
      h('button.quiet.danger', { type: 'button', 'aria-label': T.remove,
        onclick: () => modify(finding.id, (r) => { r.data.persons.splice(index, 1); }).catch(fail) }, T.remove)))),
    h('button.big.wide', { type: 'button', onclick: () => modify(finding.id, (r) => {
      r.data.persons.push({ name: '', post: '', cadre_level: 'staff' });
    }).catch(fail) }, T.addPerson));
}

/**
 * A record's photos: camera and gallery buttons, each photo with its state, caption and 删除. `photoBySha` has the
 * phone's photos; an entry with `keptImage` (a teammate's photo the server holds) shows that thumbnail instead.
 */
export function photosBlock(finding, photoBySha, visit) {
  for (const url of thumbUrls) URL.revokeObjectURL(url);
  thumbUrls = [];
  const camera = h('input.hidden-file', { type: 'file', accept: 'image/*', capture: 'environment', name: 'camera',
    onchange: (e) => addFiles(finding.id, e.target) });
  const gallery = h('input.hidden-file', { type: 'file', accept: 'image/*', multiple: true, name: 'gallery',
    onchange: (e) => addFiles(finding.id, e.target) });
  const { all, got } = photoCounts(finding, photoBySha);
  const progress = currentProgress();
  return h('fieldset.photos', h('legend', T.photos,
    all && finding.base_version != null ? h('span.muted.small.photo-count', ` ${T.photosExpected(got, all)}`) : null),
  h('div.two', h('button.big.primary', { type: 'button', onclick: () => camera.click() }, T.takePhoto),
    h('button.big', { type: 'button', onclick: () => gallery.click() }, T.pickPhoto)), camera, gallery,
  finding.data.photos.length ? h('ul.thumbs', finding.data.photos.map((entry, index) => {
    const photo = photoBySha.get(entry.sha256) || {};
    let url = '';
    if (photo.thumb) {
      url = URL.createObjectURL(photo.thumb);
      thumbUrls.push(url);
    }
    const sending = uploading(progress, entry.sha256);
    return h('li.thumb', { dataset: { sha256: entry.sha256 } },
      url ? h('img', { src: url, alt: `${T.photos} ${index + 1}` })
        : photo.keptImage ? photo.keptImage(`${T.photos} ${index + 1}`) : h('div.noimg', '—'),
      h('div.thumb-meta', photoBadge(photo, sending), photo.keptImage ? null : h('span.muted.small', bytes(photo.size))),
      sending ? bar(progress.current.loaded, progress.current.total) : null,
      photo.error ? photoErrorBlock(finding, entry, photo) : null,
      photoTime(photo, visit),
      h('input', { name: 'caption', placeholder: T.caption, value: entry.caption || '', maxLength: 200,
        oninput: (e) => captionChanged(finding, entry.sha256, e.target.value) }),
      h('button.quiet.danger.small', { type: 'button', onclick: async () => {
        if (await confirm(T.removePhotoConfirm, { ok: T.remove, kind: 'danger' })) {
          removePhoto(finding.id, entry.sha256).catch(fail);
        }
      } }, T.remove));
  })) : h('p.muted', T.noPhotos));
}

/** 请核实 under a photo whose Exif capture time lies outside its visit (a warning; the photo is kept). */
function photoTime(photo, visit) {
  const text = photoTimeWarning(photo.exif_taken_at, visit, config.photoTimeWindowMinutes);
  return text ? h('div.notice.warn.photo-time', { role: 'status' }, text) : null;
}

/** Save a photo's caption in place (other fields and photos, maybe changed in another tab, stay). */
function captionChanged(finding, sha256, caption) {
  modify(finding.id, (r) => {
    const entry = r.data.photos.find((p) => p.sha256 === sha256);
    if (entry) entry.caption = caption;
  }, { quiet: true }).catch(fail);
}

function photoErrorBlock(finding, entry, photo) {
  const e = photo.error;
  const shrinkable = photo.blob && (e.status === 413 || e.code === 'too_large' || e.code === 'too_many_pixels');
  const replace = async () => {
    const smaller = await downscale(photo.blob);
    if (!smaller.ok) {
      toast(T.downscaleFailed, 'bad');
      return;
    }
    smaller.taken_at = entry.taken_at;
    try {
      await addPhoto(finding.id, smaller);
      await removePhoto(finding.id, entry.sha256);
    } catch (error) { fail(error); }
  };
  return h('div.photo-error', h('div.server-line', e.message || e.code),
    shrinkable ? h('span.muted.small', T.photoOffer) : null,
    shrinkable ? h('button.small.primary', { type: 'button', onclick: replace }, T.downscale)
      : h('button.small', { type: 'button', onclick: () => clearPhotoError(entry.sha256) }, T.retryRecord));
}

async function addFiles(findingId, input) {
  const files = [...input.files];
  input.value = '';
  for (const file of files) {
    let photo;
    try {
      photo = await inspect(file);
    } catch {
      toast(T.photoUnreadable, 'bad');
      continue;
    }
    if (!photo.ok) photo = await offerDownscale(photo);
    else if (photo.size > config.maxPhotoBytes) photo = await offerLarge(photo);
    if (!photo) continue;
    photo.exif_taken_at = exifTakenAt(await photo.blob.slice(0, 512 * 1024).arrayBuffer());  // Exif is at the start; for 请核实
    const storage = await storageStatus().catch(() => null);
    if (storage && storage.quota && storage.free < photo.blob.size * 2 + photo.thumb.size) {
      toast(T.storageFull, 'bad');
      continue;
    }
    try {
      await addPhoto(findingId, photo);
    } catch (error) {
      fail(error);
    }
  }
}

/** Explain why the server would refuse this photo and offer to shrink it; resolve with the result or null. */
async function offerDownscale(photo) {
  const reasons = {
    too_large: () => T.photoTooLarge(bytes(photo.size), bytes(config.maxUploadBytes || config.maxPhotoBytes)),
    too_many_pixels: () => T.photoTooManyPixels((photo.pixels / 1e6).toFixed(1), Math.floor(config.maxPhotoPixels / 1e6)),
    wrong_type: () => T.photoWrongType,
    unreadable: () => T.photoUnreadable,
  };
  const text = (reasons[photo.reason] || reasons.unreadable)();
  if (photo.reason === 'unreadable' || !photo.width) {
    await dialog({ title: T.photos, body: [h('p', text)], buttons: [{ label: T.close, value: null }] });
    return null;
  }
  const title = photo.reason === 'wrong_type' ? T.photoTypeTitle : T.photoLargeTitle;
  const choice = await dialog({ title, className: 'photo-offer', body: [h('p', text), h('p', T.photoOffer)],
    buttons: [{ label: T.cancel, value: null }, { label: T.downscale, value: 'downscale', kind: 'primary' }] });
  return choice === 'downscale' ? shrink(photo.file) : null;
}

/** A photo too big for a plain upload but within the resumable limit: send the original (now or on Wi-Fi) or shrink it. */
async function offerLarge(photo) {
  const choice = await dialog({ title: T.photos, className: 'photo-large', body: [h('p', T.photoBig(bytes(photo.size)))],
    buttons: [{ label: T.keepForWifi, value: 'wifi', kind: 'primary' }, { label: T.keepAndSend, value: 'now' },
      { label: T.downscale, value: 'shrink' }, { label: T.cancel, value: null }] });
  if (choice === 'shrink') return shrink(photo.file);
  return choice ? { ...photo, wifi: choice === 'wifi' } : null;
}

async function shrink(file) {
  const smaller = await downscale(file);
  if (!smaller.ok) {
    toast(T.downscaleFailed, 'bad');
    return null;
  }
  toast(`已缩小为 ${bytes(smaller.size)}`);
  return smaller;
}

async function remove(finding, back) {
  if (everSent(finding)) {
    toast(T.cannotDeleteSent, 'bad');
    return;
  }
  if (!(await confirm(T.deleteFindingConfirm, { ok: T.remove, kind: 'danger' }))) return;
  await deleteFinding(finding.id).catch(fail);
  location.hash = back;
}

/** Update the photos' 上传中 badges and progress bars without re-rendering the form. */
export const onProgress = showSending;
