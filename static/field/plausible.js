// 请核实 on the phone (warnings, never a block; the review desk flags the same, see review/plausibility.py):
// a visit outside its campaign's period, and a photo whose Exif capture time lies outside its visit.
// Loaded with the visit and finding screens only.

const CST_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit',
  day: '2-digit' });

/** The China Standard Time date of an ISO timestamp as YYYY-MM-DD ('' when there is none). */
export function cstDate(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? CST_DATE.format(d) : '';
}

/** A YYYY-MM-DD date as 11月30日. */
function day(date) {
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日`;
}

/**
 * The warning for a visit started or ended outside its campaign's period (`campaign.start`/`end`,
 * YYYY-MM-DD in China Standard Time), or null when it lies within (or the period is not known).
 */
export function periodWarning(campaign, startedAt, endedAt = null) {
  if (!campaign || !campaign.start || !campaign.end) return null;
  const days = [cstDate(startedAt), cstDate(endedAt)].filter(Boolean);
  if (!days.some((d) => d < campaign.start || d > campaign.end)) return null;
  return `本次到访日期不在专项行动期间（${day(campaign.start)}至${day(campaign.end)}），请核实`;
}

/**
 * The Exif capture time (DateTimeOriginal, else DateTime) of JPEG bytes as an ISO timestamp, read in China
 * Standard Time unless the photo names its offset (OffsetTimeOriginal); null when there is none.
 */
export function exifTakenAt(buffer) {
  try {
    const b = new Uint8Array(buffer);
    if (b[0] !== 0xff || b[1] !== 0xd8) return null;
    for (let i = 2; i + 10 <= b.length && b[i] === 0xff;) {
      const marker = b[i + 1];
      if (marker === 0xda || marker === 0xd9) return null;
      if (marker === 0xe1 && String.fromCharCode(...b.subarray(i + 4, i + 10)) === 'Exif\0\0') {
        return readTimes(new DataView(b.buffer, b.byteOffset + i + 10, ((b[i + 2] << 8) | b[i + 3]) - 8));
      }
      i += 2 + ((b[i + 2] << 8) | b[i + 3]);
    }
  } catch { /* a malformed block: no time */ }
  return null;
}

function readTimes(v) {
  const le = v.getUint16(0) === 0x4949;
  const ascii = (e) => {
    const n = v.getUint32(e + 4, le);
    const at = n > 4 ? v.getUint32(e + 8, le) : e + 8;
    let s = '';
    for (let k = 0; k < n - 1; k += 1) s += String.fromCharCode(v.getUint8(at + k));
    return s;
  };
  const tags = {};
  const walk = (ifd, depth) => {
    for (let k = 0, n = v.getUint16(ifd, le); k < n; k += 1) {
      const e = ifd + 2 + k * 12;
      const tag = v.getUint16(e, le);
      if (tag === 0x8769 && depth === 0) walk(v.getUint32(e + 8, le), 1);
      else if ([0x0132, 0x9003, 0x9011].includes(tag)) tags[tag] = ascii(e);
    }
  };
  walk(v.getUint32(4, le), 0);
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(tags[0x9003] || tags[0x0132] || '');
  if (!m) return null;
  const offset = /^[+-]\d{2}:\d{2}$/.test(tags[0x9011] || '') ? tags[0x9011] : '+08:00';
  const when = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`);
  return Number.isNaN(when.getTime()) ? null : when.toISOString();
}

/** Tell whether a capture time lies outside the visit (not ended: until now), widened by `minutes` on both sides. */
export function outsideVisit(takenAt, visit, minutes) {
  if (!takenAt || !visit || !visit.data.started_at) return false;
  const t = Date.parse(takenAt);
  const pad = minutes * 60000;
  const end = visit.data.ended_at ? Date.parse(visit.data.ended_at) : Date.now();
  return t < Date.parse(visit.data.started_at) - pad || t > end + pad;
}

/** The warning for a photo taken outside its visit (± `minutes`), or null. */
export function photoTimeWarning(takenAt, visit, minutes) {
  if (!outsideVisit(takenAt, visit, minutes)) return null;
  const [date, time] = new Date(takenAt).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).split(' ');
  return `照片拍摄时间 ${day(date)} ${time.slice(0, 5)} 不在本次到访时间前后${minutes}分钟内，请核实`;
}
