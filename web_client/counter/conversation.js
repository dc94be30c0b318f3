// The conversation as two columns of bubbles (clerk | resident), built from relay messages.
// One bubble per utterance_id: a partial line while someone speaks, replaced by the final transcript;
// the translation the listener got; under a clerk bubble the back-translation in small type; phrasebook,
// やさしい日本語 and interpreter lines marked; an interpreter's correction strikes the AI text through.
// The operator console can reuse it (import from /static/counter/conversation.js).

import {el, keepTheLatestInView, rubyText, setText} from '/static/common/dom.js';

const WHO = {clerk: '職員', resident: '住民', operator: '通訳者'};
const NOT_UNDERSTOOD = '聞き取れませんでした。もう一度話すか、入力してください。';
const KIND = {translation: '翻訳', phrasebook: '定型文', easy_japanese: 'やさしい日本語', operator: '通訳者', back_translation: '逆翻訳'};

export class ConversationView {
  constructor(list, {furigana = true, wakachi = false, languageName = (code) => code} = {}) {
    this.list = list;
    this.display = {furigana, wakachi};
    this.languageName = languageName;
    this.bubbles = new Map(); // utterance_id → {li, said, lines: Map(kind → element), speaker}
    keepTheLatestInView(list.parentElement, list);
  }

  clear() {
    this.list.replaceChildren();
    this.bubbles.clear();
  }

  /** Apply one relay message; returns the bubble it changed (or null). */
  apply(message) {
    switch (message.type) {
      case 'partial': return this._partial(message);
      case 'transcript': return this._transcript(message);
      case 'translation': return this._translation(message);
      default: return null;
    }
  }

  /** The relay could not translate this sentence: say on its bubble that the other side never got it
   * (until a translation of it comes after all, from an interpreter say). */
  untranslated(utteranceId) {
    const bubble = this.bubbles.get(utteranceId);
    if (!bubble || bubble.untranslated) return;
    const text = bubble.speaker === 'clerk' ? '⚠ 翻訳できず、住民の方には届いていません' : '⚠ 日本語に翻訳できませんでした';
    bubble.untranslated = el('p', {class: 'untranslated', text});
    bubble.li.append(bubble.untranslated);
    this._scroll();
  }

  /** What this tablet's microphone picked up gave no text the relay would pass on (too unclear, or the
   * microphone stopped first): its line stays, greyed, asking to say it again or type it, instead of
   * vanishing without a word. */
  notUnderstood(utteranceId) {
    const bubble = this.bubbles.get(utteranceId);
    if (!bubble || !bubble.li.classList.contains('partial')) return null;
    bubble.li.classList.replace('partial', 'unheard');
    bubble.said.lang = 'ja';
    setText(bubble.said, NOT_UNDERSTOOD);
    return bubble;
  }

  /** Furigana and 分かち書き (spaces between phrases) for やさしい日本語, on or off. */
  setDisplay(changes) {
    Object.assign(this.display, changes);
    for (const bubble of this.bubbles.values()) {
      for (const line of bubble.lines.values()) if (line.rich) this._fillText(line.text, line.message);
    }
  }

  _bubble(utteranceId, speaker) {
    let bubble = this.bubbles.get(utteranceId);
    if (bubble) return bubble;
    const who = el('p', {class: 'who', text: WHO[speaker] || speaker});
    const said = el('p', {class: 'said'});
    const li = el('li', {class: `bubble ${speaker}`, dataset: {utterance: utteranceId, speaker}}, who, said);
    bubble = {li, said, who, lines: new Map(), speaker};
    this.bubbles.set(utteranceId, bubble);
    this.list.append(li);
    this._scroll();
    return bubble;
  }

  _partial(m) {
    if (!m.text) { // the relay dropped what it heard (not speech): remove the pending line
      const bubble = this.bubbles.get(m.utterance_id);
      if (bubble && bubble.li.classList.contains('partial')) { bubble.li.remove(); this.bubbles.delete(m.utterance_id); }
      return null;
    }
    const bubble = this._bubble(m.utterance_id, m.speaker);
    if (!bubble.li.classList.contains('partial') && bubble.final) return bubble; // the final came first
    bubble.li.classList.add('partial');
    // who speaks was told from the language heard so far, which the first syllables can get wrong (the
    // clerk's Japanese taken for Vietnamese): no name and no side until the transcript says who it was
    bubble.li.classList.toggle('guessed', Boolean(m.speaker_guessed));
    setText(bubble.who, m.speaker_guessed ? '' : WHO[m.speaker] || m.speaker);
    bubble.said.lang = m.lang;
    setText(bubble.said, m.text + ' …');
    return bubble;
  }

  _transcript(m) {
    const bubble = this._bubble(m.utterance_id, m.speaker);
    bubble.li.className = `bubble ${m.speaker}`;
    bubble.li.dataset.speaker = bubble.speaker = m.speaker; // who it was, whoever a partial guessed
    bubble.final = true;
    setText(bubble.who, WHO[m.speaker] || m.speaker);
    bubble.said.lang = m.lang;
    setText(bubble.said, m.text);
    if (m.speaker === 'resident' && m.lang !== 'ja') bubble.who.append(el('span', {class: 'lang-tag', text: ` ${this.languageName(m.lang)}`}));
    if (typeof m.confidence === 'number' && m.confidence < 0.5) bubble.li.classList.add('unsure');
    this._scroll();
    return bubble;
  }

  _translation(m) {
    const bubble = this.bubbles.get(m.utterance_id) || this._bubble(m.utterance_id, m.lang === 'ja' ? 'resident' : 'clerk');
    if (m.kind === 'back_translation') {
      this._line(bubble, 'back', m, `${KIND.back_translation}：`);
      return bubble;
    }
    if (bubble.speaker === 'operator' && m.kind === 'operator' && !m.replaces) return bubble; // its own words
    if (bubble.untranslated && m.kind !== 'back_translation') { bubble.untranslated.remove(); bubble.untranslated = null; }
    const key = `main:${m.lang}`;
    const old = bubble.lines.get(key);
    if (m.replaces && old) {
      old.element.classList.add('replaced');
      old.element.setAttribute('aria-label', 'AIの翻訳（通訳者が訂正）');
      bubble.lines.delete(key);
      this._line(bubble, key, m, '通訳者の訂正：').element.classList.add('correction');
      bubble.li.classList.add('corrected');
      return bubble;
    }
    const tag = m.kind === 'translation' ? `→ ${this.languageName(m.lang)}：` : `${KIND[m.kind] || m.kind}：`;
    const line = this._line(bubble, key, m, tag);
    line.element.classList.add(`kind-${m.kind}`);
    if (m.kind === 'phrasebook' || m.kind === 'operator') bubble.li.classList.add(`has-${m.kind}`);
    if (m.confidence < 0.5 && m.kind === 'translation') line.element.classList.add('unsure');
    return bubble;
  }

  _line(bubble, key, message, label) {
    let line = bubble.lines.get(key);
    if (!line) {
      const text = el('span', {class: 'text'});
      const element = el('p', {class: key === 'back' ? 'back' : 'translated'}, el('span', {class: 'tag', text: label}), text);
      line = {element, text};
      bubble.lines.set(key, line);
      if (key === 'back') bubble.li.append(element);
      else bubble.li.insertBefore(element, bubble.lines.get('back')?.element || null);
    }
    line.message = message;
    line.rich = Boolean((message.ruby && message.ruby.length) || (message.phrases && message.phrases.length));
    this._fillText(line.text, message);
    this._scroll();
    return line;
  }

  _fillText(node, message) {
    node.lang = message.lang;
    const {furigana, wakachi} = this.display;
    // やさしい日本語 always through rubyText: 分かち書き off must drop the spaces the text brings too
    node.replaceChildren(message.ruby || message.phrases || message.kind === 'easy_japanese'
      ? rubyText(message.text, message.ruby, {furigana, phrases: wakachi ? message.phrases : null, spaces: wakachi})
      : message.text);
  }

  _scroll() {
    const log = this.list.parentElement;
    if (log) log.scrollTop = log.scrollHeight;
  }
}
