#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: a failed step should panic

//! Integration tests of the `gatehouse` server: the real router on an ephemeral port, spoken
//! to over HTTP, with an in-memory database. One binary for the whole crate (link time).

mod account;
mod admin;
mod audit;
mod auth;
mod cli;
mod email;
mod http;
mod instance_roles;
mod limits;
mod mail;
mod organizations;
mod password_reset;
mod projects;
mod reads;
mod rest;
mod sessions;
mod side_doors;
mod tokens;
mod two_factor;
