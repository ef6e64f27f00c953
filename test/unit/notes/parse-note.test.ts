import { describe, expect, it } from 'vitest';
import { isActionable, parseNote, parsedNoteSchema } from '../../../src/domain/notes/index.js';

const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string, knownCustomers?: { id: string; name: string; aliases?: string[] }[]) =>
  parseNote(text, { now, timeZone: 'Asia/Shanghai', knownCustomers });

describe('parseNote', () => {
  it('reads the example from the brief', () => {
    expect(parse('今天给云帆科技王总打电话,预算50万,下周三上门演示')).toMatchObject({
      customer: '云帆科技',
      contact: '王总',
      channel: 'call',
      amount: 500000,
      currency: 'CNY',
      nextFollowUpAt: '2026-12-02T09:00:00+08:00',
      nextStep: '下周三上门演示',
    });
  });

  it.each([
    ['电话', 'call'],
    ['致电', 'call'],
    ['微信', 'wechat'],
    ['拜访', 'visit'],
    ['上门', 'visit'],
    ['吃饭', 'visit'],
    ['发邮件', 'email'],
    ['视频会议', 'meeting'],
    ['腾讯会议', 'meeting'],
  ])('channel %s → %s', (word, channel) => {
    expect(parse(`${word} 云帆科技 王总`).channel).toBe(channel);
  });

  it.each([
    ['新线索', 'lead'],
    ['确认需求', 'qualified'],
    ['方案已发', 'proposal'],
    ['报价已发', 'quote'],
    ['谈价格', 'negotiation'],
    ['合同还在谈', 'negotiation'],
    ['签约了', 'won'],
    ['成交', 'won'],
    ['丢单了', 'lost'],
    ['选了竞品', 'lost'],
  ])('stage %s → %s', (words, stage) => {
    expect(parse(`云帆科技 王总 ${words}`).stage).toBe(stage);
  });

  it('does not move the stage on a plan', () => {
    expect(parse('拜访云帆科技王总,下周四发方案').stage).toBeNull();
    expect(parse('电联云帆科技王总,月底前争取签').stage).toBeNull();
  });

  it('reads the template form, with full-width punctuation', () => {
    const note = parse(
      '客户：成都天府软件\n联系人：黄经理\n沟通方式：电话\n沟通内容：确认试用反馈\n客户需求：增加审批流\n下一步计划：12月10日前给报价\n预算：15万',
    );
    expect(note).toMatchObject({
      customer: '成都天府软件',
      contact: '黄经理',
      channel: 'call',
      needs: '增加审批流',
      nextStep: '12月10日前给报价',
      amount: 150000,
      nextFollowUpAt: '2026-12-10T09:00:00+08:00',
    });
  });

  it('reads English notes', () => {
    expect(parse('Called Contoso Ltd, spoke with Mark Chen. Budget about 60k. Follow up on Dec 4.')).toMatchObject({
      customer: 'Contoso Ltd',
      contact: 'Mark Chen',
      channel: 'call',
      amount: 60000,
      nextFollowUpAt: '2026-12-04T09:00:00+08:00',
    });
  });

  it('finds phone, email, tags and tier', () => {
    const note = parse('#重点 #A级 新线索:杭州西湖文旅 联系人 许先生 13700001111 xu@example.com');
    expect(note).toMatchObject({
      phone: '13700001111',
      email: 'xu@example.com',
      tags: ['重点', 'A级'],
      tier: 'A',
      stage: 'lead',
      contact: '许先生',
    });
  });

  it('prefers a known customer, by its short form too, with high confidence', () => {
    const known = [
      { id: '1', name: '杭州云帆科技有限公司' },
      { id: '2', name: '华信银行', aliases: ['华信'] },
    ];
    const note = parse('今天给云帆王总打电话,下周三演示', known);
    expect(note.customer).toBe('杭州云帆科技有限公司');
    expect(note.confidence).toBeGreaterThanOrEqual(0.85);
    expect(note.customerCandidates[0]).toMatchObject({ id: '1', name: '杭州云帆科技有限公司' });
  });

  it('lowers confidence when two known customers fit equally, so the bot asks', () => {
    const known = [
      { id: '1', name: '云帆科技' },
      { id: '2', name: '云帆物流', aliases: ['云帆'] },
    ];
    const note = parse('给云帆王总打电话', known);
    expect(note.customerCandidates.map((c) => c.id).sort()).toEqual(['1', '2']);
    expect(note.confidence).toBeLessThanOrEqual(0.5);
  });

  it('invents nothing for a note without a customer', () => {
    const note = parse('今天没有客户跟进');
    expect(note).toMatchObject({ customer: null, contact: null, amount: null, nextFollowUpAt: null, stage: null });
    expect(isActionable(note)).toBe(false);
    expect(isActionable(parse('光明乳业选了竞品,丢单了'))).toBe(true);
    // A walk-in with no organisation is worth recording: the bot asks which customer.
    expect(isActionable(parse('散客 陈先生 来店看钢琴 3万5 说月底前定'))).toBe(true);
  });

  it('always returns the contract shape', () => {
    for (const text of ['', '   ', '😀😀', 'a'.repeat(10_000), '客户:\n联系人:']) {
      expect(parsedNoteSchema.safeParse(parse(text)).success).toBe(true);
    }
  });
});
