import type { Capabilities } from '../../messaging/types.js';

/**
 * The template card (button_interaction): no inputs, one drop-down (button_selection) of at most
 * ten options that a button sends, six buttons, no rows with their own buttons, no @-mentions in
 * cards, and an update only with a single-use response code (from the send or a click).
 */
export const WECOM_CAPABILITIES: Capabilities = {
  inputs: false,
  controls: 1,
  maxOptions: 10,
  controlsCallBack: false,
  personPicker: false,
  datePicker: false,
  maxButtons: 6,
  maxLabel: 10,
  sections: false,
  mentions: false,
  // The template card has no chart; its body text (sub_title_text) is cut at 500 characters by
  // render.ts, so 400 leaves room for the notes that share it.
  charts: false,
  maxText: 400,
  updateById: false,
};
