// percent.js — the one way a share is shown: part/whole as a percentage rounded half up to one
// decimal ("46.7%"), always with the counts beside it ("46.7% (7/15)"). Integer arithmetic only,
// so 1/8 is exactly 12.5 and 1/16 rounds to 6.3 as written on paper. No DOM, no catalog.

// part/whole in tenths of a percent, rounded half up; null when whole is 0 (nothing to share).
export function tenths(part, whole) {
  part = Number(part);
  whole = Number(whole);
  if (!whole || !Number.isFinite(part) || !Number.isFinite(whole)) return null;
  // round(part * 1000 / whole) with halves up: floor((2 * part * 1000 + whole) / (2 * whole))
  return Math.floor((2000 * part + whole) / (2 * whole));
}

// "46.7": the percentage's number with one decimal always; null when whole is 0.
export function percentNumber(part, whole) {
  const x = tenths(part, whole);
  if (x === null) return null;
  const sign = x < 0 ? '-' : '';
  const a = Math.abs(x);
  return `${sign}${Math.floor(a / 10)}.${a % 10}`;
}

// "46.7%"; null when whole is 0.
export function percent(part, whole) {
  const p = percentNumber(part, whole);
  return p === null ? null : `${p}%`;
}

// "46.7% (7/15)"; null when whole is 0, for the caller to say "none" in its language.
export function share(part, whole) {
  const p = percent(part, whole);
  return p === null ? null : `${p} (${part}/${whole})`;
}
