import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNoteExtractor } from '../../../src/domain/notes/index.js';
import { createChatModel } from '../../../src/llm/openai-compatible.js';
import { captureLogs } from '../../helpers/log-capture.js';

const BASE = 'https://llm.test/v1';
const opts = { now: new Date('2026-11-25T10:00:00+08:00'), timeZone: 'Asia/Shanghai' };

function answer(content: unknown) {
  return {
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content) } }],
  };
}

function extractor(timeoutMs = 3000) {
  const logs = captureLogs();
  return {
    logs,
    extractor: createNoteExtractor({
      model: createChatModel({ baseUrl: BASE, apiKey: 'sk-test', model: 'qwen2.5-7b-instruct', timeoutMs }),
      log: logs.log,
    }),
  };
}

describe('model-assisted extraction', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());

  it('asks the endpoint for JSON and merges what the rules missed; rules keep their dates and amounts', async () => {
    let request: { model?: string; response_format?: unknown; messages?: { content: string }[] } = {};
    nock(BASE, { reqheaders: { authorization: 'Bearer sk-test' } })
      .post('/chat/completions', (body) => {
        request = body;
        return true;
      })
      .reply(
        200,
        answer({
          customer: '云帆科技',
          contact: '王总',
          stage: 'qualified',
          amount: 999,
          nextFollowUpAt: '2026-12-09T09:00:00+08:00',
          needs: '仓储管理系统',
        }),
      );
    const { extractor: x } = extractor();
    const note = await x.extract('和云帆科技王总聊了聊仓储的事,预算50万,下周三再约', opts);
    expect(request.model).toBe('qwen2.5-7b-instruct');
    expect(request.response_format).toEqual({ type: 'json_object' });
    expect(request.messages?.[1]?.content).toContain('预算50万');
    expect(note).toMatchObject({
      customer: '云帆科技',
      contact: '王总',
      stage: 'qualified',
      needs: '仓储管理系统',
      amount: 500000,
      nextFollowUpAt: '2026-12-02T09:00:00+08:00',
    });
    expect(note.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('never takes a customer or contact the note does not contain', async () => {
    nock(BASE)
      .post('/chat/completions')
      .reply(200, answer({ customer: '完全虚构有限公司', contact: '李总', stage: null }));
    const note = await extractor().extractor.extract('今天没有客户跟进', opts);
    expect(note.customer).toBeNull();
    expect(note.contact).toBeNull();
  });

  it('does not take a model date for a phrase without a fixed day', async () => {
    nock(BASE)
      .post('/chat/completions')
      .reply(200, answer({ nextFollowUpAt: '2026-12-01T09:00:00+08:00' }));
    const note = await extractor().extractor.extract('拜访云帆科技王总,下周再说', opts);
    expect(note.nextFollowUpAt).toBeNull();
  });

  it.each([
    ['invalid JSON', () => nock(BASE).post('/chat/completions').reply(200, answer('not json {'))],
    [
      'the wrong shape',
      () =>
        nock(BASE)
          .post('/chat/completions')
          .reply(200, answer({ stage: 'maybe' })),
    ],
    ['HTTP 500', () => nock(BASE).post('/chat/completions').reply(500, { error: 'boom' })],
    ['a network error', () => nock(BASE).post('/chat/completions').replyWithError('socket hang up')],
  ])('falls back to the rules alone on %s', async (_label, setup) => {
    setup();
    const { extractor: x, logs } = extractor();
    const note = await x.extract('今天给云帆科技王总打电话,预算50万,下周三上门演示', opts);
    expect(note).toMatchObject({ customer: '云帆科技', amount: 500000, channel: 'call' });
    expect(logs.text()).toContain('using the rules alone');
    // The note text is customer data: it never reaches the logs.
    expect(logs.text()).not.toContain('云帆');
  });

  it('falls back to the rules when the model is slower than the timeout', async () => {
    nock(BASE)
      .post('/chat/completions')
      .delay(500)
      .reply(200, answer({ customer: '云帆科技' }));
    const { extractor: x, logs } = extractor(100);
    const note = await x.extract('今天给云帆科技王总打电话', opts);
    expect(note.customer).toBe('云帆科技');
    expect(logs.text()).toContain('model extraction failed');
  });
});
