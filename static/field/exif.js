// The original's APP1 Exif block copied into a downscaled JPEG (drawn upright: Orientation 1, the copy's size).

/** Return the APP1 Exif segment (from its FFE1 marker) of JPEG bytes, or null when there is none. */
export function exifSegment(buffer) {
  const b = new Uint8Array(buffer);
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  for (let i = 2; i + 10 <= b.length && b[i] === 0xff;) {
    const marker = b[i + 1];
    if (marker === 0xda || marker === 0xd9) break;  // image data: no metadata after this
    const end = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
    if (marker === 0xe1 && String.fromCharCode(...b.subarray(i + 4, i + 10)) === 'Exif\0\0') return b.slice(i, end);
    i = end;
  }
  return null;
}

/** Set Orientation to 1 and the Exif pixel dimensions to the copy's, in place (a malformed block stays as it is). */
function retag(segment, width, height) {
  try {
    const v = new DataView(segment.buffer, segment.byteOffset + 10);
    const le = v.getUint16(0) === 0x4949;
    const walk = (ifd, depth) => {
      for (let k = 0, n = v.getUint16(ifd, le); k < n; k += 1) {
        const e = ifd + 2 + k * 12;
        const tag = v.getUint16(e, le);
        const short = v.getUint16(e + 2, le) === 3;
        const put = (value) => (short ? v.setUint16(e + 8, value, le) : v.setUint32(e + 8, value, le));
        if (tag === 0x0112) put(1);
        else if (tag === 0xa002) put(width);
        else if (tag === 0xa003) put(height);
        else if (tag === 0x8769 && depth === 0) walk(v.getUint32(e + 8, le), 1);
      }
    };
    walk(v.getUint32(4, le), 0);
  } catch { /* keep the block unchanged */ }
}

/** Put the original's Exif block into a new JPEG (after its JFIF header); resolve with the new bytes. */
export function withExif(jpeg, segment, width, height) {
  const b = new Uint8Array(jpeg);
  if (!segment) return b;
  retag(segment, width, height);
  const at = b[2] === 0xff && b[3] === 0xe0 ? 4 + ((b[4] << 8) | b[5]) : 2;
  const out = new Uint8Array(b.length + segment.length);
  out.set(b.subarray(0, at));
  out.set(segment, at);
  out.set(b.subarray(at), at + segment.length);
  return out;
}
