import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';

// Issue #14: one table per class of miss seen in notes written by people who never saw our
// corpus. The phrasings here are our own, not the blind notes (those live in the fixtures).
const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string) => parseNote(text, { now, timeZone: 'Asia/Shanghai' });

describe('customer boundaries', () => {
  it.each([
    // a department or role between the company and the person
    ['电话联系了三只松鼠品牌部何经理,想做会员小程序', '三只松鼠'],
    ['拜访协和医院信息科张主任,聊了HIS对接', '协和医院'],
    ['今天跟进了朗科精密的生产副总武总', '朗科精密'],
    ['雅居家具电商部负责人司马经理 腾讯会议', '雅居家具'],
    ['蓝鸟咖啡门店拓展部翁总监 面谈', '蓝鸟咖啡'],
    ['天工装饰设计总监卜女士微信发来需求', '天工装饰'],
    // space-separated notes: a project, region or unit word is not the customer
    ['顺丰 仓储项目 钱总 电话', '顺丰'],
    ['京东物流 华东区 采购 谭经理', '京东物流'],
    ['天晟光电 研发中心 俞博士 视频会议', '天晟光电'],
    ['宝钢 年产20万吨 能耗监测项目 刘总 电联', '宝钢'],
    // a leftover particle or verb, a label
    ['跟了下小红书的市场部周经理,方案已发', '小红书'],
    ['B级客户海尔 电联孙主任', '海尔'],
    ['下周三去宝鼎重工讲方案 今天电话里穆部长说报价已经收到了', '宝鼎重工'],
    ['跟日本客户星野精机的田中部长视频会议', '星野精机'],
    // a title inside a company name is not a contact
    ['徐工集团李总来电,合同签了', '徐工集团'],
    // opening the note with no verb before it
    ['佰草堂选了别家 没什么好跟的了', '佰草堂'],
    // units that end an organisation's own name stay
    ['城南社区卫生服务中心 霍主任 拜访', '城南社区卫生服务中心'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('takes no customer from a walk-in with no organisation (the contract: not the contact)', () => {
    expect(parse('赵阿姨来店里看了布艺沙发 周六再来').customer).toBeNull();
  });
});

describe('contacts and forms of address', () => {
  it.each([
    ['去阳光幼儿园见了刘园长', '刘园长'],
    ['电话回访王阿姨,她想换净水器', '王阿姨'],
    ['农科院土肥所 温研究员 邮件', '温研究员'],
    ['微信联系星火动力市场部公关主管江女士', '江女士'],
    ['经宏远机电马经理介绍 今天电话联系了精诚模具的柴主任', '柴主任'],
    ['Kraus Automation的Schmidt女士 邮件说还要再谈', 'Schmidt女士'],
    ['徐工机械 王工 微信 报价已发', '王工'],
  ])('%s → %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });
});

describe('English and mixed notes', () => {
  it.each([
    ["Acme's CFO Jane Roe is reviewing our quote", 'Acme', 'Jane Roe'],
    ['Met with Globex today - John Smith. They went with a competitor.', 'Globex', 'John Smith'],
    ['emailed Tom at Initech the proposal', 'Initech', 'Tom'],
    ['Jane confirmed the requirements for Umbrella Corp', 'Umbrella Corp', 'Jane'],
    ['跟Acme的Tom开了会,他们在看方案', 'Acme', 'Tom'],
    ['Lost Acme Industries to a cheaper vendor', 'Acme Industries', null],
    ['WeChat with Leo from Summit Outdoor: they chose another supplier', 'Summit Outdoor', 'Leo'],
    ['Spoke to Ken Watanabe (procurement, Sakura Components) on the phone', 'Sakura Components', 'Ken Watanabe'],
    ['Initech - Bill Lumbergh - reviewing our quote', 'Initech', 'Bill Lumbergh'],
    ['跟Vertex Pharma的王总吃饭', 'Vertex Pharma', '王总'],
    ['Met with Falcon Air Cargo; their current vendor is SkyTrack Systems.', 'Falcon Air Cargo', null],
  ])('%s → %s / %s', (text, customer, contact) => {
    expect(parse(text)).toMatchObject({ customer, contact });
  });
});

describe('stage wording', () => {
  it.each([
    ['云帆科技 王总 合同签了', 'won'],
    ['云帆科技 王总 已签 合同额36万', 'won'],
    ['云帆科技 王总 需求基本确认了', 'qualified'],
    ['把报价发给了云帆科技的王总', 'quote'],
    ['云帆科技 王总 报价以发', 'quote'],
    ['和云帆科技的王总谈了价格', 'negotiation'],
    ['云帆科技 王总 选了别家', 'lost'],
    ['Globex is reviewing our quote', 'quote'],
    ['Globex is reviewing the proposal', 'proposal'],
    // a plan in one phrase does not hide the fact stated in the next
    ['圆通 冯总 电话 下周二发合同 报价已发过了', 'quote'],
    ['准备下周四发正式报价 今天去金山钢构见了蔡总 需求基本确认了', 'qualified'],
  ])('%s → %s', (text, stage) => {
    expect(parse(text).stage).toBe(stage);
  });

  it.each([
    ['问了下云帆科技的王总签单了吗 他说还没有'],
    ['云帆科技 王总 还没签'],
    ['云帆科技 王总 下周签约'],
    ['云帆科技 王总 需求还没确认'],
  ])('never a wrong stage: %s → null', (text) => {
    expect(parse(text).stage).toBeNull();
  });
});

describe('channel', () => {
  it.each([
    ['威信联系了美团的李经理', 'wechat'],
    ['拜方万科物业陈总', 'visit'],
    ['电化联系浩然装饰的聂总', 'call'],
    ['去华为坂田基地给王总做产品演示', 'visit'],
    ['冯阿姨来店里看了实木餐桌', 'visit'],
    ['刚跟凯瑞医疗器械的房总视频了一下', 'meeting'],
    ['电话联系了京东的孙经理,资料在微信里', 'call'],
  ])('%s → %s', (text, channel) => {
    expect(parse(text).channel).toBe(channel);
  });

  it.each([['资料在微信里,下周再约云帆科技王总'], ['云帆科技 王总 留了电话13688889999'], ['New lead: Globex Corp. Call her tomorrow.']])(
    'no channel: %s',
    (text) => {
      expect(parse(text).channel).toBeNull();
    },
  );
});

describe('amounts and currencies', () => {
  it.each([
    ['十二万五的单子', 125000, 'CNY'],
    ['续费 八万八', 88000, 'CNY'],
    ['一共一万二千八', 12800, 'CNY'],
    ['报价发给他了 6万5', 65000, 'CNY'],
    ['3千万的大单今天签了', 30000000, 'CNY'],
    ['预算大概三百万十二月十号之前给他', 3000000, 'CNY'],
    ['报价已发 50万欧元', 500000, 'EUR'],
    ['deal size €150k', 150000, 'EUR'],
    ['报价已发 港币80万', 800000, 'HKD'],
    ['HK$1.5M的合同', 1500000, 'HKD'],
    ['closed at £95,000', 95000, 'GBP'],
    ['报价已发 1200万日元', 12000000, 'JPY'],
    ['预计金额:200万 美金', 2000000, 'USD'],
    ['我说最低8800', 8800, 'CNY'],
  ])('%s → %d %s', (text, amount, currency) => {
    expect(parse(text)).toMatchObject({ amount, currency });
  });

  it.each([['顺捷快运 日均30万票 想上分拣系统'], ['鸿基化肥 年产20万吨 设备老化'], ['家里120平新房']])(
    'a volume is not money: %s',
    (text) => {
      expect(parse(text).amount).toBeNull();
    },
  );

  it('reads 预计金额: as a template amount', () => {
    expect(parse('客户:泰山重工\n联系人:臧部长\n预计金额:350万').amount).toBe(3500000);
  });
});
