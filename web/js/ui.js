// ui.js — the shared pieces every page is made of: headings, notices, loading and empty states,
// labelled form fields with their error slots, responsive tables, the pager, the language toggle.
import { h, fill, uid } from './dom.js';
import { t, LANGS, getLang } from './i18n.js';
import { errorText } from './api.js';

// A page's heading block; the h1 takes focus after navigation so screen readers announce it.
export function pageHead(title, intro) {
  return h('header', { class: 'page-head' },
    h('h1', { class: 'page-title', tabindex: '-1' }, title),
    intro ? h('p', { class: 'page-intro' }, intro) : null);
}

// A boxed message; errors are alerts, everything else a polite status.
export function notice(kind, text) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function loading() {
  return h('p', { class: 'state state-loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('common.loading'));
}

export function empty(text) {
  return h('p', { class: 'state state-empty' }, text || t('common.empty'));
}

export function section(title, ...children) {
  const id = uid('sec');
  return h('section', { class: 'panel', 'aria-labelledby': id },
    h('h2', { class: 'panel-title', id }, title), ...children);
}

// kind: primary | secondary | danger | quiet
export function button(text, { kind = 'secondary', type = 'button', onClick, attrs = {} } = {}) {
  return h('button', { type, class: `btn btn-${kind}`, onclick: onClick, ...attrs }, text);
}

// A labelled control with a hint and an error slot. name is the API field the errors name.
// control: an element from input()/select(); returns the wrapper (control reachable as .control).
export function field({ label, control, hint, name, optional = false, wide = false }) {
  const id = control.id || uid('f');
  control.id = id;
  if (name && !control.name) control.name = name;
  const hintId = hint ? `${id}-hint` : null;
  const errId = `${id}-error`;
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  const wrap = h('div', { class: ['field', wide && 'field-wide'], dataset: name ? { field: name } : undefined },
    h('label', { for: id, class: 'field-label' }, label,
      optional ? h('span', { class: 'field-optional' }, t('common.optional')) : null),
    control,
    hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errId, hidden: true }));
  wrap.control = control;
  return wrap;
}

export function input(attrs = {}) {
  return h('input', { type: 'text', class: 'input', ...attrs });
}

// options: [{ value, label }]
export function select(options, attrs = {}) {
  return h('select', { class: 'input', ...attrs },
    options.map((o) => h('option', { value: o.value }, o.label)));
}

// A form with a form-level error slot first; submit handler gets the event's form.
export function form(attrs, ...children) {
  const f = h('form', { class: 'form', novalidate: true, ...attrs },
    h('div', { class: 'form-error notice notice-error', role: 'alert', hidden: true }), ...children);
  return f;
}

export function clearErrors(f) {
  const top = f.querySelector('.form-error');
  if (top) { top.hidden = true; top.textContent = ''; }
  for (const e of f.querySelectorAll('.field-error')) { e.hidden = true; e.textContent = ''; }
  for (const c of f.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
}

// Shows text under the field named name (or at the top of the form) and focuses that control.
export function showError(f, text, name) {
  let slot = null;
  let control = null;
  let wrap = null;
  if (name) {
    for (const w of f.querySelectorAll('[data-field]')) {
      if (w.dataset.field === name && !w.hidden) {
        slot = w.querySelector('.field-error');
        control = w.querySelector('input, select, textarea');
        wrap = w;
      }
    }
  }
  if (!slot) slot = f.querySelector('.form-error');
  slot.textContent = text;
  slot.hidden = false;
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.focus();
    // once the field is changed the complaint about it is stale: it goes, until the next submit.
    // Any control of the field counts (a star other than the first, a radio, a checkbox), so the
    // field's wrapper listens, for typing and for picking alike.
    const fieldSlot = slot;
    const stale = () => {
      fieldSlot.hidden = true;
      fieldSlot.textContent = '';
      control.removeAttribute('aria-invalid');
      wrap.removeEventListener('input', stale);
      wrap.removeEventListener('change', stale);
    };
    wrap.addEventListener('input', stale);
    wrap.addEventListener('change', stale);
  }
}

// An API error shown in form f, next to the field the server named.
export function showApiError(f, err) {
  showError(f, errorText(err), err && err.field);
}

// Runs fn with f's submit buttons disabled; the form is aria-busy meanwhile.
export async function busy(f, fn) {
  const buttons = [...f.querySelectorAll('button')];
  buttons.forEach((b) => { b.disabled = true; });
  f.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    f.removeAttribute('aria-busy');
  }
}

// columns: [{ label, cell(row) → node|string, class }]. On a phone the rows become cards, each
// cell labelled by its column (data-label, drawn by the stylesheet).
export function table({ caption, columns, rows, rowAttrs }) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data' },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h('tbody', null, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : null,
        columns.map((c) => h('td', { class: c.class, 'data-label': c.label },
          h('div', { class: 'cell' }, c.cell(r)))))))));
}

// "第 2 / 5 页，共 83 条" with previous/next; onPage(n) loads page n.
export function pager({ page, perPage, total, onPage }) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return h('nav', { class: 'pager', 'aria-label': t('common.pager_label') },
    button(t('common.prev'), { onClick: () => onPage(page - 1), attrs: { disabled: page <= 1, class: 'btn btn-secondary pager-prev' } }),
    h('span', { class: 'pager-info' }, t('common.page_info', { page, pages, total })),
    button(t('common.next'), { onClick: () => onPage(page + 1), attrs: { disabled: page >= pages, class: 'btn btn-secondary pager-next' } }));
}

// The 中文 / English switch; onChange(lang) after a click on the other language.
export function langToggle(onChange) {
  const names = { 'zh-CN': 'zh', en: 'en' };
  return h('div', { class: 'lang', role: 'group', 'aria-label': t('lang.label') },
    LANGS.map((l) => h('button', {
      type: 'button',
      class: 'lang-btn',
      lang: l,
      'aria-pressed': String(getLang() === l),
      onclick: () => { if (getLang() !== l) onChange(l); },
    }, t(`lang.${names[l]}`))));
}

// A slot for a page's own messages (success, failure of a row action); polite live region.
export function messages() {
  const el = h('div', { class: 'messages', 'aria-live': 'polite' });
  el.show = (kind, text) => fill(el, notice(kind, text));
  el.clear = () => fill(el);
  return el;
}

// A note for beside the button that saved ("已保存"): where the user is looking, not at the top of
// a long page. Put it in the form's actions; show(text) says it, clear() takes it away.
export function besideNote() {
  const el = h('span', { class: 'beside-note', role: 'status', 'aria-live': 'polite' });
  el.show = (text) => { el.textContent = text; };
  el.clear = () => { el.textContent = ''; };
  return el;
}

// A small status pill.
export function badge(text, kind = 'neutral') {
  return h('span', { class: `badge badge-${kind}` }, text);
}
