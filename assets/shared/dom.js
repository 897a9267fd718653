/*
 * raqib shared/dom.js: small DOM helpers for the console, the admin page and the reader
 * widget, and the page's localStorage (the console and the admin page only).
 *
 * Never HTML: every node is made with createElement/textContent and no `style` attribute is
 * set, so the pages work under a strict Content-Security-Policy and comment text can never
 * become markup. Nothing here runs when the module is imported.
 */

export function $(selector, root) { return (root || document).querySelector(selector); }
export function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

/** The element with data-raqib="name" (the stable hooks of the pages and the browser tests). */
export function hook(name) { return $('[data-raqib="' + name + '"]'); }

/**
 * createElement with attributes (never `style`, never HTML) and children (strings and numbers
 * become text). An attribute that is undefined, null or false is left out; true gives an empty
 * attribute; "text" sets textContent.
 */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (key) {
      const value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    });
  }
  append(node, children);
  return node;
}

/** Appends one child or an array of them (null, undefined and false are skipped). */
export function append(node, children) {
  if (children === undefined || children === null || children === false) return node;
  if (!Array.isArray(children)) children = [children];
  children.forEach(function (child) {
    if (child === undefined || child === null || child === false) return;
    node.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  });
  return node;
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

/**
 * Replaces the options of a <select> with [value, label] pairs and selects `value`, or the
 * first option when `value` is not one of them.
 */
export function fill(select, options, value) {
  clear(select);
  options.forEach(function (o) { select.appendChild(el('option', { value: o[0], text: o[1] })); });
  const values = options.map(function (o) { return o[0]; });
  select.value = values.indexOf(value) >= 0 ? value : (values.length ? values[0] : '');
}

/** A <select> with [value, label] options. */
export function selectEl(attrs, options, value) {
  const select = el('select', attrs);
  fill(select, options, value);
  return select;
}

export function checkbox(attrs, checked) {
  const input = el('input', Object.assign({ type: 'checkbox' }, attrs));
  input.checked = !!checked;
  return input;
}

/** This browser's localStorage, or nothing (private mode): values are strings; null removes. */
export const store = {
  get: function (key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
  set: function (key, value) {
    try {
      if (value === null || value === undefined) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* private mode: keep it in memory only */ }
  },
};
