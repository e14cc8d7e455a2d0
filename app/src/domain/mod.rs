//! Types shared by the browser and the server: plain data, no I/O.

pub mod instance;
