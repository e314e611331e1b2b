import { createCertdeskApi, describeRequestError } from './certdesk-api.js';
import { renderMessage, renderRenewal } from './sidebar-view.js';
import { setLocale, t } from './i18n.js';

// The one place the ZAF client is created (zendesk/app_scaffolds convention).
const client = window.ZAFClient.init();
const root = document.getElementById('app');
const POLL_MS = 1500;
const POLL_LIMIT = 40;

let api = null;
let ticketId = null;
let view = null;
let busy = false;
let notice = null;

function resize() {
  client.invoke('resize', { width: '100%', height: `${Math.ceil(document.documentElement.scrollHeight)}px` });
}

function render() {
  if (view) renderRenewal(root, view, { busy, notice, onAction, onCopy });
  resize();
}

async function load() {
  try {
    view = await api.getRenewal(ticketId);
    render();
    return view;
  } catch (error) {
    const { status, message } = describeRequestError(error);
    view = null;
    renderMessage(root, status === 404 ? t('sidebar.no_renewal') : message, status === 404 ? 'info' : 'error');
    resize();
    return null;
  }
}

/** The renewal has changed the way the action promised (not merely been touched). */
function settled(action, before, now) {
  if (!now) return true;
  if (action === 'regenerate_csr') return Boolean(now.csr) && now.csr.publicKeySha256 !== before.csr?.publicKeySha256;
  return now.state !== before.state;
}

function doneText(action, now) {
  if (!now) return t('sidebar.done');
  if (action === 'regenerate_csr') return t('sidebar.done_regenerated');
  return t('sidebar.done_state', { state: now.stateLabel.toLowerCase() });
}

async function onAction(availability) {
  if (busy || !view) return;
  const before = view;
  busy = true;
  notice = { kind: 'info', text: t('sidebar.asking', { action: availability.label }) };
  render();
  try {
    const answer = await api.requestAction(ticketId, availability.action);
    notice = { kind: 'info', text: answer.message };
    render();
    for (let i = 0; i < POLL_LIMIT; i++) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const now = await load();
      if (settled(availability.action, before, now)) {
        notice = { kind: 'ok', text: doneText(availability.action, now) };
        busy = false;
        render();
        return;
      }
    }
    notice = { kind: 'info', text: t('sidebar.not_finished') };
  } catch (error) {
    notice = { kind: 'error', text: describeRequestError(error).message };
  }
  busy = false;
  render();
}

async function onCopy(textarea) {
  try {
    await navigator.clipboard.writeText(textarea.value);
  } catch {
    // Some browsers refuse the clipboard API inside an iframe; a selected text copies the old way.
    textarea.closest('details')?.setAttribute('open', '');
    textarea.select();
    document.execCommand('copy');
  }
  notice = { kind: 'ok', text: t('sidebar.csr_copied') };
  render();
}

async function start() {
  const [metadata, ticket] = await Promise.all([client.metadata(), client.get(['ticket.id', 'currentUser.locale'])]);
  ticketId = ticket['ticket.id'];
  setLocale(ticket['currentUser.locale']);
  const url = metadata?.settings?.certdesk_url;
  if (!url) {
    renderMessage(root, t('sidebar.not_configured'), 'error');
    resize();
    return;
  }
  api = createCertdeskApi(client, url);
  await load();
}

client.on('app.registered', resize);
start().catch((error) => {
  renderMessage(root, t('sidebar.could_not_start', { error: error?.message || error }), 'error');
  resize();
});
