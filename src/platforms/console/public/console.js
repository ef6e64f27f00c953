/* global document, location, localStorage, EventSource, URLSearchParams, FormData */
// genjin console: plain JavaScript, no framework and no build step. Renders the bot's neutral
// messages (src/messaging/types.ts) and sends typed text and card clicks back to /console/api.

const token = new URLSearchParams(location.search).get('token');
const query = token ? `?token=${encodeURIComponent(token)}` : '';
const $ = (id) => document.getElementById(id);

const state = { people: [], chats: [], jobs: [], messages: new Map(), me: null, chat: null, unread: new Map() };

async function api(path, body) {
  const res = await fetch(`/console/api/${path}${query}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message || data.error || `HTTP ${res.status}`);
  return data;
}

/** Builds an element: `el('button', { class: 'primary', onclick }, 'text', child)`. Text is never parsed as HTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

let toastTimer;
function toast(kind, text) {
  const box = $('toast');
  box.textContent = text;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 3500);
}

const personName = (id) => state.people.find((p) => p.id === id)?.name ?? id;
const myChats = () => [
  { key: `user:${state.me}`, label: `私聊 genjin / Chat with genjin` },
  ...state.chats.map((c) => ({ key: `chat:${c.id}`, label: `群 / Group: ${c.name}` })),
];

function renderWho() {
  const who = $('who');
  who.replaceChildren(
    ...state.people.map((p) =>
      el('option', { value: p.id, selected: p.id === state.me }, `${p.name} · ${p.role === 'manager' ? '经理 manager' : '销售 rep'}`),
    ),
  );
}

function renderChats() {
  $('chats').replaceChildren(
    ...myChats().map((c) => {
      const unread = state.unread.get(c.key) ?? 0;
      return el(
        'li',
        {},
        el(
          'button',
          { type: 'button', 'aria-current': c.key === state.chat ? 'true' : 'false', onclick: () => openChat(c.key) },
          el('span', {}, c.label),
          unread ? el('span', { class: 'badge', 'aria-label': `${unread} new` }, String(unread)) : null,
        ),
      );
    }),
  );
  const current = myChats().find((c) => c.key === state.chat);
  $('chat-title').textContent = current ? current.label : '';
  $('text').placeholder = state.chat?.startsWith('chat:')
    ? '@genjin 今天给云帆科技王总打电话,预算50万'
    : '今天给云帆科技王总打电话,预算50万,下周三上门演示';
}

function openChat(key) {
  state.chat = key;
  state.unread.delete(key);
  renderChats();
  renderMessages();
}

function renderMessages() {
  const list = $('messages');
  const shown = [...state.messages.values()].filter((m) => m.chat === state.chat);
  list.replaceChildren(...shown.map(renderMessage));
  list.lastElementChild?.scrollIntoView({ block: 'end' });
}

function renderMessage(m) {
  const mine = m.from === state.me;
  const who = m.from === 'bot' ? 'genjin' : personName(m.from);
  const time = new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const body = m.message.kind === 'text' ? el('div', { class: 'bubble' }, m.message.text) : renderCard(m.message.card, m.id);
  return el(
    'li',
    { class: `msg${mine ? ' mine' : ''}`, id: `m-${m.id}`, 'data-id': m.id },
    el('div', { class: 'meta' }, `${who} · ${time}`),
    body,
  );
}

function renderFields(fields) {
  if (!fields?.length) return null;
  return el('dl', { class: 'fields' }, ...fields.map((f) => el('div', {}, el('dt', {}, f.label), el('dd', {}, f.value))));
}

/** A card's chart as CSS bars: one row per category, one bar per series, scaled to the largest value. */
function renderChart(chart) {
  if (!chart) return null;
  const max = Math.max(1, ...chart.series.flatMap((s) => s.values));
  return el(
    'figure',
    { class: 'chart', 'aria-label': chart.title },
    el('figcaption', {}, chart.title, ' ', ...chart.series.map((s, i) => el('span', { class: `legend series-${i}` }, s.name))),
    ...chart.categories.map((category, i) =>
      el(
        'div',
        { class: 'chart-row' },
        el('span', { class: 'chart-label' }, category),
        el(
          'span',
          { class: 'chart-bars' },
          ...chart.series.map((s, k) => {
            const value = s.values[i] ?? 0;
            const bar = el('span', { class: `chart-bar series-${k}`, title: `${s.name} ${value}` }, String(value));
            // Through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
            bar.style.width = `${Math.round((value / max) * 100)}%`;
            return bar;
          }),
        ),
      ),
    ),
  );
}

function renderCard(card, messageId) {
  const click = (action, extra = {}) => sendClick(messageId, action, extra);
  const button = (b) =>
    el(
      'button',
      {
        type: 'button',
        class: b.style && b.style !== 'default' ? b.style : null,
        onclick: (e) => click(b.action, { button: e.currentTarget }),
      },
      b.label,
    );
  return el(
    'article',
    { class: `card tone-${card.tone}`, 'aria-label': card.title },
    el('header', {}, el('h3', {}, card.title)),
    el(
      'div',
      { class: 'card-body' },
      card.mentions?.length ? el('p', { class: 'mentions' }, card.mentions.map((m) => `@${m.name}`).join(' ')) : null,
      renderFields(card.fields),
      card.text ? el('p', { class: 'text' }, card.text) : null,
      renderChart(card.chart),
      ...(card.sections ?? []).map((s) =>
        el(
          'section',
          {},
          s.title ? el('h4', {}, s.title) : null,
          el(
            'ul',
            { class: 'rows' },
            ...s.rows.map((r) =>
              el(
                'li',
                { class: 'row' },
                el('p', {}, r.text),
                renderFields(r.fields),
                r.buttons?.length || r.control
                  ? el('div', { class: 'actions' }, ...(r.buttons ?? []).map(button), r.control ? renderControl(r.control, click) : null)
                  : null,
              ),
            ),
          ),
        ),
      ),
      ...(card.controls ?? []).map((c) => renderControl(c, click)),
      card.form ? renderForm(card.form, click) : null,
      card.buttons?.length ? el('div', { class: 'actions' }, ...card.buttons.map(button)) : null,
      card.notes?.length ? el('ul', { class: 'notes' }, ...card.notes.map((n) => el('li', {}, n))) : null,
    ),
  );
}

let uid = 0;
/** A select, a person picker (only the given people) or a date picker, sent with its own button. */
function renderControl(c, click) {
  const id = `c${++uid}`;
  let input;
  if (c.kind === 'date') input = el('input', { type: 'date', id, value: c.initial ?? null });
  else {
    const options = c.kind === 'person' ? c.people.map((p) => ({ label: p.name, value: p.id })) : c.options;
    input = el(
      'select',
      { id },
      el('option', { value: '', disabled: true, selected: c.kind === 'person' || !c.initial }, c.placeholder),
      ...options.map((o) => el('option', { value: o.value, selected: c.kind !== 'person' && o.value === c.initial }, o.label)),
    );
  }
  const send = (e) => {
    if (!input.value) return toast('error', `${c.placeholder}?`);
    click(c.action, { values: { [c.name]: input.value }, button: e.currentTarget });
  };
  return el(
    'div',
    { class: `control control-${c.kind}`, 'data-name': c.name },
    el('label', { for: id }, c.placeholder),
    input,
    el('button', { type: 'button', onclick: send }, c.submitLabel),
  );
}

function renderForm(form, click) {
  const fields = form.inputs.map((i) => {
    const attrs = { name: i.name, placeholder: i.placeholder ?? null };
    const input = i.multiline ? el('textarea', { ...attrs, rows: 3 }, i.value ?? '') : el('input', { ...attrs, value: i.value ?? '' });
    return el('label', {}, i.label, input);
  });
  const node = el(
    'form',
    { 'data-form': form.name },
    ...fields,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, form.submitLabel)),
  );
  node.addEventListener('submit', (e) => {
    e.preventDefault();
    const values = Object.fromEntries([...new FormData(node).entries()].map(([k, v]) => [k, String(v)]));
    click(form.submit, { form: values, button: e.submitter });
  });
  return node;
}

async function sendClick(messageId, action, { values, form, button }) {
  if (button) button.disabled = true;
  try {
    const answer = await api('clicks', { as: state.me, messageId, action, values, form });
    if (answer.toast) toast(answer.toast.kind, answer.toast.text);
  } catch (err) {
    toast('error', err.message);
  } finally {
    if (button?.isConnected) button.disabled = false;
  }
}

function upsert(m) {
  const known = state.messages.get(m.id);
  if (known && known.revision >= m.revision) return;
  state.messages.set(m.id, m);
  if (m.chat !== state.chat) {
    if (!known && m.from === 'bot') state.unread.set(m.chat, (state.unread.get(m.chat) ?? 0) + 1);
    return renderChats();
  }
  const node = renderMessage(m);
  const old = document.getElementById(`m-${m.id}`);
  if (old) old.replaceWith(node);
  else {
    $('messages').append(node);
    node.scrollIntoView({ block: 'end' });
  }
}

function renderJobs(jobs) {
  $('job-list').replaceChildren(
    ...jobs.map((j) =>
      el(
        'li',
        {},
        el('span', {}, j.name, ' ', el('code', {}, j.cron)),
        el('button', { type: 'button', 'data-job': j.name, onclick: (e) => runJob(j.name, e.currentTarget) }, '运行 / Run'),
      ),
    ),
  );
}

async function runJob(name, button) {
  const at = $('job-now').value;
  button.disabled = true;
  $('job-result').textContent = `${name} …`;
  try {
    const r = await api('jobs/run', { name, now: at ? new Date(at).toISOString() : undefined });
    $('job-result').textContent = `${name}: ${r.outcome}${r.report ? `\n${JSON.stringify(r.report)}` : ''}`;
  } catch (err) {
    $('job-result').textContent = `${name}: ${err.message}`;
  } finally {
    button.disabled = false;
  }
}

async function load() {
  const s = await api('state');
  state.people = s.people;
  state.chats = s.chats;
  state.jobs = s.jobs;
  for (const m of s.messages) state.messages.set(m.id, m);
  const saved = localStorage.getItem('genjin-console-me');
  state.me = state.people.some((p) => p.id === saved) ? saved : (state.people.find((p) => p.role === 'rep') ?? state.people[0])?.id;
  state.chat = `user:${state.me}`;
  $('seed').hidden = !s.empty;
  renderWho();
  renderChats();
  renderMessages();
  renderJobs(s.jobs);
}

$('who').addEventListener('change', (e) => {
  state.me = e.target.value;
  localStorage.setItem('genjin-console-me', state.me);
  state.chat = `user:${state.me}`;
  renderChats();
  renderMessages();
});

$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  try {
    await api('messages', { as: state.me, chat: state.chat, text });
    $('text').value = '';
  } catch (err) {
    toast('error', err.message);
  }
});
// Enter sends, Shift+Enter starts a new line (as in chat apps).
$('text').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $('composer').requestSubmit();
  }
});

$('jobs-toggle').addEventListener('click', () => {
  const open = $('jobs').hidden;
  $('jobs').hidden = !open;
  $('jobs-toggle').setAttribute('aria-expanded', String(open));
});

$('seed-button').addEventListener('click', async (e) => {
  e.currentTarget.disabled = true;
  try {
    const { report } = await api('seed-demo', {});
    $('seed-result').textContent = `${report.customers} customers, ${report.followUps} follow-ups`;
    setTimeout(() => ($('seed').hidden = true), 2500);
  } catch (err) {
    toast('error', err.message);
    e.currentTarget.disabled = false;
  }
});

function listen() {
  const events = new EventSource(`/console/events${query}`);
  let dropped = false;
  for (const type of ['message', 'update']) events.addEventListener(type, (e) => upsert(JSON.parse(e.data)));
  events.addEventListener('error', () => (dropped = true));
  // After a reconnect, catch up on what was sent meanwhile.
  events.addEventListener('open', () => {
    if (dropped)
      api('state').then(
        (s) => s.messages.forEach(upsert),
        () => undefined,
      );
    dropped = false;
    document.body.dataset.live = 'true';
  });
}

await load();
listen();
