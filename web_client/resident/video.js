// The resident's phone in the video call with the interpreter (sign language), where the clerk allows
// it (`video.state {resident_allowed}`): the phone calls the interpreter's console with its own camera
// and shows the interpreter. Its own small table of words: the rest of the page keeps its strings.

import {el} from '/static/common/dom.js';
import {putText, setLang, sourceLang, translator} from '/static/common/i18n.js';
import {VideoCall} from '/static/common/video-call.js';

const STRINGS = {
  en: {title: 'Video with the interpreter (sign language)', join: 'Join the video', end: 'End the video', live: 'Connected', ended: 'The video has ended', failed: 'The video could not start'},
  ja: {title: '｜通訳《つうやく》の ｜人《ひと》と ビデオ（｜手話《しゅわ》）', join: 'ビデオに はいる', end: 'ビデオを おわる', live: 'つながって います', ended: 'ビデオは おわりました', failed: 'ビデオが はじまりません'}, // やさしい日本語
  vi: {title: 'Gọi video với phiên dịch viên (ngôn ngữ ký hiệu)', join: 'Tham gia video', end: 'Kết thúc video', live: 'Đã kết nối', ended: 'Video đã kết thúc', failed: 'Không thể bắt đầu video'},
  zh: {title: '与翻译员视频（手语）', join: '加入视频', end: '结束视频', live: '已连接', ended: '视频已结束', failed: '无法开始视频'},
  ko: {title: '통역사와 영상 통화(수어)', join: '영상 통화 참여', end: '영상 통화 종료', live: '연결됨', ended: '영상 통화가 끝났습니다', failed: '영상 통화를 시작할 수 없습니다'},
  pt: {title: 'Vídeo com o intérprete (língua de sinais)', join: 'Entrar no vídeo', end: 'Encerrar o vídeo', live: 'Conectado', ended: 'O vídeo terminou', failed: 'Não foi possível iniciar o vídeo'},
  es: {title: 'Video con el intérprete (lengua de señas)', join: 'Unirse al video', end: 'Terminar el video', live: 'Conectado', ended: 'El video terminó', failed: 'No se pudo iniciar el video'},
};

export class ResidentVideo {
  constructor(container, connection, currentLang) {
    this.currentLang = currentLang;
    this.remote = el('video', {class: 'video-remote', autoplay: true, playsInline: true, muted: true});
    this.local = el('video', {class: 'video-local', autoplay: true, playsInline: true, muted: true, hidden: true});
    this.title = el('h2', {});
    this.status = el('p', {attrs: {role: 'status', 'aria-live': 'polite'}});
    this.join = el('button', {type: 'button', class: 'primary', on: {click: () => this._start()}});
    this.end = el('button', {type: 'button', disabled: true, on: {click: () => this.call.end('hung_up')}});
    this.section = el('section', {class: 'resident-video', hidden: true}, this.title,
      el('div', {class: 'video-stage'}, this.remote, this.local), this.status, el('div', {class: 'row'}, this.join, this.end));
    container.append(this.section);
    this.call = new VideoCall({connection, peer: 'operator', localVideo: this.local, remoteVideo: this.remote});
    this.call.addEventListener('state', ({detail}) => {
      const live = detail.state === 'calling' || detail.state === 'connected';
      this.end.disabled = !live;
      this.join.disabled = live;
      this.local.hidden = !live;
      this._say({connected: 'live', ended: 'ended'}[detail.state] || null);
    });
    connection.addEventListener('welcome', ({detail: {message}}) => { this.call.iceServers = message.video?.ice_servers || []; });
    connection.addEventListener('message', ({detail: m}) => {
      if (m.type === 'video.state') this._allowed(m.resident_allowed);
      else if (m.type === 'video.signal') this.call.handle(m).catch(() => this._say('failed'));
    });
    this._words();
  }

  _words() {
    const lang = this.currentLang();
    const t = translator(STRINGS, lang);
    for (const [node, key] of [[this.title, 'title'], [this.join, 'join'], [this.end, 'end']]) {
      putText(node, t(key));
      setLang(node, sourceLang(STRINGS, lang, key));
    }
  }

  _say(key) {
    const lang = this.currentLang();
    putText(this.status, key ? translator(STRINGS, lang)(key) : '');
    if (key) setLang(this.status, sourceLang(STRINGS, lang, key));
  }

  _allowed(on) {
    this._words();
    this.section.hidden = !on;
    if (!on) this.call.end('not_allowed', false);
  }

  async _start() {
    try { await this.call.start(); } catch { this._say('failed'); }
  }
}
