import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';

// Issue #14, round 7: one table per class of miss seen in a third blind set. The phrasings are
// our own (other companies, people and wording), not the blind notes, which live in the fixtures.
const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string) => parseNote(text, { now, timeZone: 'Asia/Shanghai' });

describe('a space-separated jotting opens with the organisation', () => {
  it.each([
    ['澜庭酒店 会员系统 选了竞品 丢了', '澜庭酒店'],
    ['青松茶舍 签了 合同额 十八万 下周去送发票', '青松茶舍'],
    ['明德学堂 最后选了别家 不跟了', '明德学堂'],
    ['远洋码头 邮件回复 方案已收到 下周再跟', '远洋码头'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([['电话 没人接 明天再打'], ['今天 拜访 三家 都没结果'], ['散客 周女士 来店看沙发']])('%s → no customer', (text) => {
    expect(parse(text).customer).toBeNull();
  });
});

describe('people described by what they bought or who they are, not by an organisation', () => {
  it.each([
    ['电话回访了去年买房的陈先生,说物业不错'],
    ['微信上一个宝爸周先生问暑假班,明天约试听'],
    ['装修客户钱女士 电话 两室一厅 预算十五万'],
    ['游泳馆老会员郑姐 微信 续了一年卡'],
    ['自由摄影师Lily Chen想做作品集网站,个人接单,报价已发'],
  ])('%s → no customer', (text) => {
    expect(parse(text).customer).toBeNull();
  });
});

describe('institutions, units and roles', () => {
  it.each([
    ['高新区市场监管局 信息化办 孔主任 面谈 需求已确认', '高新区市场监管局'],
    ['西北农科院 土肥所 葛教授 见面 下月初给方案', '西北农科院'],
    ['跟宁波市妇幼保健院严副院长开了腾讯会议,方案已发', '宁波市妇幼保健院'],
    ['中介帮忙约了海川食品的董事长傅总,今天面谈', '海川食品'],
    ['见了宏昌家具的厂长老婆钱阿姨,账都是她管', '宏昌家具'],
    ['老客户丽人美容院的丽姐打电话来,加购一台仪器', '丽人美容院'],
    ['去客户那里演示:江南造船,参会的是设备部主管钟工,反馈不错', '江南造船'],
    ['上门去了 常熟红豆纺织,见了 蒋厂长', '常熟红豆纺织'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([
    ['跟宁波市妇幼保健院严副院长开了腾讯会议', '严副院长'],
    ['市一中 郑副校长 电话 新线索', '郑副校长'],
    ['五金店老板芳姐微信聊的,想上收银系统', '芳姐'],
    ['老客户丽人美容院的丽姐打电话来', '丽姐'],
    ['她表姐的公司想做会员系统', null],
    ['跟他的亲姐聊了下', null],
  ])('%s → contact %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });
});

describe('partners, competitors and introducers are not the customer', () => {
  it.each([
    ['今天和合作伙伴华信软件的马工一起去了无锡恒通机械,见了他们的生产副总钱总', '无锡恒通机械', '钱总'],
    ['渠道商百川科技的周经理带我们见了苏州瑞达电子的采购陈经理', '苏州瑞达电子', '陈经理'],
    ['#重点 鑫隆港务这单稳了,竞争对手蓝海软件已经出局,合同金额200万', '鑫隆港务', null],
  ])('%s → %s / %s', (text, customer, contact) => {
    const note = parse(text);
    expect(note.customer).toBe(customer);
    if (contact) expect(note.contact).toBe(contact);
  });

  it.each([
    ['拜访了绍兴华美印染,拍板的是集团的吴总,今天见的是厂里的沈经理', '沈经理'],
    ['去了嘉兴宏达电机,负责采购的是钱总,今天对接的是设备科的孙科长', '孙科长'],
  ])('of several people, the one the note says was met: %s → %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });

  it.each([
    ['跟进恒源药业项目:恒源的采购孟经理让我们周四前再报一次价', '恒源药业'],
    ['拜访华茂纺织,华茂的厂长说下周定', '华茂纺织'],
  ])('a short form after the full name gives the full name: %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([
    ['老顾(金鹏汽配老板)电话说货款下周结', '金鹏汽配'],
    ['上次的样品客户很满意,瑞峰五金的汪总说要下单', '瑞峰五金'],
    ['红杉投的一家初创公司 星图智能 ,CEO 林博士 电话', '星图智能'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('English and mixed notes', () => {
  it.each([
    ['Signed Whitfield & Crane! 🎉', 'Whitfield & Crane'],
    ['Met with Ashby & Lowe today - Tom Reyes (Head of IT) and his team.', 'Ashby & Lowe'],
    ['Call with Nora Quinn, CFO at Larkspur Mutual. Their vendor, Dexter Systems, is too slow.', 'Larkspur Mutual'],
    ["Hollis & Grant's GC, Mei Tan, confirmed the renewal.", 'Hollis & Grant'],
    ['下午再call Veltra的Sam', 'Veltra'],
    ['今天一早去Northstar上海拜访了Linda Wu', 'Northstar上海'],
    ['报价已发 Coral Bay Fisheries,总价 12万美金', 'Coral Bay Fisheries'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([['客户想上Power BI 预算20万'], ['他们现在用SAP Business One,想换'], ['用的是Microsoft Teams,想换']])(
    'a product in a Chinese note is no organisation: %s',
    (text) => {
      expect(parse(text).customer).toBeNull();
    },
  );

  it.each([
    ['Phoned Mr. Whitcombe (Granite Hotels) about the renewal.', 'Mr. Whitcombe'],
    ['Called Dr. Osei (Harbor Clinic) today.', 'Dr. Osei'],
  ])('%s → contact %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });
});

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
