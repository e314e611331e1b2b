import type { SandboxStore } from './store/sandbox-store.js';

/** One branded my.domain and who owns it (DESIGN §3 "Domain registry"). */
export interface RegistryEntry {
  domain: string;
  organizationId: number;
  organizationName: string;
  contacts: string[];
}

export interface DemoPerson {
  id: number;
  name: string;
  email: string;
}

/** The demo records, as data, for start-up output and for the registry certdesk uses in sandbox mode. */
export interface DemoData {
  organization: { id: number; name: string };
  customer: DemoPerson;
  /** A second customer organization, to show that one organization cannot renew another's site. */
  otherOrganization: { id: number; name: string };
  otherCustomer: DemoPerson;
  /** A support agent to act as in the demo. */
  agent: DemoPerson;
  registry: RegistryEntry[];
}

const DEMO = {
  organization: 'Northwind Traders',
  domain: 'my.northwind-traders.example',
  customer: { name: 'Pat Lee', email: 'pat.lee@northwind-traders.example' },
  otherOrganization: 'Wingtip Cycles',
  otherDomain: 'my.wingtip-cycles.example',
  otherCustomer: { name: 'Alex Kim', email: 'alex.kim@wingtip-cycles.example' },
  agent: { name: 'Sam Rivera', email: 'sam.rivera@support.example' },
};

/** Creates the demo records if missing (the same data directory never gets duplicates). */
export function seedDemoData(store: SandboxStore): DemoData {
  return store.db.transaction((): DemoData => {
    const org = store.organizations.ensure(DEMO.organization);
    const other = store.organizations.ensure(DEMO.otherOrganization);
    const customer = store.users.ensure(DEMO.customer.email, DEMO.customer.name, 'end-user', org.id);
    const otherCustomer = store.users.ensure(DEMO.otherCustomer.email, DEMO.otherCustomer.name, 'end-user', other.id);
    const agent = store.users.ensure(DEMO.agent.email, DEMO.agent.name, 'agent');
    const person = (u: { id: number; name: string; email: string | null }): DemoPerson => ({ id: u.id, name: u.name, email: u.email ?? '' });
    return {
      organization: { id: org.id, name: org.name },
      customer: person(customer),
      otherOrganization: { id: other.id, name: other.name },
      otherCustomer: person(otherCustomer),
      agent: person(agent),
      registry: [
        { domain: DEMO.domain, organizationId: org.id, organizationName: org.name, contacts: [DEMO.customer.email] },
        { domain: DEMO.otherDomain, organizationId: other.id, organizationName: other.name, contacts: [DEMO.otherCustomer.email] },
      ],
    };
  })();
}
