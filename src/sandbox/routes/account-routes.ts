import { Router } from 'express';
import { agentCaller, type SandboxContext } from '../sandbox-context.js';

/**
 * `GET /api/v2/account/settings` (agents; zendesk-oas.yaml "Account Settings"): the part of the
 * account's settings that tells a client which rules apply — whether the optional On-hold status is
 * active (`tickets.status_hold`) and whether Agent Workspace is on (`agents.agent_workspace`, which
 * `comment_redactions` needs). Read from the live `AccountSettings`, so a switch shows at once.
 */
export function accountRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.get('/account/settings', (_req, res) => {
    agentCaller(res);
    res.json({
      settings: {
        tickets: { status_hold: ctx.account.onHold, tagging: true, rich_text_comments: true },
        agents: { agent_workspace: ctx.account.agentWorkspace, agent_home: false, focus_mode: false },
      },
    });
  });
  return r;
}
