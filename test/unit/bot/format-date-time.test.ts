import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDateTime } from '../../../src/bot/cards/i18n.js';

describe('formatDateTime', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['zh-CN', 'Asia/Shanghai', '12月2日 周三 09:00'],
    ['en', 'Asia/Shanghai', 'Wed, Dec 2, 09:00'],
    ['zh-CN', 'America/New_York', '12月1日 周二 20:00'],
  ] as const)('%s in %s', (locale, zone, expected) => {
    expect(formatDateTime(locale, new Date('2026-12-02T01:00:00Z'), zone)).toBe(expected);
  });

  it('builds a formatter once per language and zone, not once per card (the largest CPU item of a reply card)', () => {
    const Original = Intl.DateTimeFormat;
    let built = 0;
    // Counts constructions and formats as the real one does.
    class Counting extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        built += 1;
      }
    }
    vi.spyOn(Intl, 'DateTimeFormat').mockImplementation((...args) => new Counting(...args));
    const at = new Date('2026-12-02T01:00:00Z');
    for (let i = 0; i < 50; i++) {
      formatDateTime('zh-CN', new Date(at.getTime() + i * 3_600_000), 'Asia/Tokyo');
      formatDateTime('en', new Date(at.getTime() + i * 3_600_000), 'Asia/Tokyo');
    }
    expect(built).toBeLessThanOrEqual(2);
    expect(formatDateTime('zh-CN', at, 'Asia/Tokyo')).toBe('12月2日 周三 10:00');
  });
});
