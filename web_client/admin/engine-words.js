// The engines' details from /healthz, in Japanese for the dashboard. The relay reports them in English
// (its log and IT's monitoring read the same words); the phrasings the engines use are put into Japanese
// here, with model names, folders, language codes and commands kept exactly as they are (IT copies them).
// A detail not listed here is shown as it came, so a new engine message is never hidden.

export const ENGINE_NAMES = {asr: '音声認識', mt: '翻訳', tts: '音声合成', easy_japanese: 'やさしい日本語'};

const WHOLE = [
  [/^whisper '([^']+)' (\S+) on (\S+), (\d+) decodes at once(?:, (\d+) thread\(s\) each)?$/,
    (model, type, device, slots, threads) => `Whisper「${model}」（${type}、${device}）、同時に${slots}件を認識${threads ? `（各${threads}スレッド）` : ''}`],
  [/^no Whisper model '([^']+)' in (.+?) — install one with (`[^`]+`) \(or (`[^`]+`) where a network exists\)$/,
    (model, dir, install, fetch) => `Whisper のモデル「${model}」が ${dir} にありません。${install} で導入してください（ネットワークがあれば ${fetch}）。`],
  [/^Whisper model '([^']+)' in (.+?) is incomplete: missing (.+)$/,
    (model, dir, files) => `Whisper のモデル「${model}」（${dir}）はファイルが足りません: ${files}`],
  [/^Whisper model '([^']+)' in (.+?) could not be loaded: (.+)$/,
    (model, dir, error) => `Whisper のモデル「${model}」（${dir}）を読み込めません: ${error}`],
  [/^phrasebook only: until an Argos translation package is installed, only the phrasebook's fixed phrases are translated \(none under (.+?)(?:; unusable: (.+))?\); install one with (`[^`]+`)$/,
    (dir, unusable, install) => `定型文のみ: Argos の翻訳パッケージを導入するまで、翻訳されるのは定型文だけです（${dir} にパッケージがありません${unusable ? `。使えないもの: ${unusable}` : ''}）。${install} で導入してください。`],
  [/^no piper voice installed under (.+?); install one with (`[^`]+`) \(or (`[^`]+`) where a network exists\), and Japanese speech with (`[^`]+`)$/,
    (dir, install, fetch, kokoro) => `Piper の音声が ${dir} にありません。${install} で導入してください（ネットワークがあれば ${fetch}）。日本語の音声は ${kokoro}。`],
  [/^(\d+) Argos package\(s\); pivot via (\S+)$/, (count, pivot) => `Argos の翻訳パッケージ ${count} 個（直接の組がない言語は ${pivot} を経由）`],
  [/^LibreTranslate \((\d+) pairs\): (.+)$/, (count, rest) => `LibreTranslate（言語の組 ${count} 個）: ${rest}`],
  [/^LibreTranslate: no language pair known \((.+)\)$/, (rest) => `LibreTranslate: 言語の組が一つも分かりません（${rest}）`],
  [/^Wyoming ASR: (.+)$/, (rest) => `Wyoming 音声認識サーバー: ${rest}`],
  [/^Wyoming TTS: (.+)$/, (rest) => `Wyoming 音声合成サーバー: ${rest}`],
  [/^no Argos package installed$/, () => 'Argos の翻訳パッケージが導入されていません'],
  [/^piper voices: (.+)$/, (voices) => `Piper の音声: ${voices}`],
  [/^no piper voice loaded$/, () => 'Piper の音声は読み込まれていません'],
  [/^voice (\S+) failed to load: (.+)$/, (voice, error) => `音声 ${voice} を読み込めませんでした: ${error}`],
  [/^rule-based rewriter \((.+)\)$/, (analyzer) => `規則による書き換え（${analyzer}）`],
  [/^engine not available in this installation \((.+)\)$/, (error) => `このインストールには含まれていません（${error}）`],
  [/^not loaded by this program$/, () => 'このプログラムでは読み込んでいません'],
];

// a models folder that does not exist is said first, before the engine's own reason (pipelines/loader.py)
const NO_FOLDER = /^the models folder (.+?) does not exist \(check \[models\] dir\); (.+)$/;

function translated(text) {
  const noFolder = NO_FOLDER.exec(text);
  if (noFolder) {
    const rest = translated(noFolder[2]) ?? noFolder[2];
    return `モデルのフォルダー ${noFolder[1]} がありません（[models] dir を確かめてください）。${rest}`;
  }
  for (const [pattern, words] of WHOLE) {
    const found = pattern.exec(text);
    if (found) return words(...found.slice(1));
  }
  return null;
}

/** An engine's detail in Japanese: the whole of it, or else each of its '; '-separated parts (a status
 * and the warnings after it); what is not known stays as it came. */
export function engineDetail(detail) {
  if (!detail) return '';
  const whole = translated(detail);
  if (whole !== null) return whole;
  return detail.split('; ').map((part) => translated(part) ?? part).join('。');
}

/** The engine's name in Japanese, with its code for IT (音声認識（asr）). */
export function engineName(code) {
  return ENGINE_NAMES[code] ? `${ENGINE_NAMES[code]}（${code}）` : code;
}
