import { describe, expect, it } from 'vitest';
import { AMOUNT_START_CHARS } from '../../../src/domain/notes/amounts.js';
import { CN_NUMERAL_CHARS } from '../../../src/domain/notes/chinese-numerals.js';
import { parseNote } from '../../../src/domain/notes/index.js';

const now = new Date('2026-11-25T10:00:00+08:00');
const amountOf = (text: string) => {
  const note = parseNote(text, { now, timeZone: 'Asia/Shanghai' });
  return [note.amount, note.currency];
};

describe('amounts', () => {
  it.each([
    ['预算50万', 500000, 'CNY'],
    ['预算80w', 800000, 'CNY'],
    ['报价36.8万', 368000, 'CNY'],
    ['报价 12.6万,12.10前回复', 126000, 'CNY'],
    ['预算两百万', 2000000, 'CNY'],
    ['三十万的单子', 300000, 'CNY'],
    ['预算批了,一百五十万', 1500000, 'CNY'],
    ['budget 45k', 45000, 'CNY'],
    ['$120,000 deal', 120000, 'USD'],
    ['合同额1.2亿', 120000000, 'CNY'],
    ['金额 300000 元', 300000, 'CNY'],
    ['¥600,000', 600000, 'CNY'],
    ['budget 1.5M USD', 1500000, 'USD'],
    ['预算:15万', 150000, 'CNY'],
    ['五千块', 5000, 'CNY'],
    ['预算很充足 大概一千万 月底前出方案', 10000000, 'CNY'],
    ['Budget approved at 1.2M', 1200000, 'CNY'],
  ])('%s → %d %s', (text, amount, currency) => {
    expect(amountOf(text)).toEqual([amount, currency]);
  });

  it.each([
    ['团队50人'],
    ['每个账号200元/年'],
    ['单价300元'],
    ['对方希望打九折'],
    ['电话13700001111'],
    ['12月5日前发合同'],
    ['下午3点'],
    ['采购500台'],
    ['增长了30%'],
    ['预算50-60万'],
    ['no budget until Q2'],
    ['预算 5'],
  ])('%s is not an amount', (text) => {
    expect(amountOf(`云帆科技 ${text}`)[0]).toBeNull();
  });

  it('prefers the amount named by a money word over a count', () => {
    expect(amountOf('采购500台控制器,单价每台300元,总金额15万')[0]).toBe(150000);
  });
});

describe('the characters an amount can start with', () => {
  it('hold every character \\s matches, every digit and every Chinese numeral', () => {
    const starts = new Set(AMOUNT_START_CHARS);
    for (let code = 0; code < 0x10000; code++) {
      const c = String.fromCharCode(code);
      if (/[\s\d]/.test(c) || CN_NUMERAL_CHARS.includes(c)) expect(starts.has(c), `U+${code.toString(16)}`).toBe(true);
    }
  });
});
