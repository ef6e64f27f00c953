import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';

// Issue #14, round 6: one table per class of miss seen in a second blind set. The phrasings are
// our own (other companies, people and wording), not the blind notes, which live in the fixtures.
const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string) => parseNote(text, { now, timeZone: 'Asia/Shanghai' });

describe('space-separated notes: organisation, then unit or role, then person', () => {
  it.each([
    ['物美超市 区域运营 吕经理 电话 新线索', '物美超市'],
    ['永辉 生鲜数字化 新线索 联系人 柯经理', '永辉'],
    ['鞍钢股份 热轧厂 蒋工 来电 设备报修', '鞍钢股份'],
    ['云图SaaS 产品VP 石总 方案已发', '云图SaaS'],
    ['鲁花 华北供应链 孙总 见面 需求确认', '鲁花'],
    ['合作伙伴浪潮带我们见了最终用户青岛地铁的信息中心林主任', '青岛地铁'],
    ['那个什么金诚装饰的老板娘周姐刚微信说定金打过来了', '金诚装饰'],
    // a word with the organisation and the role after 的 is not a bare role
    ['原来用的是SAP 现在想换 今天见了福耀玻璃的IT总监叶总', '福耀玻璃'],
    ['市交通局 运输科 陶科长 面谈 新线索', '市交通局'],
    ['区消防救援大队 防火科 任大队长 电话', '区消防救援大队'],
    // no person: the opening word, when a project or channel word follows it
    ['华电邹县发电厂 智慧巡检改造 电话没接通 周五再打', '华电邹县发电厂'],
    // a unit named before the person belongs to the organisation visited
    ['今天去省林科院见了森保所的汪研究员,需求确认了', '省林科院'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('B2C notes: a kind of visitor is not an organisation', () => {
  it.each([
    ['散客 周女士 来店看沙发 预算两万'],
    ['Walk-in 王大爷 想换助听器 下周再来'],
    ['Walk-in: Mrs. Patel, looking at sofas, will come back Saturday.'],
    ['门店 高先生 看了两款空调 没定'],
    ['学员 刘同学的妈妈 想报暑假班 3天后回访'],
    ['展厅接待了钱先生一家,看中一台MPV'],
    ['同事介绍的蒋女士,想订婚宴,十桌'],
    ['客户:个人 彭先生\n电话:13912340000\n需求:智能门锁\n预算:5千'],
    ['今天一直在公司写方案,没有出去拜访'],
    ['今天代表公司去参加了行业展会'],
    ['网上咨询的客户 葛先生 想装地暖 周六上门量房'],
    ['社区团购群里的 宝妈 邱女士 要订30份'],
    ['体验课学员 林同学 家长 方女士 想报全年班'],
  ])('%s → no customer', (text) => {
    expect(parse(text).customer).toBeNull();
  });
});

describe('names glued to fillers, verbs, labels and parent companies', () => {
  it.each([
    ['嗯那个锦程物流的邓总说价格可以再谈', '锦程物流'],
    ['那个什么来着对就是华星物流的车总今天打电话来说合同没问题', '华星物流'],
    ['然后呢我下午去了趟绿城建设见了他们的设备部长钱部长聊得挺好', '绿城建设'],
    ['刚从华腾机电出来,他们设备部的侯经理确认了需求', '华腾机电'],
    ['经销商宏达商贸带我们见了终端客户北方重工的梅部长', '北方重工'],
    ['跟金山云的架构师老范聊了两小时', '金山云'],
    ['乐购成都店 店长 Lisa 电话 新线索', '乐购成都店'],
    ['华为的子公司海思半导体 邵总 电话 确认需求', '海思半导体'],
    ['华润集团下属的华润怡宝,对接人是采购部的戴经理,电话聊了', '华润怡宝'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('contacts: a role before a name, 老/小 forms, more titles', () => {
  it.each([
    ['跟鼎信科技的技术总监Steven视频会议,方案已发', 'Steven'],
    ['见了恒隆地产的CFO王海波,预算批了', '王海波'],
    ['去了雀巢天津厂 见了QA manager 刘洋, 确认需求', '刘洋'],
    ['给新桥物业的前台小袁打电话,让她转告经理', '小袁'],
    ['永和家纺 仓库 老谢 电话 要WMS', '老谢'],
    ['海尔智家 品质部 老包 微信 反馈样机有问题', '老包'],
    ['客户 老王 开了家火锅店 想做会员系统', '老王'],
    ['跟果园合作社的老蔡谈了一下午', '老蔡'],
    ['给星光影城的运营小杜哥发了微信', '小杜哥'],
    ['市人民医院 护理部 严护士长 微信 排班系统', '严护士长'],
    ['县林业局 林业站 贺站长 见面', '贺站长'],
    ['市发改委 能源处 文处 电话 合同已签', '文处'],
    ['港丰贸易 老板 黄生 上门 丢单', '黄生'],
    ['HKTV的 Mandy姐 电话 成交了', 'Mandy姐'],
  ])('%s → %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });

  it('reads 小时, 老师, 小程序 and 小区 as words, not people', () => {
    expect(parse('在博雅中学讲了一个小时的小程序方案').contact).toBeNull();
    expect(parse('小区物业 电话 下周去看').contact).toBeNull();
    expect(parse('老师说下周考试').customer).toBeNull();
  });
});

describe('Latin names next to Chinese, and English sentence shapes', () => {
  it.each([
    ['今天去了Siemens成都工厂 见了王经理', 'Siemens成都工厂'],
    ['微信上和Prada中国的retail head Monica聊了,预算50w', 'Prada中国'],
    ['call了Société Générale北京的Mr. Martin, 报价已发', 'Société Générale北京'],
    ['Emailed Sarah at Contoso the contract draft.', 'Contoso'],
    ['Dinner with Vikram (CTO) at Northwind Bank. Discussed pricing.', 'Northwind Bank'],
    ['Dropped by Maple Elementary, met the principal, Joan Miles.', 'Maple Elementary'],
    ['New lead from the trade show: Bluewater Organics, contact Ann Lee.', 'Bluewater Organics'],
    ['Left a voicemail at Lakeside Medical Center for Dr. Gomez.', 'Lakeside Medical Center'],
    ["Hooli's Gavin Belson called back, wants a quote for 40 seats.", 'Hooli'],
    ['Follow-up with Massive Dynamic: Nina sent over the signed contract.', 'Massive Dynamic'],
    ['Zoom w/ the Nimbus Cloud team, Priya led. Proposal sent.', 'Nimbus Cloud'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([
    ['Emailed Sarah at Contoso the contract draft.', 'Sarah'],
    ['Hooli: Gavin Belson says they picked another vendor.', 'Gavin Belson'],
    ['Pied Piper reviewing our quote, Art says they decide on Friday.', 'Art'],
    ['跟进Uber中国的Raj,他说还在比价', 'Raj'],
    ['Umbrella Corp: Albert says legal is reviewing the contract.', 'Albert'],
    ['Follow-up with Massive Dynamic: Nina sent over the signed contract.', 'Nina'],
    ['今天和Siemens Healthineers的procurement lead Anna开会', 'Anna'],
  ])('%s → contact %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });
});

describe('stage, channel and amount wording', () => {
  it.each([
    ['和金盛物流的邱总又谈了一轮价格', 'negotiation'],
    ['给远景能源的夏经理发了邮件,附上报价,金额30万', 'quote'],
    ['电话沟通,quotation已发', 'quote'],
    ['智博教育的校长说方案已经发给他们领导了', 'proposal'],
    ['Lunch with the CFO. Discussed pricing; they want 10% off.', 'negotiation'],
    ['客户:华安基金\n联系人:邓总\n状态:已签约\n合同额:80万', 'won'],
    ['客户:美家家具\n联系人:吴总\n进展:选了竞品,丢单', 'lost'],
    ['宏远电子 易总 丢但了 对方选了竟品', 'lost'],
    ['瑞祥纺织的汤总来电话说价格还是太高了要再便宜一点', 'negotiation'],
    ['跟贝壳的产品经理小葛开了个腾讯会议她说方案他们内部看过了', 'proposal'],
    ['金诚装饰的周姐微信说定金已经打过来了', 'won'],
    ['电话联系了金桥水务的方科长,初次接处', 'lead'],
  ])('%s → stage %s', (text, stage) => {
    expect(parse(text).stage).toBe(stage);
  });

  it('does not read a quote still to be sent (报价单明天发) as sent', () => {
    expect(parse('给影城的运营发了微信,要20台,报价单明天发').stage).toBeNull();
    expect(parse('提醒自己 周五前把报价单整理好').stage).toBeNull();
    expect(parse('已经把报价单发过去了').stage).toBe('quote');
    expect(parse('把合同签了,下周开工').stage).toBe('won');
  });

  it.each([
    ['刚从万达广场出来,物业经理人很好', 'visit'],
    ['Quick call over Teams with their IT lead.', 'meeting'],
    ['Stopped by Elm Street Dental to drop off brochures.', 'visit'],
    ['No answer, left a voicemail for Dr. Wu.', 'call'],
    ['Coffee with Marco at Bellwether Logistics.', 'visit'],
    ['今天去了湘雅医院 见到了设备科的尹科长', 'visit'],
  ])('%s → channel %s', (text, channel) => {
    expect(parse(text).channel).toBe(channel);
  });

  it('does not read a visit that did not happen as the channel', () => {
    expect(parse('今天一直在公司写方案,没有出去拜访').channel).toBeNull();
  });

  it.each([
    ['博文中学 钟主任 预算大概四是万', 400000, 'CNY'],
    ['Hooli - PO received, CAD 75,000.', 75000, 'CAD'],
    ['They ship ~80k orders/day, want routing.', null, 'CNY'],
    ['散客 何大姐 来店看床垫 预算五千 周末再来', 5000, 'CNY'],
    ['到店咨询 吕先生 想报钢琴课 一学期4800', 4800, 'CNY'],
    ['Lakeside Dental: Dr. Ortiz signed the contract today, $9k/year.', 9000, 'USD'],
  ])('%s → %s %s', (text, amount, currency) => {
    const note = parse(text);
    expect(note.amount).toBe(amount);
    expect(note.currency).toBe(currency);
  });

  it.each([
    ['电联 明光电子 符总 3天候再跟', '2026-11-28T09:00:00+08:00'],
    // a clock time after 下午 is in the afternoon
    ['市财政局 预算科 郭科长 12月8日下午3:15再开会', '2026-12-08T15:15:00+08:00'],
    // a go-live date is not the follow-up when the note names another day…
    ['区教育局 电话 明年2月上线 下周二送方案', '2026-12-01T09:00:00+08:00'],
    // …but it is the one date to go on when it is alone
    ['致电万科物业 签了 下月初上线', '2026-12-01T09:00:00+08:00'],
  ])('%s → %s', (text, at) => {
    expect(parse(text).nextFollowUpAt).toBe(at);
  });
});
