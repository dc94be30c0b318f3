// Starting a session: the resident's language from large buttons that name each language in its own
// script, with what is installed for it (speech, text only, phrasebook only, nothing), or 自動; the
// mode 翻訳 / やさしい日本語; the counter name (remembered on this device).

import {el} from '/static/common/dom.js';
import {japaneseName} from '/static/counter/notices.js';

export function capability(lang) {
  const mt = lang.mt_from_ja && lang.mt_to_ja;
  if (mt && lang.tts && lang.asr) return {label: '音声・翻訳', level: 'full'};
  if (mt) return {label: lang.tts ? '翻訳（音声認識なし）' : '文字のみ（音声なし）', level: 'text'};
  if (lang.mt_to_ja || lang.mt_from_ja) return {label: lang.mt_to_ja ? '翻訳は住民→職員のみ' : '翻訳は職員→住民のみ', level: 'text'};
  if (lang.phrasebook > 0) return {label: '定型文のみ', level: 'phrasebook'};
  return {label: '未導入（通訳者へ）', level: 'none'};
}

export function renderLanguageButtons(container, languages, onPick) {
  const buttons = [];
  const pick = (button, code) => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b === button));
    onPick(code);
  };
  const auto = el('button', {type: 'button', class: 'lang auto', dataset: {lang: 'auto'}, attrs: {'aria-pressed': 'true'}},
    el('span', {class: 'native', text: '自動'}), el('span', {class: 'sub', text: '住民が選ぶか、話した言葉で判定'}));
  auto.addEventListener('click', () => pick(auto, 'auto'));
  buttons.push(auto);
  for (const lang of languages.filter((l) => l.code !== 'ja')) {
    const cap = capability(lang);
    const button = el('button', {type: 'button', class: `lang cap-${cap.level}`, dataset: {lang: lang.code},
      attrs: {'aria-pressed': 'false', 'aria-label': `${lang.name}（${japaneseName(lang.code)}・${cap.label}）`}},
    el('span', {class: 'native', lang: lang.code, text: lang.name}),
    el('span', {class: 'sub', text: `${japaneseName(lang.code)}・${cap.label}`}));
    button.addEventListener('click', () => pick(button, lang.code));
    buttons.push(button);
  }
  container.replaceChildren(...buttons);
}
