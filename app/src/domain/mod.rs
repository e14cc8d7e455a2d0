//! Types shared by the browser and the server: plain data and validation rules, no I/O.

pub mod email;
pub mod identicon;
pub mod instance;
pub mod password;
pub mod percent;
pub mod session;
pub mod token;
pub mod two_factor;
pub mod user;
pub mod username;
