// dom.js — the one way the UI builds markup: elements and text nodes from data, never HTML strings
// (the CSP and tools/lint both forbid inline script and innerHTML).

// Properties set after the children exist (a <select>'s value needs its options first).
const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'required', 'readOnly', 'indeterminate']);

// h('button', { type: 'button', class: 'btn', onclick: fn }, 'text', otherNode, [more]) → element.
// Attributes that are null, undefined or false are left out; true gives an empty attribute.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  const later = [];
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (PROPS.has(k)) later.push([k, v]);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  add(el, children);
  for (const [k, v] of later) el[k] = v;
  return el;
}

// Appends children: nodes as they are, strings and numbers as text, arrays flattened, null skipped.
export function add(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces all of el's children.
export function fill(el, ...children) {
  el.replaceChildren();
  return add(el, children);
}

let seq = 0;
// A document-unique id for label/for and aria-describedby pairs.
export function uid(prefix = 'id') {
  seq += 1;
  return `${prefix}-${seq}`;
}
