//! CCA access control above the access-control points: who is logged on in this thread
//! ([`context`]), with which role, and how strongly authenticated (docs/access-control.md).
//!
//! The points themselves and the roles that group them live in `acp.conf`
//! ([`crate::state::acp`]); profiles and their authentication data in `access.db`.

pub mod conf;
pub mod context;
pub mod role;
pub mod structure;
