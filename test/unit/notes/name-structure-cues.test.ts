import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';

// Issue #14, the customer read from the note's structure (org-spans.ts and the cues in
// customer.ts): one table per structure. The companies, people and wording are our own, not
// lines of the corpora (the blind sets live in the fixtures).
const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string) => parseNote(text, { now, timeZone: 'Asia/Shanghai' });

describe('a name after a verb of visiting or contacting, ending as an industry does', () => {
  it.each([
    ['下午回访宏远电梯,维保合同下月到期', '宏远电梯'],
    ['明天拜访金石机电', '金石机电'],
    ['上周去了一趟恒通冷链,仓库在扩建', '恒通冷链'],
    ['上次拜访后鸿运物业一直没消息', '鸿运物业'],
    ['致电华信印务,样品已寄出', '华信印务'],
    ['跟进星河影城:经理说排期还没定', '星河影城'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([
    // The industry word is what the person wants, not where they work.
    ['周阿姨想给老小区加装电梯,下周上门看看'],
    // A mood, not a name, opens the note.
    ['心情很好 今天阳光明媚'],
  ])('%s → no customer', (text) => {
    expect(parse(text).customer).toBeNull();
  });
});

describe('a name introduced by what the business does or by 叫', () => {
  it.each([
    ['有个做宠物食品的叫萌爪优选,想了解会员系统', '萌爪优选'],
    ['那家做精品咖啡的山隐咖啡上周说要再想想', '山隐咖啡'],
    ['新来的线索,是做外贸服装的,名叫锦程衣坊,老板姓江', '锦程衣坊'],
    // After what the business does, a name shaped like a person's (a surname first) is the shop's.
    ['朋友介绍的客户 开奶茶店的 叫金多多', '金多多'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('a full name after 叫 is a person, not an organisation', () => {
    expect(parse('门店来了个客人叫王海明,想看看钢琴').customer).toBeNull();
  });
});

describe('a name opening the note, said to be the customer or followed by what it did', () => {
  it.each([
    ['青柚这个客户终于回复了,说预算批下来了', '青柚'],
    ['拓远数智今天发来需求清单', '拓远数智'],
    ['KL机电 / 报价已发 / 周工', 'KL机电'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('dictation run on before the name', () => {
  it.each([
    ['中午和老孙喝茶他是腾跃建设的老板想上一套考勤系统', '腾跃建设'],
    ['今天打了好几个电话其中最有希望的是卓越电子的采购经理钱总', '卓越电子'],
    ['我们的老客户万通物流又来问价格了', '万通物流'],
    ['写字楼C座的华盛机电找他们的孟工聊了一下', '华盛机电'],
    ['对方是做冷链仓储的公司叫极速达对接人是陆总', '极速达'],
    ['好几家在比价 国美那边的采购是施经理', '国美'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('a person introduced with 叫 after 客户 is no organisation', () => {
    expect(parse('抖音上来了一个客户 叫陈静 她是开花店的 想做小程序').customer).toBeNull();
  });
});

describe('what stands before 的 and what follows the name', () => {
  it.each([
    // A place or an owner before 的, an organisation after it.
    ['去了趟温州的瑞安鞋业,见了厂长', '瑞安鞋业'],
    ['广州的木棉家居采购林经理发来邮件', '木棉家居'],
    // An ending inside a longer word (市政|务): the name runs on to the ending that ends a word.
    ['去区政务服务中心拜访了窗口负责人', '区政务服务中心'],
    // A verb of receiving glued to the name.
    ['刚接到华茂商贸周总的电话', '华茂商贸'],
    // A unit of the organisation named with it: cut off at its word.
    ['拜访东阳市人民医院信息科,见了钱科长', '东阳市人民医院'],
    ['跟青山镇人民政府办公室的吴主任通了电话', '青山镇人民政府'],
    // A function named alone is no organisation: the organisation named before it is.
    ['去了趟安途汽车服务,跟他们售后的马经理聊了', '安途汽车服务'],
    ['丽景酒店管理 前厅 周经理 方案已发', '丽景酒店管理'],
    // A branch named by its place belongs to the company; a lone 分公司 is none.
    ['拜访了长风国际货运厦门分公司,分公司经理许总很感兴趣', '长风国际货运厦门分公司'],
    // What follows the name after 旗下的 is not part of it.
    ['听说他们集团旗下的蓝湾冷链要先上我们的系统', '蓝湾冷链'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it.each([
    // A place before 的, the organisation with its unit after it.
    ['北京的喜茶门店 吴店长 微信 报价已发', '喜茶'],
    // 小 + a surname is a person, unless an organisation's ending follows (小马 / 小马物流).
    ['客户小马物流说月底前定', '小马物流'],
    // 跟了下 / 聊了一下: the verb's complement is no part of the name.
    ['上午跟了下抖音,还在走流程', '抖音'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });

  it('an organisation described (一家…厂) is not named', () => {
    expect(parse('佛山一家陶瓷厂的老板老罗打电话来问价').customer).toBeNull();
  });

  it('a medium before 的 and a kind of visitor after it: no organisation', () => {
    expect(parse('网上的散客刘女士问了价格,说再考虑').customer).toBeNull();
  });
});

describe('English names', () => {
  it.each([
    ['Pitched to Harbor Light Fisheries on Monday; they passed.', 'Harbor Light Fisheries'],
    ['Great news: Redwood Cold Storage accepted the offer.', 'Redwood Cold Storage'],
    ['Local client Brightwater Ports: needs a quote by Friday.', 'Brightwater Ports'],
    ['Emailed Prairie Seed Co-op about the renewal.', 'Prairie Seed Co-op'],
    ['Via our distributor Acme Channel Partners: called Bluefin Marine, spoke to Ola Berg.', 'Bluefin Marine'],
    ["Dr. Kim from Lakeside University's School of Medicine replied: budget frozen.", 'Lakeside University'],
    ['Sync w/ Zentrix: their architect joins next week.', 'Zentrix'],
    ['Catch-up with Silver Lining, Andrew says the budget is fine.', 'Silver Lining'],
    ['Kovalent procurement asked for net-60 terms.', 'Kovalent'],
  ])('%s → %s', (text, customer) => {
    expect(parse(text).customer).toBe(customer);
  });
});

describe('contacts', () => {
  it.each([
    ['在家禾农场跟场长罗师傅聊了一下午', '罗师傅'],
    ['接到个人客户咨询,姓名司马云,想装修', '司马云'],
    ['微信问Momo(晨曦花艺的店长)要了报价单', 'Momo'],
    ['清泉影业 邮件 Emma 方案已发 下周跟进', 'Emma'],
    ["Demo for Birchwood Legal went fine. Partner Liam O'Brien asked for a quote.", "Liam O'Brien"],
    ['Professor Wong from Eastgate College called back: tender postponed.', 'Professor Wong'],
    ['客户:远帆物业\n对接人:工程部 郑主管\n方式:电话', '郑主管'],
  ])('%s → %s', (text, contact) => {
    expect(parse(text).contact).toBe(contact);
  });
});
