// keep-forms.js — what was typed survives a change of language. The page is drawn again in the
// other language (its forms anew, often after their data arrive); the values typed into its forms
// are taken before and given back to the same fields once they appear. Passwords are not kept.

const TEXTUAL = new Set(['text', 'tel', 'number', 'date', 'time', 'datetime-local', 'email', 'search', 'url', 'month']);

// The fields of root's forms that differ from how they were drawn: [{ form, name, value | checked }].
export function takeForms(root) {
  const kept = [];
  for (const f of root.querySelectorAll('form')) {
    for (const c of f.querySelectorAll('input[name], textarea[name], select[name]')) {
      const entry = { form: f.className, name: c.name };
      if (c.tagName === 'INPUT' && (c.type === 'radio' || c.type === 'checkbox')) {
        if (c.checked !== c.defaultChecked) kept.push({ ...entry, value: c.value, checked: c.checked });
      } else if (c.tagName === 'SELECT') {
        const drawn = [...c.options].find((o) => o.defaultSelected);
        if (c.value !== (drawn ? drawn.value : c.options[0] && c.options[0].value)) kept.push({ ...entry, value: c.value });
      } else if (c.tagName === 'TEXTAREA' || TEXTUAL.has(c.type)) {
        if (c.value !== c.defaultValue) kept.push({ ...entry, value: c.value });
      }
    }
  }
  return kept;
}

// Gives kept values back to root's forms as their fields appear, for a few seconds.
export function giveForms(root, kept) {
  if (!kept.length) return;
  let left = kept.slice();
  const apply = () => {
    left = left.filter((k) => {
      const f = [...root.querySelectorAll('form')].find((x) => x.className === k.form);
      if (!f) return true;
      const controls = [...f.querySelectorAll('[name]')].filter((c) => c.name === k.name);
      const c = k.checked === undefined ? controls[0] : controls.find((x) => x.value === k.value);
      if (!c) return true;
      if (k.checked !== undefined) c.checked = k.checked;
      else c.value = k.value;
      c.dispatchEvent(new Event(c.tagName === 'SELECT' || k.checked !== undefined ? 'change' : 'input', { bubbles: true }));
      return false;
    });
    if (!left.length) stop();
  };
  const watch = new MutationObserver(apply);
  const timer = setTimeout(() => stop(), 5000);
  function stop() {
    watch.disconnect();
    clearTimeout(timer);
    window.removeEventListener('hashchange', stop);
  }
  window.addEventListener('hashchange', stop);
  watch.observe(root, { childList: true, subtree: true });
  apply();
}
