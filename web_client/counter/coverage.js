// Which resident languages the relay translates with a model (welcome.engines.mt, then /api/languages
// per language), and which way; for the others only the phrasebook's fixed phrases translate. A model is
// installed per direction: with vi→ja only, the resident's words are translated and the clerk's reach the
// resident as fixed phrases only (and the other way round).

export class MtCoverage {
  constructor() {
    this.ready = true; // a translation model installed (welcome.engines.mt)
    this.byLang = new Map(); // code → /api/languages entry (mt_from_ja, mt_to_ja, phrasebook)
  }

  welcome(engines) {
    this.ready = !engines?.mt || engines.mt.ready !== false;
  }

  languages(list) {
    this.byLang = new Map(list.map((lang) => [lang.code, lang]));
  }

  /** Whether the relay translates for `code` with a model; if not, only the phrasebook's fixed phrases. */
  translates(code) {
    if (!code || code === 'auto' || code === 'ja') return true; // nothing to say yet; やさしい日本語 needs no model
    const known = this.byLang.get(code);
    return known ? Boolean(known.mt_from_ja && known.mt_to_ja) : this.ready;
  }

  /** Which way a model translates for `code`: both, to_ja (the resident's words), from_ja (the clerk's), none. */
  direction(code) {
    if (this.translates(code)) return 'both';
    const known = this.byLang.get(code);
    if (!known) return 'none';
    return known.mt_to_ja ? 'to_ja' : known.mt_from_ja ? 'from_ja' : 'none';
  }

  /** The clerk's words reach the resident as fixed phrases only: the phrases to tap are offered. */
  clerkPhrasesOnly(code) {
    return ['to_ja', 'none'].includes(this.direction(code));
  }
}
