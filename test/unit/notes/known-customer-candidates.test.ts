import { describe, expect, it } from 'vitest';
import { createKnownCustomerIndex, searchForm } from '../../../src/domain/notes/known-customer-index.js';

describe('known-customer index candidates', () => {
  const index = createKnownCustomerIndex();
  index.set({ id: '1', name: '杭州云帆科技有限公司', aliases: ['云帆'] }, 2);
  index.set({ id: '2', name: '云帆物流' }, 1);
  index.set({ id: '3', name: '星河银行' }, 0);
  const ids = (note: string, extractedCore: string | null = null) =>
    index
      .candidates(searchForm(note), extractedCore)
      .map((c) => c.customer.id)
      .sort();

  it('lists each customer once, however many of its keys the note and the extracted core hold', () => {
    // 杭州云帆科技有限公司 by its full name, its core 云帆 (twice) and the extracted core; 云帆物流 by 云帆.
    expect(ids('杭州云帆科技有限公司, 云帆王总, 云帆', '云帆')).toEqual(['1', '2']);
  });

  it('lists a customer again on the next call, and nothing for a note without keys', () => {
    expect(ids('拜访云帆')).toEqual(['1', '2']);
    expect(ids('拜访云帆')).toEqual(['1', '2']);
    expect(ids('给星河打电话')).toEqual(['3']);
    expect(ids('今天天气不错')).toEqual([]);
  });

  it('finds a replaced customer by its new name only, and a deleted one not at all', () => {
    index.set({ id: '3', name: '海润证券' }, 3);
    expect(ids('海润证券, 海润')).toEqual(['3']);
    expect(ids('星河银行')).toEqual([]);
    index.delete('3');
    expect(ids('海润证券')).toEqual([]);
  });
});
