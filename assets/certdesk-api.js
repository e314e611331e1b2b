import { t } from './i18n.js';

/**
 * certdesk's agent API, called through Zendesk's request proxy (`cors: false`): the proxy replaces
 * {{setting.shared_secret}} with the secure setting, signs a short-lived HS256 JWT carrying the
 * ticket id, and puts it in place of {{jwt.token}}. The secret never reaches this page.
 */
export function createCertdeskApi(client, certdeskUrl) {
  const base = String(certdeskUrl).replace(/\/+$/, '');

  function call(ticketId, path, type, body) {
    return client.request({
      url: `${base}/api/renewals/${encodeURIComponent(ticketId)}${path}`,
      type,
      secure: true,
      cors: false,
      dataType: 'json',
      contentType: 'application/json',
      headers: { Authorization: 'Bearer {{jwt.token}}' },
      jwt: {
        algorithm: 'HS256',
        secret_key: '{{setting.shared_secret}}',
        expiry: 300,
        claims: { ticket_id: Number(ticketId) },
      },
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
  }

  return {
    /** The renewal's view (state, history, fields, CSR, findings, certificate, actions). */
    getRenewal: (ticketId) => call(ticketId, '', 'GET'),
    /** Asks certdesk to act: "regenerate_csr" or "retry_install". */
    requestAction: (ticketId, action) => call(ticketId, '/actions', 'POST', { action }),
  };
}

/** A failed client.request as { status, message } (ZAF rejects with a jqXHR-like object). */
export function describeRequestError(error) {
  const status = typeof error?.status === 'number' ? error.status : 0;
  let body = error?.responseJSON;
  if (!body && typeof error?.responseText === 'string') {
    try {
      body = JSON.parse(error.responseText);
    } catch {
      body = null;
    }
  }
  const message = (body && typeof body.message === 'string' && body.message) || (status === 0 ? t('sidebar.unreachable') : t('sidebar.answered', { status }));
  return { status, message };
}
