//! The service layer: the only place business rules live. REST handlers and server functions
//! are thin callers of these functions, so a rule holds on every path.

pub mod health;
pub mod instance;
