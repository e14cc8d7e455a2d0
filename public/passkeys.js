// Passkeys in the browser: the WebAuthn calls that only JavaScript can make, wired to
// Gatehouse's REST endpoints (../shared/API.md). Independent of the WebAssembly app, so the
// buttons work on a server-rendered page too. Elements:
//   [data-passkey-form="register"]  a form with a `name` field: adds a passkey
//   [data-passkey="sign_in" | "second_factor"] inside [data-passkey-form]: signs in
//   [data-passkey-error]            where a failure is written (role="alert")

const supported =
  typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
if (supported) document.documentElement.classList.add('passkeys');

const toB64u = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const fromB64u = (value) => {
  const text = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
};

async function call(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

const failure = (answer) =>
  answer.data?.error?.message ?? 'Something went wrong. Try again.';

// The browser refused or the person cancelled: say so plainly.
const cancelled = (err) =>
  err?.name === 'NotAllowedError' || err?.name === 'AbortError'
    ? 'The passkey prompt was cancelled or timed out. Try again.'
    : err?.name === 'InvalidStateError'
      ? 'This device already holds a passkey for your account.'
      : 'Your browser could not use a passkey here.';

function show(container, message) {
  const slot = container.querySelector('[data-passkey-error]');
  if (!slot) return;
  slot.textContent = message ?? '';
  slot.hidden = !message;
  if (message) slot.focus?.();
}

async function register(form) {
  const name = form.querySelector('[name="name"]')?.value.trim() ?? '';
  if (!name) {
    show(form, 'Give the passkey a name, such as the device it lives on.');
    return;
  }
  const options = await call('/api/v1/account/passkeys/registration');
  if (!options.ok) return show(form, failure(options));
  const publicKey = options.data.publicKey;
  publicKey.challenge = fromB64u(publicKey.challenge);
  publicKey.user.id = fromB64u(publicKey.user.id);
  for (const c of publicKey.excludeCredentials ?? []) c.id = fromB64u(c.id);
  let credential;
  try {
    credential = await navigator.credentials.create({ publicKey });
  } catch (err) {
    return show(form, cancelled(err));
  }
  const answer = await call('/api/v1/account/passkeys', {
    name,
    credential: {
      id: credential.id,
      rawId: toB64u(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toB64u(credential.response.attestationObject),
        clientDataJSON: toB64u(credential.response.clientDataJSON),
        transports: credential.response.getTransports?.() ?? [],
      },
      extensions: credential.getClientExtensionResults?.() ?? {},
    },
  });
  if (!answer.ok) return show(form, failure(answer));
  window.location.assign('/settings/passkeys?added=1');
}

async function signIn(container, purpose) {
  const options = await call('/api/v1/auth/passkey/options', { purpose });
  if (!options.ok) return show(container, failure(options));
  const publicKey = options.data.publicKey;
  publicKey.challenge = fromB64u(publicKey.challenge);
  for (const c of publicKey.allowCredentials ?? []) c.id = fromB64u(c.id);
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey });
  } catch (err) {
    return show(container, cancelled(err));
  }
  const response = credential.response;
  const answer = await call('/api/v1/auth/passkey', {
    next: container.dataset.next || null,
    credential: {
      id: credential.id,
      rawId: toB64u(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toB64u(response.authenticatorData),
        clientDataJSON: toB64u(response.clientDataJSON),
        signature: toB64u(response.signature),
        userHandle: response.userHandle ? toB64u(response.userHandle) : null,
      },
      extensions: credential.getClientExtensionResults?.() ?? {},
    },
  });
  if (answer.ok) return window.location.assign(answer.data.location || '/');
  if (answer.data?.error?.code === 'password_change_required') {
    return window.location.assign('/settings/password?required=1');
  }
  show(container, failure(answer));
}

async function run(container, work) {
  const button = container.querySelector('button');
  if (button?.disabled) return;
  if (button) button.disabled = true;
  show(container, null);
  try {
    await work();
  } catch {
    show(container, 'Something went wrong. Try again.');
  } finally {
    if (button) button.disabled = false;
  }
}

if (supported) {
  document.addEventListener('submit', (event) => {
    const form = event.target.closest?.('form[data-passkey-form="register"]');
    if (!form) return;
    event.preventDefault();
    run(form, () => register(form));
  });
  document.addEventListener('click', (event) => {
    const button = event.target.closest?.('button[data-passkey]');
    const container = button?.closest('[data-passkey-form]');
    if (!container) return;
    event.preventDefault();
    run(container, () => signIn(container, button.dataset.passkey));
  });
}
