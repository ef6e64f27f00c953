import { describe, expect, it } from 'vitest';
import { trainCustomerTagger, trainingNotes, weightsModule } from './customer-tagger-training.js';

/**
 * The customer tagger's weights are trained from the fixture notes: this trains them again and
 * compares with the stored module, so a change of the fixtures or of the tagger's features that
 * is not followed by training fails here; `-u` writes the new weights.
 */
describe('the customer tagger weights', () => {
  it('are the ones the fixture notes give', async () => {
    const { notes, files } = trainingNotes();
    const { weights, used } = trainCustomerTagger(notes);
    expect(used).toBeGreaterThan(1000);
    await expect(weightsModule(weights, `${used} notes of test/fixtures/notes (${files.length} files)`)).toMatchFileSnapshot(
      '../../../src/domain/notes/customer-tagger-weights.ts',
    );
  }, 120_000);
});
