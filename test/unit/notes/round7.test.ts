import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';

// Issue #14, round 7: one table per class of miss seen in a third blind set. The phrasings are
// our own (other companies, people and wording), not the blind notes, which live in the fixtures.
const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string) => parseNote(text, { now, timeZone: 'Asia/Shanghai' });

describe('templates: a contact line holds the name, not its phone or e-mail', () => {
  it.each([
    ['客户:鼎泰物业\n联系人:汤主任 13912345678\n沟通方式:电话', '汤主任'],
    ['Customer: Fjord Freight\nContact: Lars Berg (lars@fjord.no)\nChannel: email', 'Lars Berg'],
    ['Customer: Quill Labs\nContact: Ana Ruiz (CTO)\nChannel: Zoom', 'Ana Ruiz'],
  ])('%s → %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });

  it('reads a result line as the stage and a how-we-met line as the channel', () => {
    expect(parse('客户:徽商银行\n联系人:朱处长\n结果:已签约\n金额:50万').stage).toBe('won');
    expect(parse('Customer: Quill Labs\nContact: Ana Ruiz\nMet: video call\nNext: Friday').channel).toBe('meeting');
    expect(parse('Customer: Fjord Freight\nContact: Lars Berg\nStage: proposal under review').stage).toBe('proposal');
  });
});

describe('stage wording and pinyin slips', () => {
  it.each([
    ['跟博学教育的严总开了个会,方案他们领导已经在看了', 'proposal'],
    ['方案已经在微信里转给他们总经理了', 'proposal'],
    ['说邮件里的方案他们在评审,报价单也想要一份', 'proposal'],
    ['跟老板吃饭聊到价格的事,他想再压三个点', 'negotiation'],
    ['报价 EUR 12,000 已发 Hans', 'quote'],
    ['想上门禁系统,报价两万八已发', 'quote'],
    ['和同条款还在谈,月底争取签', 'negotiation'],
    ['好消息,恒达签越了!', 'won'],
    ['新现索,想了解考勤系统', 'lead'],
    ['已经成教了,合同额十万', 'won'],
  ])('%s → stage %s', (text, stage) => {
    expect(parse(text).stage).toBe(stage);
  });

  it('keeps 和同事 and 成教 (adult education) as they are', () => {
    expect(parse('和同事一起去了华远物流').stage).toBeNull();
    expect(parse('市成教中心 电话 想了解排课系统').stage).toBeNull();
  });
});

describe('channel slips and visits', () => {
  it.each([
    ['跟恒丰乳业的江经理视屏会议,谈了价格', 'meeting'],
    ['有件发给了信达律所的吴律师,附上报价单', 'email'],
    ['电连华通物流的白经理,报价已发', 'call'],
    ['去了红星水泥厂,厂长说预算批了', 'visit'],
  ])('%s → channel %s', (text, channel) => {
    expect(parse(text).channel).toBe(channel);
  });

  it('reads 电连 as a call and not as part of the name', () => {
    expect(parse('电连华通物流的白经理,报价已发').customer).toBe('华通物流');
  });
});

describe('dates and amounts', () => {
  it.each([
    // 商量一下 + 下周三, not 下下周三
    ['她说要跟老板商量一下下周三之前给答复', '2026-12-02T09:00:00+08:00'],
    ['They are reviewing our quote, will chase end of month.', '2026-11-30T09:00:00+08:00'],
    ['Kick-off is Dec 14 in Oslo; I will check in on Dec 10.', '2026-12-10T09:00:00+08:00'],
    ['要求明年3月交付,12/9 再电话', '2026-12-09T09:00:00+08:00'],
  ])('%s → %s', (text, at) => {
    expect(parse(text).nextFollowUpAt).toBe(at);
  });

  it.each([
    ['Budget around 3.5 million RMB for the fit-out.', 3500000, 'CNY'],
    ['They approved USD 1.2 million.', 1200000, 'USD'],
  ])('%s → %s %s', (text, amount, currency) => {
    const note = parse(text);
    expect(note.amount).toBe(amount);
    expect(note.currency).toBe(currency);
    expect(note.nextFollowUpAt).toBeNull();
  });
});
