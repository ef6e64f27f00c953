import { parseNote } from './parse-note.js';

/**
 * Parses one note of each kind so the segmenter's dictionary is loaded, the rules compiled and the
 * customer tagger's weights decoded (the third note names its customer in a way only the tagger
 * reads) before the first rep's note (about 0.35 s of CPU on our machines, paid once per process). The
 * worker calls it at start, so that cost is not added to the first reply after a deploy.
 */
export function warmUpNoteParser(): void {
  // Any instant does: the drafts are thrown away, and the parser reads no clock of its own.
  const now = new Date('2026-11-25T02:00:00Z');
  parseNote('今天给云帆科技王总打电话,预算50万,下周三上门演示,报价已发', { now, timeZone: 'Asia/Shanghai' });
  parseNote('Called Acme Robotics, Jane Roe reviewing our quote, $120,000, follow up Friday', { now, timeZone: 'Asia/Shanghai' });
  parseNote('终于拿到 华润万家 的订单了', { now, timeZone: 'Asia/Shanghai' });
}
