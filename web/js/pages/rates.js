// pages/rates.js — #/training/rates (training.report): a quarter's training pass rate, overall and
// per course, against the association's target (98% by default): "97.5% (39/40)", and a clear mark
// where it falls short. The association may look at one company.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { pageHead, loading, empty, table, notice, field, select, section, badge } from '../ui.js';
import { fmtRate, meetsTarget, quarterOf, today } from '../workforce.js';
import { percentNumber } from '../percent.js';

export function render(slot, ctx) {
  const assoc = Boolean(ctx.me.org && ctx.me.org.kind === 'association');
  const now = today();
  const quarters = Array.from({ length: 8 }, (_, i) => quarterOf(now, -i));
  const qSel = select(quarters.map((q) => ({ value: q, label: q })), { name: 'quarter' });
  const cSel = assoc ? select([{ value: '', label: t('rates.industry') }], { name: 'company_id' }) : null;
  if (cSel) listAll('/api/orgs', { kind: 'company' }).then((cs) => cSel.append(...cs.map((c) => h('option', { value: c.id }, c.name)))).catch(() => {});
  const out = h('div', { class: 'rates-out' }, loading());
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('rates.quarter'), control: qSel }),
    cSel ? field({ label: t('rates.company'), control: cSel }) : null,
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => { e.preventDefault(); load(); });

  const mark = (ok) => (ok
    ? badge(t('rates.meets'), 'ok')
    : h('span', { class: 'badge badge-danger below-target' }, h('span', { 'aria-hidden': 'true' }, '▼ '), t('rates.below')));

  async function load() {
    fill(out, loading());
    try {
      const r = await api('GET', '/api/training/pass-rates', { query: { quarter: qSel.value, company_id: cSel ? cSel.value : '' } });
      if (!ctx.current()) return;
      const target = r.target || { num: 98, den: 100 };
      const o = r.overall || { examined: 0, passed: 0 };
      const overallOk = meetsTarget(o.passed, o.examined, target);
      const overall = h('div', { class: ['rate-overall', o.examined && !overallOk ? 'rate-below' : null], dataset: { meets: String(overallOk) } },
        h('p', { class: 'rate-label' }, t('rates.overall', { quarter: r.quarter || qSel.value })),
        h('p', { class: 'rate-value' }, fmtRate(o.passed, o.examined)),
        h('p', { class: 'rate-target' }, t('rates.target', { pct: percentNumber(target.num, target.den) ?? '98.0' }), ' ', o.examined ? mark(overallOk) : null));
      const courses = r.courses || [];
      fill(out, overall, courses.length ? table({
        caption: t('rates.per_course'),
        columns: [
          { label: t('courses.code'), class: 'mono nowrap', cell: (c) => c.course.code },
          { label: t('courses.title'), cell: (c) => c.course.title },
          { label: t('rates.examined'), class: 'num', cell: (c) => String(c.examined) },
          { label: t('rates.passed'), class: 'num', cell: (c) => String(c.passed) },
          { label: t('rates.rate'), class: 'nowrap rate-cell', cell: (c) => fmtRate(c.passed, c.examined) },
          { label: t('rates.versus_target'), cell: (c) => (c.examined ? mark(c.meets_target ?? meetsTarget(c.passed, c.examined, target)) : t('common.none')) },
        ],
        rows: courses,
        rowAttrs: (c) => ({ class: c.examined && !(c.meets_target ?? meetsTarget(c.passed, c.examined, target)) ? 'row-below' : null, dataset: { course: c.course.code } }),
      }) : empty(t('rates.empty')));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(out, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-rates' },
    h('p', { class: 'back' }, h('a', { href: '#/training' }, t('tsessions.back'))),
    pageHead(t('nav.rates'), t('rates.intro')),
    filters, section(t('rates.title'), out)));
  load();
}
