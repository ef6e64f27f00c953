import { describe, expect, it } from 'vitest';
import { adaptCard } from '../../../src/messaging/adapt-card.js';
import type { Card } from '../../../src/messaging/types.js';
import { FEISHU_CAPABILITIES } from '../../../src/platforms/feishu/adapter.js';
import { decodeFeishuBody } from '../../../src/platforms/feishu/decode.js';
import { renderFeishuCard } from '../../../src/platforms/feishu/render.js';
import { WECOM_CAPABILITIES } from '../../../src/platforms/wecom/capabilities.js';
import { decodeWecomMessage } from '../../../src/platforms/wecom/decode.js';
import { renderTemplateCard } from '../../../src/platforms/wecom/render.js';
import { parseWecomXml } from '../../../src/platforms/wecom/xml.js';
import { feishuCardAction } from '../../helpers/feishu-events.js';

/** A reminder-style card with everything ownership, reminders and digests need. */
const reminder: Card = {
  title: '该跟进了 · 云帆科技',
  tone: 'orange',
  mentions: [{ user: { platform: 'feishu', kind: 'user', id: 'ou_rep' }, name: '李四' }],
  fields: [
    { label: '客户', value: '云帆科技' },
    { label: '联系人', value: '王总' },
    { label: '阶段', value: '已报价' },
    { label: '金额', value: '¥500,000' },
    { label: '上次跟进', value: '11月20日 李四' },
    { label: '下一步', value: '上门演示' },
    { label: '逾期', value: '2 天' },
  ],
  sections: [
    {
      title: '同组其他客户',
      rows: [
        {
          text: '华信银行',
          fields: [{ label: '逾期', value: '5 天' }],
          buttons: [{ label: '提醒TA', action: { name: 'rm.nudge', args: { c: '9' } } }],
        },
      ],
    },
  ],
  controls: [
    {
      kind: 'person',
      name: 'to',
      placeholder: '转给同事',
      people: [
        { id: 'ou_a', name: '张三' },
        { id: 'ou_b', name: '王五' },
      ],
      submitLabel: '转交',
      action: { name: 'own.reassign', args: { c: '7' } },
    },
    {
      kind: 'date',
      name: 'date',
      placeholder: '改期',
      initial: '2026-11-26',
      choices: [
        { label: '明天', value: '2026-11-26' },
        { label: '下周一', value: '2026-11-30' },
      ],
      submitLabel: '改期',
      action: { name: 'rm.reschedule', args: { r: '3' } },
    },
  ],
  buttons: [
    { label: '已跟进', style: 'primary', action: { name: 'rm.done', args: { r: '3' } } },
    { label: '推迟1天', action: { name: 'rm.snooze', args: { r: '3', d: '1' } } },
    { label: '推迟1周', action: { name: 'rm.snooze', args: { r: '3', d: '7' } } },
  ],
};

describe('new card elements', () => {
  it('Feishu: a person picker limited to the given people, a date picker, rows with their own buttons, and a mention', () => {
    const [fitted, ...rest] = adaptCard(reminder, FEISHU_CAPABILITIES);
    expect(rest).toEqual([]);
    const json = JSON.stringify(renderFeishuCard(fitted!));
    expect(json).toContain('"tag":"select_person","name":"to"');
    expect(json).toContain('"options":[{"value":"ou_a"},{"value":"ou_b"}]');
    expect(json).toContain('"tag":"date_picker","name":"date"');
    expect(json).toContain('"initial_date":"2026-11-26"');
    expect(json).toContain('"value":{"a":"own.reassign","c":"7"}');
    expect(json).toContain('<at id=ou_rep></at>');
    expect(json).toContain('"value":{"a":"rm.nudge","c":"9"}');
    expect(json).toContain('**同组其他客户**');
  });

  it('Feishu: the chosen person and date reach the handler as values (the date without its offset)', () => {
    const pick = (name: string, option: string) => {
      const body = feishuCardAction({ token: 't', value: { a: 'own.reassign', c: '7' } });
      const event = { ...body, event: { ...body.event, action: { ...body.event.action, tag: 'select_person', name, option } } };
      const decoded = decodeFeishuBody(event, { botOpenId: null });
      return decoded.kind === 'event' && decoded.event.type === 'card_action' ? decoded.event : null;
    };
    expect(pick('to', 'ou_b')).toMatchObject({ action: { name: 'own.reassign', args: { c: '7' } }, values: { to: 'ou_b' } });
    expect(pick('date', '2026-12-02 +0800')?.values).toEqual({ date: '2026-12-02' });
  });

  it('WeCom: one select per card sent by its own button, facts past six in the body, every action kept across cards', () => {
    const cards = adaptCard(reminder, WECOM_CAPABILITIES);
    const rendered = cards.map((c, i) => renderTemplateCard(c, `gj_t${i}`));
    expect(rendered[0]).toMatchObject({
      card_type: 'button_interaction',
      main_title: { title: '该跟进了 · 云帆科技' },
      button_selection: {
        question_key: 'to',
        title: '转给同事',
        option_list: [
          { id: 'ou_a', text: '张三' },
          { id: 'ou_b', text: '王五' },
        ],
      },
    });
    expect(rendered[0]?.horizontal_content_list).toHaveLength(6);
    expect(String(rendered[0]?.sub_title_text)).toContain('逾期：2 天');
    expect(String(rendered[0]?.sub_title_text)).toContain('@李四');
    expect(String(rendered[0]?.sub_title_text)).toContain('· 华信银行 · 逾期：5 天');
    const keys = rendered.flatMap((r) => (r.button_list as { key: string }[] | undefined)?.map((b) => b.key) ?? []);
    // The two pickers' submit buttons, the three buttons and the row's button: all reachable.
    expect(keys.sort()).toEqual(
      ['a=own.reassign&c=7', 'a=rm.done&r=3', 'a=rm.nudge&c=9', 'a=rm.reschedule&r=3', 'a=rm.snooze&r=3&d=1', 'a=rm.snooze&r=3&d=7'].sort(),
    );
    for (const r of rendered) expect(((r.button_list as unknown[] | undefined)?.length ?? 0) <= 6).toBe(true);
    expect(rendered.find((r) => (r.button_selection as { question_key?: string } | undefined)?.question_key === 'date')).toMatchObject({
      button_selection: {
        option_list: [
          { id: '2026-11-26', text: '明天' },
          { id: '2026-11-30', text: '下周一' },
        ],
        selected_id: '2026-11-26',
      },
    });
  });

  it('WeCom: refuses to render a card that was not fitted, instead of losing its actions', () => {
    expect(() => renderTemplateCard(reminder, 'gj_x')).toThrow(/not fitted/);
    expect(() =>
      renderTemplateCard(
        { title: 't', tone: 'blue', buttons: Array.from({ length: 7 }, (_, i) => ({ label: `b${i}`, action: { name: 'x', args: {} } })) },
        'gj_y',
      ),
    ).toThrow(/7 buttons/);
  });

  it('WeCom: the selected option of a click reaches the handler as a value', () => {
    const xml =
      '<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1795377600</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[a=own.reassign&c=7]]></EventKey><TaskId><![CDATA[gj_1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[RC9]]></ResponseCode><SelectedItems><SelectedItem><QuestionKey><![CDATA[to]]></QuestionKey><OptionIds><OptionId><![CDATA[wangwu]]></OptionId></OptionIds></SelectedItem></SelectedItems><AgentID>1</AgentID></xml>';
    const decoded = decodeWecomMessage(parseWecomXml(xml));
    expect(decoded).toMatchObject({
      kind: 'event',
      event: { type: 'card_action', eventId: 'rc:RC9', action: { name: 'own.reassign', args: { c: '7' } }, values: { to: 'wangwu' } },
    });
  });
});
