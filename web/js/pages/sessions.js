// pages/sessions.js — #/sessions: where this account is signed in, and ending any of it.
// Ending the current session signs this tab out.
import { h, fill } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, table, messages, notice, button, badge } from '../ui.js';

// "Mozilla/5.0 (X11; Linux x86_64) … Chrome/156.0.0.0 Safari/537.36" → "Chrome 156 · Linux".
export function shortAgent(ua) {
  if (!ua) return '';
  const browsers = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'], [/OPR\/(\d+)/, 'Opera'], [/Firefox\/(\d+)/, 'Firefox'],
    [/HeadlessChrome\/(\d+)/, 'Headless Chrome'], [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[\d.]* .*Safari\//, 'Safari'],
  ];
  const systems = [
    [/Windows NT/, 'Windows'], [/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'],
    [/Mac OS X|Macintosh/, 'macOS'], [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux'],
  ];
  let name = '';
  for (const [re, n] of browsers) {
    const m = re.exec(ua);
    if (m) { name = `${n} ${m[1]}`; break; }
  }
  const os = systems.find(([re]) => re.test(ua));
  if (name) return os ? `${name} · ${os[1]}` : name;
  const first = ua.split(/[\s(]/)[0].replace('/', ' ');   // "curl/8.1" → "curl 8.1"
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}

export function render(slot, ctx) {
  const msg = messages();
  const list = h('div', { class: 'list' }, loading());
  fill(slot, h('section', { class: 'page page-sessions' },
    pageHead(t('nav.sessions'), t('sessions.intro')), msg, list));

  async function end(s) {
    try {
      await api('DELETE', `/api/sessions/${s.id}`);
      if (s.current) { ctx.signedOut(t('sessions.ended_current')); return; }
      msg.show('success', t('sessions.ended'));
      load();
    } catch (err) {
      if (err.status !== 401) msg.show('error', errorText(err));
    }
  }

  async function load() {
    try {
      const r = await api('GET', '/api/sessions');
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t('sessions.empty'))); return; }
      fill(list, table({
        caption: t('nav.sessions'),
        rowAttrs: (s) => ({ class: s.current ? 'row-current' : null, dataset: { session: s.id } }),
        columns: [
          { label: t('sessions.device'), cell: (s) => h('span', { title: s.user_agent || '' },
            shortAgent(s.user_agent) || t('sessions.unknown_device'),
            s.current ? [' ', badge(t('sessions.current'), 'brand')] : null) },
          { label: t('sessions.peer'), cell: (s) => s.peer || t('common.none'), class: 'mono' },
          { label: t('sessions.created'), cell: (s) => h('time', { datetime: s.created_at }, fmtTime(s.created_at)) },
          { label: t('sessions.last_seen'), cell: (s) => h('time', { datetime: s.last_seen_at }, fmtTime(s.last_seen_at)) },
          { label: t('sessions.expires'), cell: (s) => h('time', { datetime: s.expires_at }, fmtTime(s.expires_at)) },
          { label: t('common.actions'), class: 'actions', cell: (s) => button(s.current ? t('sessions.end_current') : t('sessions.end'), {
            kind: 'danger',
            onClick: () => end(s),
            attrs: { 'aria-label': t('sessions.end_label', { device: shortAgent(s.user_agent) || t('sessions.unknown_device'), time: fmtTime(s.created_at) }) },
          }) },
        ],
        rows: r.items,
      }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }
  load();
}
