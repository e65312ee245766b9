// pages/no-shows.js — #/no-shows (the 24-hour service centre, the association): the households a
// company recorded as not at home, whose customer disputed it or did not answer in time
// (GET /api/no-shows), the oldest first. The agent calls the household, then records the finding
// on the card (POST /api/bookings/{id}/no-show/check): upheld, the service took place, or the
// worker did not come.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, pager, messages, badge } from '../ui.js';
import { fmtAt, catName, standards } from '../services.js';
import { noShowCheckForm } from '../booking-actions.js';

const PER_PAGE = 20;

export function render(slot, ctx) {
  const state = { page: 1 };
  const msg = messages();
  const list = h('div', { class: 'list no-shows-list' }, loading());
  const intro = h('p', { class: 'page-intro' });
  fill(slot, h('section', { class: 'page page-no-shows' }, pageHead(t('no_show.queue')), intro, msg, list));
  standards().then((std) => { if (ctx.current()) fill(intro, t('no_show.queue_intro', { hours: std.no_show_answer_hours ?? 72 })); })
    .catch(() => { /* the list stands without it */ });

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/no-shows', { query: { page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) return fill(list, empty(t('no_show.queue_empty')));
      fill(list, ...r.items.map(card), pager({ page: state.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401) fill(list, h('p', { class: 'notice notice-error' }, errorText(err)));
    }
  }

  function card(x) {
    return h('article', { class: 'card no-show-card', dataset: { booking: x.id } },
      h('h3', null, h('a', { href: `#/bookings/${x.id}` }, `#${x.id}`), ' ', catName(x.category), ' · ', x.item_title, ' ',
        badge(t(`no_show.state_${x.state}`), 'warn')),
      h('p', null, x.company_name, ' · ', fmtAt(x.start)),
      h('p', { class: 'muted' }, t('no_show.marked', { at: fmtAt(x.no_show_at), reason: x.reason || '' })),
      h('p', null, x.answer ? t('no_show.customer_says', { text: `${t(`no_show.answer_${x.answer}`)} · ${x.answer_reason || ''}` }) : t('no_show.unanswered')),
      noShowCheckForm(x, { onDone: (b, text) => { msg.show('success', text); load(); } }));
  }

  load();
}
