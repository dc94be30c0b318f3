// Small SVG charts drawn in the page (no library, nothing loaded from elsewhere). Every label goes in
// through textContent; each chart is a <figure> whose <svg role="img"> has a spoken summary, and the
// figures are also listed as text in a <table> for screen readers and for copying.

import {el} from '/static/common/dom.js';

const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#0b5cad', '#1d6b2f', '#8a4b00', '#a0191e', '#5b3a99', '#00707a', '#7a6a00', '#444'];

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

export function colorFor(index) {
  return COLORS[index % COLORS.length];
}

/** Horizontal bars: [{label, value, lang?}] → figure. `format(value)` writes the figures. */
export function barChart(title, rows, {format = String, max = null} = {}) {
  const width = 420, bar = 22, gap = 8, labelWidth = 130;
  const top = Math.max(max ?? 0, ...rows.map((r) => r.value), 1e-9);
  const height = Math.max(1, rows.length) * (bar + gap) + gap;
  const chart = svg('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${rows.map((r) => `${r.label} ${format(r.value)}`).join('、') || 'データなし'}`});
  rows.forEach((row, i) => {
    const y = gap + i * (bar + gap);
    const w = Math.max(1, (width - labelWidth - 70) * (row.value / top));
    chart.append(svg('text', {x: labelWidth - 6, y: y + bar * 0.7, 'text-anchor': 'end', class: 'label', ...(row.lang ? {lang: row.lang} : {})}, row.label));
    chart.append(svg('rect', {x: labelWidth, y, width: w, height: bar, rx: 3, fill: colorFor(i)}));
    chart.append(svg('text', {x: labelWidth + w + 6, y: y + bar * 0.7, class: 'value'}, format(row.value)));
  });
  return figure(title, chart, rows.map((r) => [r.label, format(r.value)]));
}

/** Stacked columns by day: days [{day, parts: {key: n}}], keys in order, names(key) → label. */
export function stackedColumns(title, days, keys, names) {
  const width = 460, height = 220, left = 32, bottom = 36;
  const total = (d) => keys.reduce((sum, k) => sum + (d.parts[k] || 0), 0);
  const top = Math.max(1, ...days.map(total));
  const step = (width - left) / Math.max(1, days.length);
  const chart = svg('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `${title}: ${days.map((d) => `${d.day} ${total(d)}件`).join('、') || 'データなし'}`});
  chart.append(svg('line', {x1: left, y1: height - bottom, x2: width, y2: height - bottom, stroke: '#999'}));
  chart.append(svg('text', {x: left - 4, y: 12, 'text-anchor': 'end', class: 'value'}, String(top)));
  days.forEach((d, i) => {
    let y = height - bottom;
    keys.forEach((k, j) => {
      const h = ((d.parts[k] || 0) / top) * (height - bottom - 16);
      if (!h) return;
      y -= h;
      chart.append(svg('rect', {x: left + i * step + step * 0.15, y, width: step * 0.7, height: h, fill: colorFor(j)},
      ));
    });
    chart.append(svg('text', {x: left + i * step + step / 2, y: height - bottom + 16, 'text-anchor': 'middle', class: 'label'}, d.day.slice(5)));
  });
  const legend = el('ul', {class: 'legend'}, keys.map((k, j) => el('li', {}, el('span', {class: 'swatch', dataset: {color: String(j)}}), names(k))));
  for (const swatch of legend.querySelectorAll('.swatch')) swatch.style.background = colorFor(Number(swatch.dataset.color));
  const fig = figure(title, chart, days.map((d) => [d.day, keys.map((k) => `${names(k)} ${d.parts[k] || 0}`).join('、')]));
  fig.insertBefore(legend, fig.querySelector('table'));
  return fig;
}

function figure(title, chart, rows) {
  const table = el('table', {class: 'visually-hidden'},
    el('caption', {text: title}), el('tbody', {}, rows.map(([a, b]) => el('tr', {}, el('th', {scope: 'row', text: a}), el('td', {text: b})))));
  return el('figure', {class: 'chart'}, el('figcaption', {text: title}), chart, table);
}
