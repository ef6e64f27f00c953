import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../../src/domain/notes/template.js';

describe('readTemplate', () => {
  it.each([
    ['客户: 云帆科技\n联系人: 王总\n下一步: 周三发报价', { customer: '云帆科技', contact: '王总', nextStep: '周三发报价' }],
    ['Customer: Initech / Contact: Bill / Next step: demo', { customer: 'Initech', contact: 'Bill', nextStep: 'demo' }],
  ])('reads the labelled lines of %j', (text, fields) => {
    expect(readTemplate(text)).toEqual(fields);
  });

  it.each(['客户: 云帆科技 联系人: 王总', '客户: 云帆科技/联系人: 王总', '今天拜访了云帆王总, 下周三发报价', ''])(
    'reads no template in one line: %j',
    (text) => {
      expect(readTemplate(text)).toBeNull();
    },
  );

  it('skips only notes that cannot be templates (one line: no newline, no `/`)', () => {
    // A newline at the end adds an empty line, which reads as nothing: the same note read the long way.
    const piece = fc.constantFrom(
      '客户',
      '联系人',
      '下一步',
      'customer',
      'contact',
      'next step',
      '预算',
      ':',
      '：',
      ' ',
      '/',
      ' / ',
      '云帆',
      '周三',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 14 }).map((p) => p.join('')),
        (text) => {
          expect(readTemplate(text)).toEqual(readTemplate(`${text}\n`));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
