// A tiny i18n helper: a page keeps its own table {lang: {key: text}}; missing keys fall back to
// English, then to the key itself, so a half-translated language still works.

const RTL = new Set(['ar', 'fa', 'he', 'ur']);

export function translator(table, lang, fallback = 'en') {
  const primary = table[lang] || {};
  const second = table[fallback] || {};
  return (key, vars = {}) => {
    const text = primary[key] ?? second[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
  };
}

/** Which language of the table a string actually came from (for its lang attribute). */
export function sourceLang(table, lang, key, fallback = 'en') {
  return table[lang] && key in table[lang] ? lang : fallback;
}

/** Set lang (fonts, screen-reader voice) and direction on an element. */
export function setLang(node, lang) {
  node.lang = lang;
  node.dir = RTL.has(lang) ? 'rtl' : 'ltr';
  return node;
}

/** Apply a table to every element with data-i18n="key" (text) under root. */
export function applyStrings(root, table, lang) {
  const t = translator(table, lang);
  for (const node of root.querySelectorAll('[data-i18n]')) {
    node.textContent = t(node.dataset.i18n);
    setLang(node, sourceLang(table, lang, node.dataset.i18n));
  }
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  }
  return t;
}
