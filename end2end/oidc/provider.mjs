// A real OpenID Connect provider for the end-to-end tests: the certified npm package
// `oidc-provider`, with its own signing key (made at start), two test people and a `groups`
// claim. Clients register themselves (dynamic registration, RFC 7591), as an administrator
// would register Gatehouse at a provider, because Gatehouse's redirect URL is only known once
// the provider is configured there.
//
// Its login page is the package's development page: any password is accepted for the known
// logins (see `person`).
//
// For the tests of refused ID tokens, `POST /__tamper {"mode": "aud" | "nonce" | "expired" |
// "none"}` makes the token endpoint re-sign the next ID tokens with this provider's own key
// after changing that claim: the signature is valid, the claim is not.
import Provider from 'oidc-provider';
import * as jose from 'jose';
import { randomBytes } from 'node:crypto';

const port = Number(process.env.OIDC_PORT ?? 3918);
const issuer = `http://127.0.0.1:${port}`;

// Logins are `<person>-<suffix>` (each Playwright project uses its own suffix, so the two
// projects are different people): `ada-js` has the address ada-sso-js@example.org and is in the
// `engineering` group, as is `cy-js`; `bob-js` has bob-link-js@example.org, the address of an account the
// tests create with a password first.
function person(login) {
  const match = /^(ada|bob|cy)-([a-z0-9-]+)$/.exec(login);
  if (!match) return undefined;
  const [, who, suffix] = match;
  const name = { ada: `ada-sso-${suffix}`, bob: `bob-link-${suffix}`, cy: `cy-sso-${suffix}` }[who];
  return {
    sub: `idp-${login}`,
    email: `${name}@example.org`,
    email_verified: true,
    name: { ada: 'Ada Lovelace', bob: 'Bob Link', cy: 'Cy Young' }[who],
    preferred_username: name,
    groups: who === 'bob' ? [] : ['engineering'],
  };
}

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'e2e-1', alg: 'RS256', use: 'sig' };

const configuration = {
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  // The scopes' claims go into the ID token itself (Gatehouse reads the ID token only).
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const claims = person(id);
    if (!claims) return undefined;
    return {
      accountId: id,
      async claims() {
        return { ...claims };
      },
    };
  },
  // No consent screen: every registered client gets what it asks for.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60 },
};

const provider = new Provider(issuer, configuration);
let tamper = 'none';

provider.use(async (ctx, next) => {
  if (ctx.path === '/__tamper' && ctx.method === 'POST') {
    const body = await new Promise((resolve) => {
      let data = '';
      ctx.req.on('data', (chunk) => (data += chunk));
      ctx.req.on('end', () => resolve(data));
    });
    tamper = JSON.parse(body || '{}').mode ?? 'none';
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === '/token' && tamper !== 'none' && ctx.body?.id_token) {
    const claims = jose.decodeJwt(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (tamper === 'aud') claims.aud = 'someone-else';
    if (tamper === 'nonce') claims.nonce = 'not-the-nonce-gatehouse-sent';
    if (tamper === 'expired') {
      claims.iat = now - 900;
      claims.exp = now - 600;
    }
    ctx.body.id_token = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid, typ: 'JWT' })
      .sign(privateKey);
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
