//! A minimal OpenID Connect provider for the service tests: discovery, a JWKS and a token
//! endpoint that answers with an ID token signed by a test key (RSA, RS256) whose claims the
//! test decides. It checks the PKCE verifier against the challenge of the authorization
//! request it was shown. The end-to-end tests use a real provider (npm `oidc-provider`).

use app::service::oidc::OtherClaims;
use axum::extract::{Form, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use openidconnect::core::{
    CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{IdToken, IdTokenClaims, JsonWebKeyId, PrivateSigningKey};
use serde_json::{Value, json};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const KEY_A: &str = include_str!("fixtures/oidc_key_a.pem");
pub const KEY_B: &str = include_str!("fixtures/oidc_key_b.pem");

#[derive(Default)]
struct Inner {
    /// The claims of the next ID token (merged over the defaults).
    claims: Value,
    /// The key that signs (pem, kid).
    signing: (String, String),
    /// The keys the JWKS publishes (pem, kid).
    published: Vec<(String, String)>,
    /// code_challenge of the last authorization request the test showed us.
    challenge: Option<String>,
    /// How many times the JWKS was fetched.
    pub jwks_fetches: usize,
}

#[derive(Clone)]
pub struct TestProvider {
    pub issuer: String,
    inner: Arc<Mutex<Inner>>,
}

fn key(pem: &str, kid: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.to_string()))).unwrap()
}

async fn discovery(State(p): State<TestProvider>) -> Json<Value> {
    let issuer = &p.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "end_session_endpoint": format!("{issuer}/logout"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(State(p): State<TestProvider>) -> Json<Value> {
    let mut inner = p.inner.lock().unwrap();
    inner.jwks_fetches += 1;
    let keys: Vec<Value> = inner
        .published
        .iter()
        .map(|(pem, kid)| serde_json::to_value(key(pem, kid).as_verification_key()).unwrap())
        .collect();
    Json(json!({ "keys": keys }))
}

async fn token(
    State(p): State<TestProvider>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Json<Value>, (axum::http::StatusCode, Json<Value>)> {
    let (claims, signing, challenge) = {
        let inner = p.inner.lock().unwrap();
        (
            inner.claims.clone(),
            inner.signing.clone(),
            inner.challenge.clone(),
        )
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = base64_url(&sha2::Sha256::digest(verifier.as_bytes()));
    if challenge.as_deref() != Some(computed.as_str()) || !form.contains_key("code") {
        return Err((
            axum::http::StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant" })),
        ));
    }
    let claims: IdTokenClaims<OtherClaims, CoreGenderClaim> =
        serde_json::from_value(claims).unwrap();
    let id_token = IdToken::<
        OtherClaims,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >::new(
        claims,
        &key(&signing.0, &signing.1),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap();
    Ok(Json(json!({
        "access_token": "test-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    })))
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

impl TestProvider {
    /// Starts the provider on an ephemeral port, signing with key A (published).
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let provider = TestProvider {
            issuer,
            inner: Arc::new(Mutex::new(Inner {
                signing: (KEY_A.into(), "a".into()),
                published: vec![(KEY_A.into(), "a".into())],
                ..Default::default()
            })),
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(provider.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        provider
    }

    /// Reads the authorization request the browser would be sent with: remembers its PKCE
    /// challenge; returns its `state` and `nonce`.
    pub fn authorize(&self, url: &str) -> (String, String) {
        let query = url.split_once('?').unwrap().1;
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
                .map(|v| {
                    v.replace("%2B", "+")
                        .replace("%2F", "/")
                        .replace("%3D", "=")
                })
                .unwrap_or_else(|| panic!("no {name} in {url}"))
        };
        assert_eq!(param("response_type"), "code");
        assert_eq!(param("code_challenge_method"), "S256");
        self.inner.lock().unwrap().challenge = Some(param("code_challenge"));
        (param("state"), param("nonce"))
    }

    /// The claims of the next ID token: the defaults (for `client_id`, issued now, valid five
    /// minutes, with `nonce`) with `extra` over them.
    pub fn will_vouch(&self, client_id: &str, nonce: &str, extra: Value) {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
        });
        if let (Some(base), Value::Object(extra)) = (claims.as_object_mut(), extra) {
            for (k, v) in extra {
                base.insert(k, v);
            }
        }
        self.inner.lock().unwrap().claims = claims;
    }

    /// Signs with `pem` under `kid` from now on.
    pub fn sign_with(&self, pem: &str, kid: &str) {
        self.inner.lock().unwrap().signing = (pem.into(), kid.into());
    }

    /// Publishes these keys in the JWKS from now on.
    pub fn publish(&self, keys: &[(&str, &str)]) {
        self.inner.lock().unwrap().published = keys
            .iter()
            .map(|(pem, kid)| (pem.to_string(), kid.to_string()))
            .collect();
    }

    pub fn jwks_fetches(&self) -> usize {
        self.inner.lock().unwrap().jwks_fetches
    }
}
