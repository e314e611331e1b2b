import { userInfo } from 'node:os';
import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';
import type { Store } from '../../ports/store.js';
import { buildRenewalTimeline } from '../../core/agent-app/renewal-timeline.js';
import { describeState, STATES_IN_ORDER } from '../../core/agent-app/describe-state.js';
import { COMMAND_TAGS, type Command, type RenewalState } from '../../core/workflow/renewal-states.js';
import { statesAccepting } from '../../core/workflow/transitions.js';
import type { Config } from '../../config/config.js';
import { cliZendeskClient, cliZendeskUrl, signIn } from '../../wiring/cli-zendesk.js';
import { formatRenewalTimeline } from './format-renewal-timeline.js';
import { openCliStore, readCliConfig } from './read-cli-config.js';

const USAGE = `Usage: certdesk renewal show <ticket> [--json]
       certdesk renewal list [--state <state>] [--json]
       certdesk renewal approve|regenerate-csr|retry-install <ticket> [--as <name>]

Looks at and steers renewals in certdesk's store (DATABASE_URL, else DATA_DIR's database), while
certdesk runs.

  show <ticket>     the renewal's timeline: each transition with the effects it owed and when they
                    were performed, what agents and operators asked, errors, and the jobs that
                    worked on the ticket (attempts, last error)
  list              every renewal, newest first; --state keeps one state (${STATES_IN_ORDER.join(', ')})
  approve, regenerate-csr, retry-install <ticket>
                    the agent commands: adds the command tag to the ticket through Zendesk, exactly
                    as an agent would, and certdesk's workflow acts on it. Recorded in the audit
                    trail as operator:<your OS user name>, or operator:<name> with --as <name>.
                    Refused (exit 1) when the renewal's state does not accept the command.

Reads the same environment as certdesk (DATABASE_URL or DATA_DIR; ZENDESK_* or SANDBOX_PORT for
the commands).
Exit codes: 0 done, 1 no such renewal or command refused, 2 usage or configuration error.`;

const COMMANDS: Record<string, Command> = { approve: 'approve', 'regenerate-csr': 'regenerate_csr', 'retry-install': 'retry_install' };

function ticketArg(positionals: string[]): number {
  if (positionals.length !== 1) throw new UsageError('give one ticket id');
  const raw = positionals[0]!;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) <= 0) throw new UsageError(`"${raw}" is not a ticket id`);
  return Number(raw);
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const known = ['show', 'list', ...Object.keys(COMMANDS)];
  if (sub === undefined || !known.includes(sub))
    throw new UsageError(sub === undefined ? `say what to do: ${known.join(', ')}` : `unknown renewal command "${sub}" (${known.join(', ')})`);
  const { values, positionals } = parseCommandArgs({
    args: rest,
    options: { json: { type: 'boolean' }, state: { type: 'string' }, as: { type: 'string' } },
    allowPositionals: true,
  });
  if (values.state !== undefined && sub !== 'list') throw new UsageError('--state is for renewal list');
  if (values.as !== undefined && !(sub in COMMANDS)) throw new UsageError('--as is for the commands (approve, regenerate-csr, retry-install)');
  if (values.json && sub in COMMANDS) throw new UsageError('--json is for show and list');
  if (values.state !== undefined && !(STATES_IN_ORDER as readonly string[]).includes(values.state))
    throw new UsageError(`"${values.state}" is not a renewal state (${STATES_IN_ORDER.join(', ')})`);
  if (values.as !== undefined && !/^[\w.@-]{1,64}$/.test(values.as)) throw new UsageError('--as takes a name of letters, digits and . _ @ - (at most 64)');
  if (sub === 'list' && positionals.length > 0) throw new UsageError('renewal list takes no ticket id');
  const ticketId = sub === 'list' ? 0 : ticketArg(positionals);

  const config = readCliConfig(io);
  const store = await openCliStore(config);
  try {
    if (sub === 'list') return await list(store, values.state as RenewalState | undefined, Boolean(values.json), io);
    const renewal = await store.renewals.get(ticketId);
    if (!renewal) {
      io.stderr(`certdesk renewal: there is no renewal for ticket ${ticketId}.\n`);
      return EXIT.rejected;
    }
    if (sub === 'show') {
      const timeline = buildRenewalTimeline(await store.history.forTicket(ticketId));
      io.stdout(
        values.json
          ? JSON.stringify({ ticketId, state: renewal.state, site: renewal.site, ...timeline }, null, 2) + '\n'
          : formatRenewalTimeline(renewal, timeline),
      );
      return EXIT.ok;
    }
    const command = COMMANDS[sub]!;
    const accepting = statesAccepting(command);
    if (!accepting.includes(renewal.state)) {
      io.stderr(
        `certdesk renewal: ${sub} applies only when the renewal is ${accepting.join(' or ')}; ticket ${ticketId} is ${renewal.state} (${describeState(renewal.state).label}). Nothing was done.\n`,
      );
      return EXIT.rejected;
    }
    const actor = `operator:${values.as ?? userInfo().username}`;
    const tag = COMMAND_TAGS[command];
    await addCommandTag(config, store, ticketId, tag);
    await store.audit.append({ ticketId, actor, action: 'agent_command_requested', detail: { command, tag, via: 'cli' } }, Date.now());
    io.stdout(`Tag ${tag} added to ticket ${ticketId} as ${actor}: certdesk acts on it within seconds (see renewal show ${ticketId}).\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function list(store: Store, state: RenewalState | undefined, json: boolean, io: CliIo): Promise<number> {
  const renewals = (await store.renewals.list(state ? { state } : {})).sort((a, b) => b.updatedAt - a.updatedAt);
  if (json)
    io.stdout(
      JSON.stringify(
        renewals.map((r) => ({
          ticketId: r.ticketId,
          state: r.state,
          site: r.site,
          createdAt: new Date(r.createdAt).toISOString(),
          updatedAt: new Date(r.updatedAt).toISOString(),
        })),
        null,
        2,
      ) + '\n',
    );
  else if (renewals.length === 0) io.stdout(state ? `No renewals in state ${state}.\n` : 'No renewals.\n');
  else {
    const rows = renewals.map((r) => `${String(r.ticketId).padStart(8)}  ${r.state.padEnd(20)}  ${new Date(r.updatedAt).toISOString()}  ${r.site ?? '-'}`);
    io.stdout(`${'ticket'.padStart(8)}  ${'state'.padEnd(20)}  ${'last changed'.padEnd(24)}  site\n${rows.join('\n')}\n`);
  }
  return EXIT.ok;
}

/** The command tag, added the way the agent app adds it: one Zendesk call, signed in as certdesk is. */
async function addCommandTag(config: Config, store: Store, ticketId: number, tag: string): Promise<void> {
  const baseUrl = cliZendeskUrl(config);
  const zendesk = cliZendeskClient(
    config,
    baseUrl,
    signIn(config, new URL(baseUrl).origin, async () => store),
  );
  try {
    await zendesk.addTags(ticketId, [tag]);
  } catch (error) {
    throw new UsageError(
      `Zendesk did not take the ${tag} tag at ${baseUrl} (${(error as Error).message})${config.sandbox ? ': is certdesk running in sandbox mode with this SANDBOX_PORT?' : ''}`,
    );
  }
}

export const renewalCommand: CliCommand = {
  name: 'renewal',
  usage: USAGE,
  run,
};
