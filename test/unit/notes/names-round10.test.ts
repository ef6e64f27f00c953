import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';

// Issue #14, round 10: customer and contact names in notes the parser had never seen, one table
// per cause. The companies, people and wording are our own, not lines of the corpora.
const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string) => parseNote(text, { now, timeZone: 'Asia/Shanghai' });

describe('Latin names with accented letters are read whole', () => {
  it.each([
    ['Lunch with Ms. Novak (Brasserie Cézanne Lyon): wants a tasting menu app, follow up Dec 3', 'Brasserie Cézanne Lyon', 'Ms. Novak'],
    ['Emailed the price list to José at Álvarez Foods, chase next Monday', 'Álvarez Foods', 'José'],
    ['拜访 Lindström Logistik 苏州 的 Herr Jäger, 对 WMS 感兴趣', null, 'Herr Jäger'],
  ])('%s', (text, customer, contact) => {
    const note = parse(text);
    if (customer) expect(note.customer).toBe(customer);
    expect(note.contact).toBe(contact);
  });
});

describe('forms of address', () => {
  it.each([
    // A Latin honorific before a Chinese surname.
    ['Meeting with 华山医院 设备科 Dr. 龚, demo 下周二', 'Dr. 龚'],
    ['Call with Prof. 邓 from 东华大学, 方案已发', 'Prof. 邓'],
    // German and French honorifics.
    ['Visited Krone Maschinenbau, Frau Schäfer wants a quote by Friday', 'Frau Schäfer'],
    // Titles of a secretary-general, a court, a county section.
    ['市工商联 柏秘书长 电话 邀请参加年会 下周一回复', '柏秘书长'],
    ['区人民法院 执行庭 丛庭长 方案已发', '丛庭长'],
    ['镇农业站 统计股 祁股长 微信 初次接触', '祁股长'],
    // 凤 is a surname too.
    ['拜访华宇电梯,见了工程部凤经理', '凤经理'],
  ])('%s → %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });

  it('a Latin honorific before a surname and a verb keeps the surname alone', () => {
    expect(parse('跟 Mr. 王说了报价, 他周五回复').contact).not.toBe('Mr. 王说了报价');
  });
});

describe('English names of public bodies', () => {
  it.each([
    ['Suzhou Transport Bureau, Director Lin: sent the proposal, follow up Dec 2', 'Suzhou Transport Bureau'],
    ['Hangzhou Municipal Education Commission called back, new lead', 'Hangzhou Municipal Education Commission'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('a unit of a county office or a court (股, 庭) is not the customer', () => {
  it.each([
    ['县市场监督管理局 综合股 郁股长 电话 初次接触', '县市场监督管理局'],
    ['市中级人民法院 民事庭 龙庭长 视频会议 方案已发', '市中级人民法院'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});
