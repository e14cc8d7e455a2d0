#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: a failed step should panic

//! Service-layer tests on `mem://` SurrealDB. Time is a parameter of every service, so these
//! move the clock instead of sleeping.

mod admin;
mod audit;
mod clock;
mod direct_add;
mod email;
mod explain_property;
mod groups_invitations;
mod instance_roles;
mod layers;
mod oidc_provider;
mod org_tokens;
mod organizations;
mod passkeys;
mod password_reset;
mod projects;
mod roles;
mod round_trips;
mod scoped_tokens;
mod side_doors;
mod soft_passkey;
mod sso;
mod support;
mod token_hygiene;
mod two_factor;
mod user_creation;
