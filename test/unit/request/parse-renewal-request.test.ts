import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRenewalRequest } from '../../../src/core/request/parse-renewal-request.js';
import type { RenewalFields, RenewalRequestInput } from '../../../src/core/request/types.js';

const fixture = (name: string): RenewalRequestInput => {
  const content = readFileSync(new URL(`../../fixtures/requests/${name}`, import.meta.url), 'utf8');
  return name.endsWith('.html') ? { html: content } : { text: content };
};

interface Case {
  name: string;
  input: RenewalRequestInput;
  isRenewalRequest: boolean;
  fields: RenewalFields;
  /** `field:code` of every problem, in form order. */
  problems: string[];
}

const NOTHING = ['siteUrl:missing', 'country:missing', 'state:missing', 'locality:missing', 'organization:missing', 'email:missing'];

const CASES: Case[] = [
  {
    name: 'the seed form filled in with its bullets and hints',
    input: { subject: 'my.domain certificate renewal', ...fixture('seed-form-bullets.txt') },
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.northwind-traders.co.uk',
      country: 'GB',
      state: 'Greater London',
      locality: 'London',
      organization: 'Northwind Traders Ltd',
      organizationalUnit: 'IT Operations',
      email: 'it-ops@northwind-traders.co.uk',
    },
    problems: [],
  },
  {
    name: 'dashes without hints, a URL with scheme, a country name, "N/A" for the OU and a named address',
    input: fixture('dashes-without-hints.txt'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.contoso-bank.ch',
      country: 'CH',
      state: 'Zurich',
      locality: 'Zurich',
      organization: 'Contoso Bank AG',
      email: 'marco.keller@contoso-bank.ch',
    },
    problems: [],
  },
  {
    name: 'a numbered list with spaces before the colons, upper-case site and doubled spaces',
    input: fixture('numbered-spaces-before-colons.txt'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.fabrikam.nl',
      country: 'NL',
      state: 'Noord-Holland',
      locality: 'Amsterdam',
      organization: 'Fabrikam B.V.',
      organizationalUnit: 'Facilities',
      email: 'helpdesk@fabrikam.nl',
    },
    problems: [],
  },
  {
    name: 'values on the line after each label, with an empty OU',
    input: fixture('values-on-next-line.txt'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.tailspin-toys.com',
      country: 'US',
      state: 'Washington',
      locality: 'Redmond',
      organization: 'Tailspin Toys, Inc.',
      email: 'certs@tailspin-toys.com',
    },
    problems: [],
  },
  {
    name: 'a Zendesk web-form comment in HTML with bold labels, links and mailto',
    input: fixture('zendesk-web-form.html'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.wingtip-events.be',
      country: 'BE',
      state: 'Flemish Brabant',
      locality: 'Leuven',
      organization: 'Wingtip Events NV',
      organizationalUnit: 'Events & AV',
      email: 'av-team@wingtip-events.be',
    },
    problems: [],
  },
  {
    name: 'an HTML table of labels and values with a mailto link named "IT Abteilung"',
    input: fixture('table-form.html'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.alpineski.at',
      country: 'AT',
      state: 'Tirol',
      locality: 'Innsbruck',
      organization: 'Alpine Ski House GmbH',
      email: 'it@alpineski.at',
    },
    problems: [],
  },
  {
    name: 'an Outlook HTML reply whose quoted history names another site and country',
    input: fixture('outlook-reply.html'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.woodgrove.com.au',
      country: 'AU',
      state: 'Victoria',
      locality: 'Melbourne',
      organization: 'Woodgrove Bank Pty Ltd',
      organizationalUnit: 'Treasury',
      email: 'pki@woodgrove.com.au',
    },
    problems: [],
  },
  {
    name: 'the blank form copied with a question: a renewal request with every field missing',
    input: fixture('blank-form-copied.txt'),
    isRenewalRequest: true,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'a request in prose naming one my. hostname, which becomes the site',
    input: { subject: 'Certificate', ...fixture('prose-request.txt') },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.litware.io' },
    problems: ['country:missing', 'state:missing', 'locality:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'answers written inside the hint parentheses',
    input: fixture('hints-overwritten.txt'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.margies-travel.com.au',
      country: 'AU',
      state: 'New South Wales',
      locality: 'Sydney',
      organization: "Margie's Travel Pty Ltd",
      email: 'margie@margies-travel.com.au',
    },
    problems: [],
  },
  {
    name: 'values that are all wrong: not a my. site, unknown country, abbreviated state, broken address',
    input: fixture('invalid-values.txt'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'www.adventure-works.com',
      country: 'Atlantis',
      state: 'CA',
      locality: 'San Diego',
      organization: 'Adventure Works Cycles',
      email: 'webmaster(at)adventure-works.com',
    },
    problems: ['siteUrl:invalid', 'country:invalid', 'state:invalid', 'email:invalid'],
  },
  {
    name: 'an internationalised site and e-mail domain, converted to A-labels',
    input: fixture('idn-site.txt'),
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.xn--caf-lumire-66ag.fr',
      country: 'FR',
      state: 'Île-de-France',
      locality: 'Paris',
      organization: 'Café Lumière SARL',
      email: 'contact@xn--caf-lumire-66ag.fr',
    },
    problems: [],
  },
  {
    name: 'a forwarded form with a request above it',
    input: { subject: 'Fwd: my.domain certificate', ...fixture('forwarded-request.txt') },
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.trey-research.se',
      country: 'SE',
      state: 'Stockholm County',
      locality: 'Stockholm',
      organization: 'Trey Research AB',
      email: 'hannah.berg@trey-research.se',
    },
    problems: [],
  },
  {
    name: 'a reply above our quoted form: new values win, quoted empty fields are not values',
    input: fixture('reply-above-quoted-form.txt'),
    isRenewalRequest: false,
    fields: {
      siteUrl: 'my.proseware.co.uk',
      country: 'GB',
      state: 'West Yorkshire',
      locality: 'Leeds',
      organization: 'Proseware Ltd',
      email: 'd.okafor@proseware.co.uk',
    },
    problems: [],
  },
  {
    name: 'answers written under quoted labels (an inline reply)',
    input: fixture('inline-answers.txt'),
    isRenewalRequest: false,
    fields: { country: 'IE', state: 'County Dublin', locality: 'Dublin' },
    problems: ['siteUrl:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'a Zendesk e-mail reply above the "reply above this line" marker',
    input: fixture('zendesk-reply-above-marker.txt'),
    isRenewalRequest: false,
    fields: { country: 'IE', state: 'County Cork', locality: 'Cork' },
    problems: ['siteUrl:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'a password reset for a my. site',
    input: { subject: 'Cannot log in', ...fixture('password-reset.txt') },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'the renewal of another certificate (SIP, no my. site)',
    input: { subject: 'SIP certificate renewal', ...fixture('sip-certificate-renewal.txt') },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'a my. hostname in an unrelated question',
    input: { subject: 'Blank page in Safari', ...fixture('unrelated-my-hostname.txt') },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'a licence renewal that mentions the portal URL',
    input: { subject: 'Licence renewal', ...fixture('licence-renewal.txt') },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'thanks for a certificate that "was renewed" (news, not a request)',
    input: { subject: 'Thanks', ...fixture('renewed-news.txt') },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'another form that happens to have a Site URL label',
    input: { subject: 'Video freezes', ...fixture('other-form-with-site-url.txt') },
    isRenewalRequest: false,
    fields: { siteUrl: 'my.wingtip-events.be' },
    problems: ['country:missing', 'state:missing', 'locality:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'a request whose only site is in the subject',
    input: { subject: 'SSL certificate renewal - my.litware.io', text: 'Please see subject, thanks.\nTom' },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.litware.io' },
    problems: ['country:missing', 'state:missing', 'locality:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'Markdown bold labels',
    input: { text: '**Site URL:** my.lucerne-publishing.ch\n**Country Name:** CH\n**State or Province Name:** Lucerne\n**Locality Name:** Lucerne' },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.lucerne-publishing.ch', country: 'CH', state: 'Lucerne', locality: 'Lucerne' },
    problems: ['organization:missing', 'email:missing'],
  },
  {
    name: 'two different my. hostnames in prose: the site is left for the customer to say',
    input: { text: 'Hi, please renew the SSL certificates for my.coho-winery.com and my.coho-vineyard.com.' },
    isRenewalRequest: true,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'a renewal request whose contact is my.name@… (an address, not a site)',
    input: { text: 'Please renew our SSL certificate. Contact: my.name@coho-winery.com' },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'a site written with scheme, port, path and query, and a dash separator',
    input: { text: 'Certificate renewal please.\nSite URL - HTTPS://MY.Graphic-Design-Institute.org:443/webapp/home?conference=1\nCountry Name - DE' },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.graphic-design-institute.org', country: 'DE' },
    problems: ['state:missing', 'locality:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'a signature after "-- " does not override the e-mail in the form',
    input: {
      text: 'Site URL: my.fourth-coffee.com\nCountry Name: US\nState or Province Name: Oregon\nLocality Name: Portland\nOrganization Full Name: Fourth Coffee LLC\nYour email address: it@fourth-coffee.com\n\n-- \nAlex Wu\nEmail: alex.wu@fourth-coffee.com\n',
    },
    isRenewalRequest: true,
    fields: {
      siteUrl: 'my.fourth-coffee.com',
      country: 'US',
      state: 'Oregon',
      locality: 'Portland',
      organization: 'Fourth Coffee LLC',
      email: 'it@fourth-coffee.com',
    },
    problems: [],
  },
  {
    name: 'an empty last label followed by a closing line is not a value',
    input: { text: 'Site URL: my.fourth-coffee.com\nCountry Name: US\nLocality Name: Portland\nYour email address:\n\nThanks,\nAlex' },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.fourth-coffee.com', country: 'US', locality: 'Portland' },
    problems: ['state:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'an empty label followed by quoted history takes nothing from the quote',
    input: {
      text: 'Site URL: my.fourth-coffee.com\nCountry Name: US\nLocality Name: Portland\nOrganization Full Name:\n> Organization Full Name: Old Coffee Inc\n',
    },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.fourth-coffee.com', country: 'US', locality: 'Portland', organization: 'Old Coffee Inc' },
    problems: ['state:missing', 'email:missing'],
  },
  {
    name: 'CRLF line endings and a two-line "On … wrote:" header',
    input: {
      text: 'Site URL: my.blue-yonder.aero\r\nCountry Name: United States of America\r\nState or Province Name: Texas\r\nLocality Name: Dallas\r\n\r\nOn Thu, 5 Mar 2026 at 09:00, Support <support@example-vendor.com>\r\nwrote:\r\nCountry Name: CA\r\nOrganization Full Name: Blue Yonder Airlines\r\n',
    },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.blue-yonder.aero', country: 'US', state: 'Texas', locality: 'Dallas', organization: 'Blue Yonder Airlines' },
    problems: ['email:missing'],
  },
  {
    name: 'an Apple Mail HTML reply with a cited blockquote',
    input: {
      html: '<html><body><div>Please renew the certificate, new details:</div><div>Site URL: my.humongous-insurance.com</div><div>Country Name: gb</div><br><div><blockquote type="cite"><div>Country Name: FR</div><div>Locality Name: Lyon</div></blockquote></div></body></html>',
    },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.humongous-insurance.com', country: 'GB', locality: 'Lyon' },
    problems: ['state:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'an out-of-office auto-reply',
    input: {
      subject: 'Automatic reply: Your request 4821',
      text: 'I am out of the office until 16 March with limited access to e-mail.\nFor urgent matters contact it@northwind-traders.co.uk.',
    },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'a training certificate renewal (a certificate, but not a site)',
    input: { subject: 'Renew my certificate', text: 'Hello, my Pexip Certified Expert certificate expired. How do I renew it?' },
    isRenewalRequest: false,
    fields: {},
    problems: NOTHING,
  },
  {
    name: 'a certificate that "needs to be renewed" with the Site URL label',
    input: { text: 'Our certificate needs to be renewed.\nSite URL: my.wide-world-importers.com' },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.wide-world-importers.com' },
    problems: ['country:missing', 'state:missing', 'locality:missing', 'organization:missing', 'email:missing'],
  },
  {
    name: 'a signature\'s "Website:" line next to a request that names its my. site in prose',
    input: {
      subject: 'SSL renewal',
      text: 'Please renew the certificate for my.litware.io, it expires soon.\n\nBest regards,\nTom Jansen\nLitware Inc.\nWebsite: www.litware.io\nEmail: tom@litware.io',
    },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.litware.io', email: 'tom@litware.io' },
    problems: ['country:missing', 'state:missing', 'locality:missing', 'organization:missing'],
  },
  {
    name: 'a note after the site and alternative label spellings',
    input: {
      text: 'Certificate renewal:\nSite URL: my.coho-winery.com (expires 1 May)\nProvince/State: British Columbia\nCity/Locality: Vancouver\nOrganisation Unit: Sales\nCountry: Canada',
    },
    isRenewalRequest: true,
    fields: { siteUrl: 'my.coho-winery.com', state: 'British Columbia', locality: 'Vancouver', organizationalUnit: 'Sales', country: 'CA' },
    problems: ['organization:missing', 'email:missing'],
  },
];

describe('parseRenewalRequest', () => {
  it.each(CASES)('reads $name', ({ input, isRenewalRequest, fields, problems }) => {
    const result = parseRenewalRequest(input);
    expect(result.isRenewalRequest).toBe(isRenewalRequest);
    expect(result.fields).toEqual(fields);
    expect(result.problems.map((p) => `${p.field}:${p.code}`)).toEqual(problems);
  });

  it('has at least 30 real-looking inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it('reads nothing from an empty ticket', () => {
    expect(parseRenewalRequest({})).toEqual({ isRenewalRequest: false, fields: {}, problems: expect.any(Array) });
  });

  it('reads only the first 100,000 characters of a body', () => {
    const form = 'Site URL: my.example.com\nCountry Name: GB\nLocality Name: London\n';
    expect(parseRenewalRequest({ text: form + 'x'.repeat(200_000) }).fields.siteUrl).toBe('my.example.com');
    expect(parseRenewalRequest({ text: 'x'.repeat(100_000) + '\n' + form }).fields).toEqual({});
  });

  it('uses the HTML only when there is no text', () => {
    const result = parseRenewalRequest({
      text: 'Site URL: my.from-text.com',
      html: '<p>Site URL: my.from-html.com</p>',
    });
    expect(result.fields.siteUrl).toBe('my.from-text.com');
    expect(parseRenewalRequest({ text: '  \n', html: '<p>Site URL: my.from-html.com</p>' }).fields.siteUrl).toBe('my.from-html.com');
  });

  it('keeps a given organizational unit in the fields and never reports it as a problem', () => {
    const result = parseRenewalRequest(fixture('seed-form-bullets.txt'));
    expect(result.fields.organizationalUnit).toBe('IT Operations');
    expect(result.problems.some((p) => p.field === 'organizationalUnit')).toBe(false);
  });

  it('writes problem messages a customer can act on, naming what they wrote', () => {
    const { problems } = parseRenewalRequest(fixture('invalid-values.txt'));
    const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
    expect(byField.siteUrl).toContain('www.adventure-works.com');
    expect(byField.siteUrl).toContain('my.');
    expect(byField.country).toContain('Atlantis');
    expect(byField.country).toMatch(/2-letter/);
    expect(byField.state).toMatch(/in full/);
    expect(byField.email).toContain('webmaster(at)adventure-works.com');
  });
});
