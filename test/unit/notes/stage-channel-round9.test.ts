import { describe, expect, it } from 'vitest';
import { parseNote } from '../../../src/domain/notes/index.js';
import { findStage, stageNamed } from '../../../src/domain/notes/channel-and-stage.js';
import { fixTypos } from '../../../src/domain/notes/typos.js';

// Issue #14, round 9: stage and channel wording the rules had not met. The notes below were
// written for these tests (not taken from a corpus); each rule is tried with wording other than
// the note that led to it, and beside notes that must not move the stage.
const now = new Date('2026-11-25T10:00:00+08:00');
const parse = (text: string) => parseNote(text, { now, timeZone: 'Asia/Shanghai' });

describe('pinyin slips read as the word meant', () => {
  it.each([
    ['报加单昨天发过去了', '报价单昨天发过去了'],
    ['他说报架收到了', '他说报价收到了'],
    ['还在内部比架', '还在内部比价'],
    ['跟采购谈了价个', '跟采购谈了价格'],
    ['正在对比几家的保价', '正在对比几家的报价'],
    ['合同已经钱了', '合同已经签了'],
    ['刚钱了合同', '刚签了合同'],
    ['上午钱约了', '上午签约了'],
    ['签月了!', '签约了!'],
    ['盒同寄出', '合同寄出'],
    ['确任了预算', '确认了预算'],
    ['月低前给答复', '月底前给答复'],
    ['发了右键给财务', '发了邮件给财务'],
    ['今天dianhua沟通 xuqiu明确', '今天电话沟通 需求明确'],
  ])('%s → %s', (written, meant) => {
    expect(fixTypos(written)).toBe(meant);
  });

  it.each([
    '客户已经付钱了',
    '给钱了就发货',
    '花钱约了个顾问',
    '周报加了一项',
    '汇报加演示',
    '保价30天',
    '价个位数的涨幅',
    '右键点击另存为',
    '每月低于五单',
  ])('leaves %s as written', (text) => {
    expect(fixTypos(text)).toBe(text);
  });

  it('gives the stage and channel the slip hid', () => {
    expect(parse('盛达物流 葛总 合同以经钱了 回款下月').stage).toBe('won');
    expect(parse('右键发给了采购部的严经理,附上了报价单').channel).toBe('email');
    expect(parse('跟方舟医疗的宁主任dianhua聊了二十分钟').channel).toBe('call');
  });
});

describe('a field that names the stage', () => {
  it.each([
    ['商务谈判', 'negotiation'],
    ['当前 方案', 'proposal'],
    ['已报价阶段', 'quote'],
    ['新线索', 'lead'],
    ['需求已确认', 'qualified'],
    ['赢单', 'won'],
    ['Closed Lost', 'lost'],
  ])('%s → %s', (value, stage) => {
    expect(stageNamed(value)).toBe(stage);
  });

  it.each(['未报价', '方案下周发', '待定', 'Stage 3'])('%s names none', (value) => {
    expect(stageNamed(value)).toBeNull();
  });

  it('reads a template line labelled 当前阶段 / 项目阶段', () => {
    expect(parse('客户: 东岳环保\n联系人: 计经理\n项目阶段: 商务谈判\n下次跟进: 周五').stage).toBe('negotiation');
    expect(parse('客户名称: 启明幼教\n当前阶段: 方案\n沟通方式: 电话').stage).toBe('proposal');
  });

  it('reads a jotting field between bars, and a labelled one', () => {
    expect(findStage('嘉禾医疗 | 需求确认 | 采购部')).toBe('qualified');
    expect(findStage('客户:华润 | 阶段:方案 | 下周跟进')).toBe('proposal');
  });

  it('does not take a bare 报价 or 方案 between bars for a stage: it may be the next thing to do', () => {
    expect(findStage('嘉禾医疗 | 报价 | 明天发')).toBeNull();
    expect(findStage('嘉禾医疗 | 方案 | 下周')).toBeNull();
  });
});

describe('a fact after a plan in one unpunctuated clause', () => {
  it.each([
    ['下周再过去一趟合同昨天已经签了', 'won'],
    ['准备月底上线培训需求已经确认清楚', 'qualified'],
    ['明天再约刘总刚才报价已经发过去了', 'quote'],
    ['Next step: workshop on Tuesday. Proposal was sent on Friday.', 'proposal'],
    ['Will call again next week; quote already sent', 'quote'],
  ])('%s → %s', (text, stage) => {
    expect(parse(text).stage).toBe(stage);
  });

  it('a plan alone still moves nothing', () => {
    expect(parse('准备下周签合同').stage).toBeNull();
    expect(parse('打算今天下午把方案发过去').stage).toBeNull();
    expect(parse('the PO is expected to be signed next week').stage).toBeNull();
    expect(parse('contract scheduled to be signed Friday').stage).toBeNull();
    expect(parse('We need to review the proposal with our partner first').stage).toBeNull();
  });

  it('a channel after a plan: 今天 then 了 says it happened', () => {
    expect(parse('原定下周上门今天先打了个电话问了问').channel).toBe('call');
    expect(parse('准备今天下午打电话').channel).toBeNull();
  });
});

describe('stage events in other words', () => {
  it.each([
    ['报价 8600元 已提交给采购', 'quote'],
    ['我们给出了一个初步价格 报了大概四十万', 'quote'],
    ['跟对方财务过了一遍报价', 'quote'],
    ['邮件里附上了方案和报价', 'quote'],
    ['附件是二期的实施方案', 'proposal'],
    ['对方IT在 review 我们的 proposal', 'proposal'],
    ['方案在他们内部评估', 'proposal'],
    ['The proposal is under review by their board', 'proposal'],
    ['Deck went out this morning', 'proposal'],
    ['They have our quote and are comparing vendors', 'quote'],
    ['Pricing has been shared with procurement', 'quote'],
    ['确认了他们的排产需求', 'qualified'],
    ['Requirements gathered: 40 seats', 'qualified'],
    ['合同在走法务', 'negotiation'],
    ['Their contract is in legal review', 'negotiation'],
    ['Deal closed! Annual plan', 'won'],
    ['Vireo won 🎉', 'won'],
    ['对方已经下了采购单', 'won'],
    ['客户最终选择了交付更快的竞品', 'lost'],
    ['对方决定用别家的了', 'lost'],
    ['They decided not to move forward', 'lost'],
    ['The deal fell through', 'lost'],
    ['Prospect picked a cheaper provider', 'lost'],
  ])('%s → %s', (text, stage) => {
    expect(parse(text).stage).toBe(stage);
  });

  it.each([
    // still to do, inside the cue
    ['需求待确认'],
    ['需求还需要进一步确认'],
    ['报价单还要再改'],
    // an event that did not come off
    ['合同续签没成'],
    ['签约失败了'],
    // put off, not lost
    ['今年不考虑了 明年再看'],
    ['暂时不做了'],
    ['They decided not to move forward for now'],
    // our own side chosen, a comparison without us, a stamp that may be on a quote
    ['客户选择了我们而不是竞品'],
    ['客户最后选了价格更高的我们'],
    ['附件是报价单模板'],
    // words that only look like cues
    ["We won't sign before January"],
    ['The office is closed on Friday'],
    ['need confirmed budget before we quote'],
    ['汇报了工作进展'],
  ])('%s → no stage', (text) => {
    expect(parse(text).stage).toBeNull();
  });

  it('a stage word for the incumbent or a competitor is not ours', () => {
    expect(parse('竞品报了一个很低的价格').stage).toBeNull();
  });
});

describe('channels in other words', () => {
  it.each([
    ['约了单总中午吃饭,席间聊了二期', 'visit'],
    ['约了 Nina 喝咖啡, 聊了续约', 'visit'],
    ['上回拜访之后没动静,今天微信问了进度', 'wechat'],
    ['之前联系过一次这回是他们打电话过来', 'call'],
    ['下午去了他们仓库那边找老板谈', 'visit'],
    ['跑了一趟他们工厂', 'visit'],
    ['去他们工地看了一下', 'visit'],
    ['对方厂长带我们看了现场', 'visit'],
    ['刚接到采购部的电话', 'call'],
    ['在 Teams 上跟 Olaf 开了会', 'meeting'],
    ['Jumped on a quick Zoom with their CFO', 'meeting'],
    ['开了个线上会,对了一下需求', 'meeting'],
    ['did an onsite with the ops team', 'visit'],
  ])('%s → %s', (text, channel) => {
    expect(parse(text).channel).toBe(channel);
  });

  it.each([
    ['约了单总下周二吃饭'],
    ['约了王总吃饭,他说周五有空'],
    ['Kickoff call tomorrow with their PM'],
    ['Demo meeting next Tuesday'],
    ['我建议下周去现场演示一次'],
    ['下午去他办公室坐坐'],
    ['右键点击另存为'],
  ])('%s → no channel', (text) => {
    expect(parse(text).channel).toBeNull();
  });
});
