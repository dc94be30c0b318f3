// Which resident languages the relay translates with a model (welcome.engines.mt, then /api/languages
// per language); for the others only the phrasebook's fixed phrases translate.

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
}
