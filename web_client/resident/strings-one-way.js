// What the resident will see when their language is not machine-translated both ways (`GET /api/languages`
// gives `mt` per language; Argos packages are per direction): said once, in the resident's language, on
// the phone and on the tablet's resident panel (resident/one-way.js, counter/panel.js), instead of the
// staff's words silently turning into "could not be translated" lines. `mt_to_ja_only`: the resident's
// words reach the staff, the staff's only as fixed phrases; `mt_from_ja_only`: the other way round;
// `mt_phrases_only`: no model either way. Part of PHONE_STRINGS (strings-session.js).

export const ONE_WAY_STRINGS = {
  en: {mt_to_ja_only: 'Your words are translated for the staff. The staff’s words can reach you only as fixed phrases — for anything else, an interpreter is needed.',
    mt_from_ja_only: 'The staff’s words are translated for you. Your words can reach the staff only as fixed phrases — for anything else, an interpreter is needed.',
    mt_phrases_only: 'There is no machine translation for your language. Only fixed phrases can be translated — for anything else, an interpreter is needed.'},
  ja: {mt_to_ja_only: 'あなたの ことばは ｜係《かかり》の ｜人《ひと》に ｜翻訳《ほんやく》されます。｜係《かかり》の ｜人《ひと》の ことばは、きまった ことばだけ ｜翻訳《ほんやく》されます。ほかの ことばは ｜通訳《つうやく》の ｜人《ひと》が ひつようです。',
    mt_from_ja_only: '｜係《かかり》の ｜人《ひと》の ことばは あなたに ｜翻訳《ほんやく》されます。あなたの ことばは、きまった ことばだけ ｜翻訳《ほんやく》されます。ほかの ことばは ｜通訳《つうやく》の ｜人《ひと》が ひつようです。',
    mt_phrases_only: 'あなたの ことばの ｜機械《きかい》の ｜翻訳《ほんやく》は ありません。きまった ことばだけ ｜翻訳《ほんやく》できます。ほかの ことばは ｜通訳《つうやく》の ｜人《ひと》が ひつようです。'},
  zh: {mt_to_ja_only: '您的话会翻译给工作人员。工作人员的话只有固定用语能翻译给您，其他内容需要口译员。',
    mt_from_ja_only: '工作人员的话会翻译给您。您的话只有固定用语能翻译给工作人员，其他内容需要口译员。',
    mt_phrases_only: '您的语言没有机器翻译。只能翻译固定用语，其他内容需要口译员。'},
  ko: {mt_to_ja_only: '고객님의 말은 직원에게 번역됩니다. 직원의 말은 정해진 문구만 번역되며, 그 밖의 내용은 통역사가 필요합니다.',
    mt_from_ja_only: '직원의 말은 고객님께 번역됩니다. 고객님의 말은 정해진 문구만 번역되며, 그 밖의 내용은 통역사가 필요합니다.',
    mt_phrases_only: '고객님 언어의 기계 번역이 없습니다. 정해진 문구만 번역할 수 있으며, 그 밖의 내용은 통역사가 필요합니다.'},
  vi: {mt_to_ja_only: 'Lời của bạn được dịch cho nhân viên. Lời của nhân viên chỉ được dịch nếu là câu mẫu; những nội dung khác cần phiên dịch viên.',
    mt_from_ja_only: 'Lời của nhân viên được dịch cho bạn. Lời của bạn chỉ được dịch nếu là câu mẫu; những nội dung khác cần phiên dịch viên.',
    mt_phrases_only: 'Không có dịch máy cho ngôn ngữ của bạn. Chỉ dịch được các câu mẫu; những nội dung khác cần phiên dịch viên.'},
  tl: {mt_to_ja_only: 'Isinasalin ang inyong mga salita para sa kawani. Ang mga salita ng kawani ay maisasalin lang kung nakatakdang parirala; para sa iba, kailangan ng interpreter.',
    mt_from_ja_only: 'Isinasalin ang mga salita ng kawani para sa inyo. Ang inyong mga salita ay maisasalin lang kung nakatakdang parirala; para sa iba, kailangan ng interpreter.',
    mt_phrases_only: 'Walang machine translation para sa inyong wika. Mga nakatakdang parirala lang ang maisasalin; para sa iba, kailangan ng interpreter.'},
  pt: {mt_to_ja_only: 'Suas palavras são traduzidas para o funcionário. As palavras do funcionário só chegam a você como frases prontas; para o resto, é preciso um intérprete.',
    mt_from_ja_only: 'As palavras do funcionário são traduzidas para você. Suas palavras só chegam ao funcionário como frases prontas; para o resto, é preciso um intérprete.',
    mt_phrases_only: 'Não há tradução automática para o seu idioma. Só frases prontas podem ser traduzidas; para o resto, é preciso um intérprete.'},
  es: {mt_to_ja_only: 'Sus palabras se traducen para el personal. Las palabras del personal solo le llegan como frases fijas; para lo demás, hace falta un intérprete.',
    mt_from_ja_only: 'Las palabras del personal se traducen para usted. Sus palabras solo llegan al personal como frases fijas; para lo demás, hace falta un intérprete.',
    mt_phrases_only: 'No hay traducción automática para su idioma. Solo se pueden traducir frases fijas; para lo demás, hace falta un intérprete.'},
  ne: {mt_to_ja_only: 'तपाईंको कुरा कर्मचारीका लागि अनुवाद हुन्छ। कर्मचारीको कुरामा तोकिएका वाक्यहरू मात्र अनुवाद हुन्छन्; अरू कुराका लागि दोभाषे चाहिन्छ।',
    mt_from_ja_only: 'कर्मचारीको कुरा तपाईंका लागि अनुवाद हुन्छ। तपाईंको कुरामा तोकिएका वाक्यहरू मात्र अनुवाद हुन्छन्; अरू कुराका लागि दोभाषे चाहिन्छ।',
    mt_phrases_only: 'तपाईंको भाषाको मेसिन अनुवाद छैन। तोकिएका वाक्यहरू मात्र अनुवाद हुन्छन्; अरू कुराका लागि दोभाषे चाहिन्छ।'},
  id: {mt_to_ja_only: 'Ucapan Anda diterjemahkan untuk petugas. Ucapan petugas hanya diterjemahkan jika berupa kalimat baku; untuk hal lain, diperlukan juru bahasa.',
    mt_from_ja_only: 'Ucapan petugas diterjemahkan untuk Anda. Ucapan Anda hanya diterjemahkan jika berupa kalimat baku; untuk hal lain, diperlukan juru bahasa.',
    mt_phrases_only: 'Tidak ada terjemahan mesin untuk bahasa Anda. Hanya kalimat baku yang bisa diterjemahkan; untuk hal lain, diperlukan juru bahasa.'},
  th: {mt_to_ja_only: 'คำพูดของคุณจะถูกแปลให้เจ้าหน้าที่ แต่คำพูดของเจ้าหน้าที่แปลให้คุณได้เฉพาะประโยคสำเร็จรูปเท่านั้น เรื่องอื่นต้องใช้ล่าม',
    mt_from_ja_only: 'คำพูดของเจ้าหน้าที่จะถูกแปลให้คุณ แต่คำพูดของคุณแปลให้เจ้าหน้าที่ได้เฉพาะประโยคสำเร็จรูปเท่านั้น เรื่องอื่นต้องใช้ล่าม',
    mt_phrases_only: 'ไม่มีการแปลด้วยเครื่องสำหรับภาษาของคุณ แปลได้เฉพาะประโยคสำเร็จรูปเท่านั้น เรื่องอื่นต้องใช้ล่าม'},
  my: {mt_to_ja_only: 'သင့်စကားကို ဝန်ထမ်းအတွက် ဘာသာပြန်ပေးပါသည်။ ဝန်ထမ်း၏ စကားမှာ ပုံသေစကားစုများကိုသာ ဘာသာပြန်နိုင်ပါသည်။ အခြားအရာများအတွက် စကားပြန် လိုအပ်ပါသည်။',
    mt_from_ja_only: 'ဝန်ထမ်း၏ စကားကို သင့်အတွက် ဘာသာပြန်ပေးပါသည်။ သင့်စကားမှာ ပုံသေစကားစုများကိုသာ ဘာသာပြန်နိုင်ပါသည်။ အခြားအရာများအတွက် စကားပြန် လိုအပ်ပါသည်။',
    mt_phrases_only: 'သင့်ဘာသာစကားအတွက် စက်ဘာသာပြန်ခြင်း မရှိပါ။ ပုံသေစကားစုများကိုသာ ဘာသာပြန်နိုင်ပါသည်။ အခြားအရာများအတွက် စကားပြန် လိုအပ်ပါသည်။'},
};

/** The key that says what the resident will see, for a language's `mt` (null: translated both ways). */
export function oneWayKey(mt) {
  return {to_ja: 'mt_to_ja_only', from_ja: 'mt_from_ja_only', none: 'mt_phrases_only'}[mt] || null;
}
