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
  // The template card has no chart; its body (sub_title_text: the text, then the notes) is cut at
  // 500 characters by render.ts, so longer text continues on further cards (adaptCard).
  charts: false,
  maxText: 500,
  updateById: false,
};
