/**
 * An error the sandbox answers with Zendesk's own status and body (zendesk-facts §4.9), e.g.
 * `404 {"error":"RecordNotFound","description":"Not found"}`.
 */
export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'description' in body ? String((body as { description: unknown }).description) : `HTTP ${status}`);
  }
}

export const notFound = () => new SandboxApiError(404, { error: 'RecordNotFound', description: 'Not found' });

export const forbidden = (description = 'You do not have access to this page. Please contact the account owner of this help desk for further help.') =>
  new SandboxApiError(403, { error: 'Forbidden', description });

/** 422 with Zendesk's `details` map: field → [{ description, error }]. */
export const recordInvalid = (field: string, description: string, error = 'InvalidValue') =>
  new SandboxApiError(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } });

export const badRequest = (description: string, error = 'InvalidRequest') => new SandboxApiError(400, { error, description });

export const updateConflict = () =>
  new SandboxApiError(409, {
    error: 'UpdateConflict',
    description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
  });
