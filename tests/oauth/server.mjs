// A real OAuth 2.0 authorization server for the tests: oidc-provider on
// loopback, with one client per flow the tests exercise. Configured by the
// environment; prints "listening <issuer>" once it accepts connections.
//
//   PORT           port on 127.0.0.1 (required)
//   REDIRECT_URI   the redirect URI of the authorization-code clients
//   DELAY_MS       answer the token endpoint this much later (slow provider)
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
if (!port) {
  console.error('PORT is required');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const redirect = process.env.REDIRECT_URI || 'http://localhost:9876/oauth/callback';
const delay = Number(process.env.DELAY_MS || 0);

const code = (id, extra = {}) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [redirect],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  ...extra,
});

const clients = [
  code('confidential-pkce'),
  code('confidential-nopkce'),
  code('basic-only', { token_endpoint_auth_method: 'client_secret_basic' }),
  code('public-pkce', { token_endpoint_auth_method: 'none', client_secret: undefined }),
  code('no-refresh', { grant_types: ['authorization_code'] }),
  {
    client_id: 'machine',
    client_secret: 'machine-secret',
    redirect_uris: [],
    response_types: [],
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'machine-basic',
    client_secret: 'machine-basic-secret',
    redirect_uris: [],
    response_types: [],
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'device',
    client_secret: 'device-secret',
    redirect_uris: [],
    response_types: [],
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_post',
  },
].map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));

const provider = new Provider(issuer, {
  clients,
  scopes: ['openid', 'offline_access', 'read', 'write'],
  claims: { openid: ['sub'], email: ['email'] },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
  },
  pkce: { required: (ctx, client) => client.clientId !== 'confidential-nopkce' },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  findAccount: async (ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, email: `${sub}@example.test` }),
  }),
  ttl: { AccessToken: 600, ClientCredentials: 600, RefreshToken: 3600, DeviceCode: 120 },
});
provider.proxy = false;

if (delay > 0) {
  provider.use(async (ctx, next) => {
    if (ctx.path === '/token') await new Promise((r) => setTimeout(r, delay));
    await next();
  });
}

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
