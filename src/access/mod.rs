//! CCA access control above the access-control points: who is logged on in this thread
//! ([`context`]), with which role, and how strongly authenticated (docs/access-control.md).
//!
//! The points themselves and the roles that group them live in `acp.conf`
//! ([`crate::state::acp`]); profiles and their authentication data in `access.db`.

pub mod admin;
pub mod conf;
pub mod context;
pub mod dual;
pub mod logon;
pub mod profile;
pub mod role;
pub mod store;
pub mod structure;
