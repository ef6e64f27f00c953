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

describe('words that open a clause before the name are not part of it', () => {
  it.each([
    // An interjection of dictation (喂, 哎) before a filler word.
    ['喂那个鲜丰水果的店长莫姐说价格还能再谈', '鲜丰水果'],
    ['哎这个华联超市的采购牛经理又改需求了', '华联超市'],
    // A first contact (第一次接触, 初次接触) is what happened, not the name.
    ['今天第一次接触明视眼科的运营总监谷先生', '明视眼科'],
    ['上午初次接触绿源物业,前台转给了鲁经理', '绿源物业'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('a department of a hospital is still cut off (a clinic of a specialty is not)', () => {
    expect(parse('拜访了市第一人民医院眼科的黎主任').customer).toBe('市第一人民医院');
  });
});

describe('a Chinese name standing as a word of an English sentence', () => {
  it.each([
    ['Lost 华润万家 - they went with a cheaper vendor', '华润万家'],
    ['Coffee with Amy from 蜜雪冰城市场部, budget not approved yet', '蜜雪冰城'],
    ['Partner Deloitte introduced us to 招商银行 for the audit tool, 初次接触 with 尹总', '招商银行'],
    // An apostrophe inside a Latin brand glued to a Chinese region.
    ["拜访了 L'Occitane中国 的 Amy女士, 对 CRM 感兴趣", "L'Occitane中国"],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('a person after the preposition is the contact, not the customer', () => {
    const note = parse('Lunch with 章伟 today, he wants a demo');
    expect(note.customer).toBeNull();
  });
});

describe('the template with a dash between label and value', () => {
  it('reads 客户——, 联系人—— and keeps 报价——已发 as a stated quote', () => {
    const note = parse('客户——安井食品\n联系人——詹经理(采购部)\n沟通——微信\n报价——已发,总价12万\n下次——周四');
    expect(note.customer).toBe('安井食品');
    expect(note.contact).toBe('詹经理');
    expect(note.stage).toBe('quote');
    expect(note.amount).toBe(120000);
  });

  it('reads `label -- value` too', () => {
    expect(parse('客户 -- 太古可口可乐\n联系人 -- 纪总').customer).toBe('太古可口可乐');
  });
});

describe('a Latin brand before Chinese words of the dictionary, with a space between', () => {
  it.each([
    ['Bosch 无锡工厂 Mr. Keller 电话 确认需求', 'Bosch 无锡工厂'],
    ['只有 Anker 供应链的 Nina 回了邮件, new lead', 'Anker 供应链'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('a given name before the Chinese words is a person, not a brand', () => {
    expect(parse('Tony 上海工厂 电话 报价已发').customer).not.toBe('Tony 上海工厂');
  });
});

describe('a unit with its place after the organisation', () => {
  it.each([
    ['老凤祥上海总部 Grace 邮件确认收到方案', '老凤祥'],
    ['美宜佳深圳门店 店长蒋姐 电话 想加会员系统', '美宜佳'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('a short form of a name written in full earlier in the note', () => {
  it('is the full name', () => {
    expect(parse('中国联通江苏公司的专网项目,走集成商华为,对接人是联通的韦经理,方案已发').customer).toBe('中国联通江苏公司');
  });
});

describe('a short bureau met inside an organisation visited before', () => {
  it('is a unit of it', () => {
    expect(parse('上午去了一趟临港新片区管委会见了规划局的施处长,平台的事下周再谈').customer).toBe('临港新片区管委会');
  });
  it('is the customer when nothing else is named', () => {
    expect(parse('见了住建局的柴科长,方案下周发').customer).toBe('住建局');
  });
});

describe('a clause with an adverb of time is no name', () => {
  it('> 胡主任-style chat lines: the hospital, attached to its university, is the customer', () => {
    const note = parse('> 侯主任: 这边的申请已经报到信息处了\n复旦大学附属华山医院 神经科 跟进中');
    expect(note.customer).toBe('复旦大学附属华山医院');
  });
  it.each([
    ['拜访了浙江大学附属第一医院的药剂科,聂主任很感兴趣', '浙江大学附属第一医院'],
    ['华东师范大学附属中学 教务处 邹老师 电话 初次接触', '华东师范大学附属中学'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('B2C notes: a kind of place or of person is no organisation', () => {
  it.each([
    ['花店 Cindy 到店订了婚礼花艺 8800 下周六布置', 'Cindy'],
    ['影楼来了一对新人 新郎叫Kevin 选了9999的套餐 当场成交', 'Kevin'],
  ])('%s → no customer, contact %s', (text, contact) => {
    const note = parse(text);
    expect(note.customer).toBeNull();
    expect(note.contact).toBe(contact);
  });

  it('a full name followed by an age is the person', () => {
    const note = parse('刘晓燕 40岁左右 来店看了沙发 嫌贵 周六再来');
    expect(note.contact).toBe('刘晓燕');
    expect(note.customer).toBeNull();
  });
});

describe('a Latin given name after a role', () => {
  it.each([
    ['跟普华永道的合伙人Steven吃饭,他介绍了海天味业的共享中心项目,下周约海天的人', '海天味业', 'Steven'],
    ['和蓝湖科技的PM Rachel开了个会,她说预算还没批', '蓝湖科技', 'Rachel'],
  ])('%s', (text, customer, contact) => {
    const note = parse(text);
    expect(note.customer).toBe(customer);
    expect(note.contact).toBe(contact);
  });
});

describe('a name opening the note before what became of it', () => {
  it.each([
    ['墨竹茶舍成交,2.6w', '墨竹茶舍'],
    ['“溪岸”已经流失了,换了别家', '溪岸'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('space-separated jottings', () => {
  it.each([
    // The opening word, before a channel word, even of two characters.
    ['乐川 电话 没人接 后天 再打', '乐川'],
    // Before a first contact, a count of stores.
    ['青木农庄 初次接触 场主 老蔡 想做溯源', '青木农庄'],
    ['蜀香阁 8家店 收银系统 预算5w 微信沟通 钟老板', '蜀香阁'],
    // What happened first, then the name.
    ['签约成功 三棵树 合同额60万', '三棵树'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('a role word of a farm or shop (场主, 店主) is no name, the person after it is the contact', () => {
    expect(parse('青木农庄 初次接触 场主 老蔡 想做溯源').contact).toBe('老蔡');
  });

  it('a day and an adverb before the person (下周二再约…) is no name', () => {
    expect(parse('松岭物流那边卡在账期上,下周二再约邱总谈').customer).toBe('松岭物流');
  });
});

describe('what is sold is not who buys it', () => {
  it.each([['客户孔女士到店,全家福套餐选了3999那档,当场签单'], ['会员小程序 易老板 微信 预算2w']])('%s → no customer', (text) => {
    expect(parse(text).customer).toBeNull();
  });
});

describe('a clause whose subject is the name, then what it chose or signed', () => {
  it.each([
    ['今天丢了一单,Horizon建材 选了别家,价格差太多', 'Horizon建材'],
    ['Great news!! 云帆跨境 签了年框,下月初启动', '云帆跨境'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('an adverb of two characters before 选了 is no name', () => {
    expect(parse('比了三家,最后选了我们,下周签合同').customer).toBeNull();
  });
});

describe('English notes: more verbs, organisation words and roles in brackets', () => {
  it.each([
    ['Lost Redwood Property Management to a cheaper vendor.', 'Redwood Property Management'],
    ['Contract with Copperhill Mining is with their lawyers; follow up Dec 9.', 'Copperhill Mining'],
    ['Called Dana Reyes (Head of Ops, Finch & Moor LLP) about the renewal.', 'Finch & Moor LLP'],
    ['Sent a follow-up email to Adebayo Agritech about the sensors quote.', 'Adebayo Agritech'],
    ['Follow up 青松仓储 tomorrow 10am, 他们想看WMS的demo', '青松仓储'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('an organisation after 了 when another ends before it in the same run', () => {
  it('通过…代理商…拿下了X的项目 → X', () => {
    expect(parse('通过华南区代理商腾达信息拿下了欧派家居的项目,合同已签,总额六十万').customer).toBe('欧派家居');
  });
});

describe('bureaus of a city or county', () => {
  it.each([
    ['今天去青州市交通运输局送资料,对接的是规划科的冉科长', '青州市交通运输局'],
    ['拜访了滨江区住建局,方案下周发', '滨江区住建局'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('what ends the run before a person', () => {
  it.each([
    // A verb of seeking (找) glued before the person.
    ['下午两点去平安保险客服中心找鲍主任聊续约', '平安保险'],
    // The head of a department (一把手) is a role, the department a unit.
    ['第二次拜访华菱重工,终于见到了采购部的一把手宁部长', '华菱重工'],
    // Where the rep met them (碰到, 楼上) opens the run.
    ['在电梯里碰到楼上信诚会计师事务所的邝所长聊了两句', '信诚会计师事务所'],
    // A centre with a name of its own after a district and 的.
    ['新线索,闵行的小橡树早教中心,负责人詹老师', '小橡树早教中心'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('会计师 after a surname-like character is a profession, not a person (成会计)', () => {
    expect(parse('在电梯里碰到楼上天成会计师事务所的邝所长').contact).toBe('邝所长');
  });

  it('小 + surname after an English role is the person', () => {
    expect(parse('腾讯会议 with Lumen Games 的 producer 小叶 谈了价格').contact).toBe('小叶');
  });
});

describe('和 opening a clause: the name’s own character or the preposition “with”', () => {
  it.each([
    // The organisation is the subject of what follows, and nothing is done with it.
    ['老客户和信地产打来电话,说物业系统还要加模块', '和信地产'],
    ['评审会开得很顺:和泰物流的两个副总都在,当场认可', '和泰物流'],
    ['合同已经签了,和瑞纸业的戚总很爽快,总金额四十万', '和瑞纸业'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([
    ['和顺达物流的赵总视频会议,谈价格', '顺达物流'],
    ['今天和华润万家的杜总确认了方案,下周报价', '华润万家'],
    ['视频会议:和中信证券 孔总 过了一遍条款', '中信证券'],
    ['和天虹商场的蔡总电联,对方说已经选了别家', '天虹商场'],
    ['和泰禾集团签了框架协议,总额两百万', '泰禾集团'],
  ])('%s → %s (with)', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('the new cues do not invent a customer', () => {
  it.each([
    // A place after a preposition in an English sentence.
    ['Meeting at 上海 office with Tom, he wants a demo'],
    // What happened, then an amount: no name in the jotting.
    ['成交 3980元 下周交付'],
    // A familiar form of address opening a jotting is a person.
    ['老周 电话 没通 后天再打'],
    // An adverb before what was chosen.
    ['他们最终选了别家的方案'],
  ])('%s → no customer', (text) => {
    expect(parse(text).customer).toBeNull();
  });
});

describe('a Chinese name after an English verb or a person', () => {
  it.each([
    // A person's workplace after from, even of two characters.
    ['微信 with Lily from 喜茶 市场部, 预算 20w', '喜茶', 'Lily'],
    // What is followed up is an organisation, even shaped like a full name.
    ['Follow up 周黑鸭 next Tuesday re: 报价', '周黑鸭', null],
  ])('%s → %s', (text, customer, contact) => {
    const note = parse(text);
    expect(note.customer).toBe(customer);
    if (contact) expect(note.contact).toBe(contact);
  });

  it.each([['个人客户 何女士 保险 年缴 两万四,已签单'], ['宋小姐来店里试了婚纱,选了一套,签了合同']])('%s → no customer', (text) => {
    expect(parse(text).customer).toBeNull();
  });
});

describe('more verb and role frames around the name', () => {
  it.each([
    // 给X打了个电话: the call's measure word between the verb and 电话.
    ['记一下今天给青禾园艺打了个电话,老板说要统一管理苗圃', '青禾园艺'],
    // X的市场总监: a role with no person named after it.
    ['今天和蓝山咖啡的市场总监碰了一下,确认了需求', '蓝山咖啡'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('the organisation whose project the note is about', () => {
  it('X 的 <system> 项目 → X', () => {
    expect(parse('招标结果出来了 苏州轨道交通 的 ATS 项目 我们没中').customer).toBe('苏州轨道交通');
  });
});
