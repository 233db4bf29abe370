// A tiny DOM builder. Text always goes in as text nodes, never as HTML, so server data cannot inject markup.

/** h('div', { class: 'x', onclick }, 'text', child, [children]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A short local time. */
export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
export const dateTime = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/** An error as text, with its hint. */
export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error.message, error.hint ? h('span', { class: 'hint' }, `\nhint: ${error.hint}`) : null);
}

/** A progress bar; `state` is '', 'done' or 'failed'. */
export function bar(fraction, state = '') {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  const fillEl = h('span');
  // NOTE: set through CSSOM; the CSP (style-src 'self') refuses style attributes.
  fillEl.style.width = `${pct}%`;
  return h('div', { class: `bar ${state}`, role: 'progressbar', 'aria-valuenow': pct, 'aria-valuemin': 0, 'aria-valuemax': 100 }, fillEl);
}
