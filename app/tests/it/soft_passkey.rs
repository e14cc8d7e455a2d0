//! A software passkey for the service tests: an ECDSA P-256 key (ring) that answers the
//! server's WebAuthn options the way a platform authenticator and its browser do — client data
//! JSON, authenticator data with user presence and verification, a `none` attestation in CBOR,
//! a counter, and the user handle it was given (a discoverable credential). The server checks
//! every answer with `webauthn-rs`, so what this makes is held to the real rules.

use app::service::secret::base64url;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub struct SoftPasskey {
    key: EcdsaKeyPair,
    pub credential_id: Vec<u8>,
    pub user_handle: Vec<u8>,
    counter: u32,
}

fn unbase64url(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (mut bits, mut count, mut out) = (0u32, 0, Vec::new());
    for c in text.trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|&a| a == c).expect("base64url") as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// A CBOR byte string header and its bytes.
fn cbor_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = match bytes.len() {
        n if n < 24 => vec![0x40 | n as u8],
        n if n < 256 => vec![0x58, n as u8],
        n => vec![0x59, (n >> 8) as u8, n as u8],
    };
    out.extend_from_slice(bytes);
    out
}

/// A CBOR text string (shorter than 24 bytes).
fn cbor_text(text: &str) -> Vec<u8> {
    let mut out = vec![0x60 | text.len() as u8];
    out.extend_from_slice(text.as_bytes());
    out
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

impl SoftPasskey {
    /// Answers creation `options` as a browser at `origin` would: a new key, and the
    /// `PublicKeyCredential` JSON to send to the server.
    pub fn create(options: &Value, origin: &str) -> (Self, Value) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let mut credential_id = vec![0u8; 16];
        rng.fill(&mut credential_id).unwrap();
        let public = options["publicKey"].clone();
        let rp_id = public["rp"]["id"].as_str().unwrap();
        let client_data = json!({
            "type": "webauthn.create",
            "challenge": public["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string();
        // The COSE key: EC2 (1: 2), ES256 (3: -7), P-256 (-1: 1), x (-2), y (-3).
        let point = key.public_key().as_ref();
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        cose.extend(cbor_bytes(&point[1..33]));
        cose.push(0x22);
        cose.extend(cbor_bytes(&point[33..65]));
        // rpIdHash, flags (user present, user verified, attested credential data), counter 0,
        // AAGUID (zeros), credential id length and id, public key.
        let mut auth_data = sha256(rp_id.as_bytes());
        auth_data.push(0x01 | 0x04 | 0x40);
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0u8; 16]);
        auth_data.extend_from_slice(&(credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&credential_id);
        auth_data.extend(cose);
        let mut attestation = vec![0xa3];
        attestation.extend(cbor_text("fmt"));
        attestation.extend(cbor_text("none"));
        attestation.extend(cbor_text("attStmt"));
        attestation.push(0xa0);
        attestation.extend(cbor_text("authData"));
        attestation.extend(cbor_bytes(&auth_data));
        let credential = json!({
            "id": base64url(&credential_id),
            "rawId": base64url(&credential_id),
            "type": "public-key",
            "response": {
                "attestationObject": base64url(&attestation),
                "clientDataJSON": base64url(client_data.as_bytes()),
            },
            "extensions": {},
        });
        let user_handle = unbase64url(public["user"]["id"].as_str().unwrap());
        let device = Self {
            key,
            credential_id,
            user_handle,
            counter: 0,
        };
        (device, credential)
    }

    /// Answers request `options` as a browser at `origin` would, naming its user handle.
    pub fn get(&mut self, options: &Value, origin: &str) -> Value {
        self.counter += 1;
        let public = &options["publicKey"];
        let rp_id = public["rpId"].as_str().unwrap();
        let client_data = json!({
            "type": "webauthn.get",
            "challenge": public["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string();
        let mut auth_data = sha256(rp_id.as_bytes());
        auth_data.push(0x01 | 0x04);
        auth_data.extend_from_slice(&self.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(sha256(client_data.as_bytes()));
        let signature = self.key.sign(&SystemRandom::new(), &signed).unwrap();
        json!({
            "id": base64url(&self.credential_id),
            "rawId": base64url(&self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": base64url(&auth_data),
                "clientDataJSON": base64url(client_data.as_bytes()),
                "signature": base64url(signature.as_ref()),
                "userHandle": base64url(&self.user_handle),
            },
            "extensions": {},
        })
    }

    /// The user handle as the server's options carry it.
    pub fn handle(&self) -> String {
        base64url(&self.user_handle)
    }
}
