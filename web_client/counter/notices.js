// What the clerk is told, in plain Japanese: escalation states, engine trouble (what does not work
// and what to do), and what is missing at start (from `welcome`). Never the engine's own message.

/** The escalation line; `canceller` (clerk, resident or unknown) says who withdrew a call;
 * `phrasesOnly`: no translation model for the resident's language (the AI translates fixed phrases only);
 * `direction` (MtCoverage.direction): with a model one way only, which side's words are translated. */
export function escalationText(m, canceller, phrasesOnly = false, direction = 'none') {
  const ai = phrasesOnly ? (ONE_WAY_SHORT[direction] || '翻訳されるのは定型文だけです。') : null;
  switch (m.state) {
    case 'offered': return '翻訳の確かさが低いようです。通訳者を呼ぶことができます。';
    case 'queued': {
      const where = m.position ? `${m.position}番目` : '順番待ち';
      const eta = typeof m.eta_s === 'number' ? `、あと約${Math.max(1, Math.round(m.eta_s / 60))}分` : '';
      // a call the clerk did not make says who or what made it, or the clerk wonders who did: the relay
      // for a language it cannot translate, or after hearing the resident ask for one, or after too many
      // uncertain translations; the resident with the phone's button
      const why = {missing_mt: ONE_WAY_SHORT[direction] ? 'この言語は片方向しか翻訳できないため、自動で' : 'この言語は翻訳できないため、自動で', resident_button: '住民がスマートフォンで',
        asked_in_words: '住民が通訳を求めたため、自動で', low_confidence: '翻訳の確かさが低い状態が続いたため、自動で'}[m.reason] || '';
      if (m.covered === false) return `${why}${uncoveredText(m.lang, where)}`;
      // 0 s: an interpreter is free and their offer rings now (not a wait of about a minute)
      if (m.eta_s === 0) return `${why}通訳者を呼びました。通訳者につないでいます。そのままお待ちください。`;
      return `${why}通訳者を呼んでいます（${where}${eta}）。そのままお待ちください。`;
    }
    case 'connected': return '通訳者と接続しました。通訳者が会話に入ります。';
    case 'returned': return `通訳者が退出しました。${ai || 'AI翻訳に戻ります。'}`;
    case 'unavailable': return `今は対応できる通訳者がいません。${ai || 'AI翻訳を続けます。'}文字入力（筆談）も使えます。`;
    case 'cancelled': return {clerk: '通訳者の呼び出しを取り消しました。',
      resident: '住民がスマートフォンで通訳者の呼び出しを取り消しました。必要なら、もう一度「通訳者を呼ぶ」を押してください。'}[canceller]
      || '通訳者の呼び出しは取り消されました。';
    default: return '';
  }
}

/** Nobody signed in and not away declares the language (the relay's `covered: false`): waiting alone
 * would leave the clerk and the resident waiting for nobody, so the clerk is told, with what still works
 * (the call bar offers やさしい日本語 and 受付を終了 beside 呼び出しを取り消す; the call goes on waiting).
 * Short: the bar is above the conversation, and the input rows must stay on a tablet's screen. */
function uncoveredText(lang, where) {
  const who = lang && lang !== 'auto' ? `${japaneseName(lang)}の通訳者` : '通訳者';
  return `通訳者を呼んでいます（${where}）が、今は${who}がいません。`;
}

const LANG_JA = {en: '英語', zh: '中国語', ko: '韓国語', vi: 'ベトナム語', tl: 'タガログ語', pt: 'ポルトガル語', es: 'スペイン語',
  ne: 'ネパール語', id: 'インドネシア語', th: 'タイ語', my: 'ミャンマー語', ja: '日本語'};

export const japaneseName = (code) => LANG_JA[code] || code;

/** The resident's language as the clerk reads it: Japanese for the resident is やさしい日本語. */
export const languageName = (code, mode) => (code === 'ja' && mode === 'easy_japanese' ? 'やさしい日本語' : japaneseName(code));

/** A relay `error` or `notice` as {text, level} for the clerk, or null when it needs no words. */
export function troubleText(m) {
  if (m.type === 'notice') {
    switch (m.code) {
      case 'no_voice': return {text: `${japaneseName(m.lang)}の音声はありません。画面の文字を見せてください。`, level: 'info', key: `no_voice:${m.lang}`};
      case 'tts_failed': return {text: '音声を作れませんでした。画面の文字を見せてください。', level: 'warn', key: 'tts_failed'};
      case 'speech_skipped': return {text: '読み上げが会話に追いつかないため、古い文の読み上げを省きました。画面の文字を見てください。', level: 'info', key: 'speech_skipped'};
      case 'operator_disconnected': return {text: '通訳者の接続が切れました。戻るまでお待ちください。', level: 'warn', key: 'operator'};
      case 'operator_reconnected': return {text: '通訳者の接続が戻りました。', level: 'info', key: 'operator'};
      default: return null;
    }
  }
  switch (m.code) {
    case 'engine_unavailable': return {key: 'mt'}; // worded by the tablet, which knows the language
    case 'engine_failed':
      return {text: '翻訳または音声認識がうまく動きませんでした。もう一度話すか、文字で入力するか、通訳者を呼んでください。', level: 'bad', key: 'engine'};
    case 'store_unavailable':
      if (m.text) return {text: '一時的な障害で会話を記録できません。話した内容は認識した文として下に残しました。「文字で送る」を押せば、もう一度話さなくても送れます。', level: 'bad', key: 'store'};
      return {text: '一時的な障害で会話を記録できません。入力した文は残してあり、直りしだい自動で送ります。話した内容は、直ってからもう一度話してください。', level: 'bad', key: 'store'};
    case 'rate_limited': return {text: '入力が多すぎます。少し待ってから送ってください。', level: 'warn', key: 'rate'};
    case 'empty_text': return {text: '入力が空です。', level: 'info', key: 'empty'};
    case 'invalid_state': return {text: '今はその操作はできません。', level: 'info', key: 'state'};
    case 'not_escalated': return {text: '通訳者は呼ばれていません。', level: 'info', key: 'state'};
    case 'unsupported_language': return {text: 'その言語は使えません。', level: 'warn', key: 'lang'};
    default: return {text: `うまくいきませんでした（${m.code}）。もう一度お試しください。`, level: 'warn', key: m.code};
  }
}

/** No translation model for the resident's language (`name`, in Japanese): only the phrasebook's fixed
 * phrases translate — the list under the log, or the same sentence typed or said; anything else does not
 * reach the resident. Then the interpreter: to call, or (`calling`: queued or connected, as the relay does
 * by itself for such a language) already called — and coming, unless nobody at work covers the language
 * (`uncovered`: the call bar says so, and this notice must not promise one). `direction`
 * (MtCoverage.direction): a model one way only says which side's words are translated and which side's
 * are fixed phrases only. */
export function mtNotice(name, calling, uncovered = false, direction = 'none', easy = false) {
  if (easy) return easyNotice(name, calling, uncovered, direction);
  const called = uncovered ? `通訳者を呼んでいますが、今は${name}の通訳者がいません。定型文か、やさしい日本語で対応してください。`
    : '通訳者を呼んであるので、通訳者が対応します。';
  const next = calling ? called : '必要なら「通訳者を呼ぶ」を押してください。';
  const oneWay = ONE_WAY[direction];
  if (oneWay) return {text: `${name}の翻訳は片方向だけです。${oneWay}${next}`, level: 'warn', key: 'mt'};
  return {text: `${name}の翻訳は入っていません。翻訳されるのは定型文だけです（下の「定型文」から選ぶか、同じ文を入力・発話）。それ以外の文は住民に届きません。${next}`,
    level: 'bad', key: 'mt'};
}

/** The same in やさしい日本語 (the tablet starts such a language in it): one calm note of what reaches whom —
 * nothing is lost that the clerk could have done otherwise, so nothing red. */
function easyNotice(name, calling, uncovered, direction) {
  const resident = direction === 'to_ja' ? '住民の言葉は翻訳されます。' : '住民の言葉は、定型文と同じ文だけが日本語になります。';
  const call = !calling ? '難しい話は「通訳者を呼ぶ」で。' : uncovered ? `通訳者を呼んでいますが、今は${name}の通訳者がいません。` : '通訳者を呼んであるので、通訳者が対応します。';
  return {text: `${name}は機械翻訳が入っていないため、職員の言葉はやさしい日本語で伝えます。定型文（下から選ぶか、同じ文を入力・発話）は${name}で伝わります。${resident}${call}`,
    level: 'note', key: 'mt'};
}

const ONE_WAY_SHORT = {
  to_ja: '住民の言葉は翻訳されます。職員の言葉は定型文だけです。',
  from_ja: '職員の言葉は翻訳されます。住民の言葉は定型文だけです。',
};

const ONE_WAY = {
  to_ja: '住民の言葉は翻訳されます。職員の言葉は定型文だけです（下の「定型文」から選ぶか、同じ文を入力・発話）。それ以外の職員の言葉は住民に届きません。',
  from_ja: '職員の言葉は翻訳されます。住民の言葉は定型文と同じ文だけが日本語になり、それ以外は職員に届きません。',
};

/** What is missing at start, from welcome.engines. Translation is said once the resident's language is
 * known (Talk._mtState): which languages translate is per language, and 自動 has none yet. */
export function missingEngines(engines = {}) {
  const out = [];
  if (engines.asr && !engines.asr.ready) out.push({text: '音声認識が使えません（モデル未導入）。文字入力（筆談）を使ってください。', level: 'bad', key: 'asr'});
  if (engines.tts && !engines.tts.ready) out.push({text: '音声合成が使えません。画面の文字を見せてください。', level: 'warn', key: 'tts'});
  if (engines.easy_japanese && !engines.easy_japanese.ready) out.push({text: 'やさしい日本語の書き換えが使えません。', level: 'warn', key: 'easy'});
  return out;
}
