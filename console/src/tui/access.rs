//! The Access Control and Audit Log menus, Logon and Logoff.

use cursive::Cursive;

use super::{ask_secret, ask_text, open_menu, refresh_status, show};
use crate::cca;
use crate::cli;
use crate::error::ConsoleError;
use crate::report::Report;

fn not_yet(s: &mut Cursive) {
    show(
        s,
        "",
        Err::<Report, _>(ConsoleError::Refused("not built yet".into())),
    );
}

/// Access Control: roles, profiles, points.
pub fn menu(s: &mut Cursive) {
    open_menu(s, "Access Control", &[("Roles", not_yet)], true);
}

/// Audit Log: the last records, verify.
pub fn audit_menu(s: &mut Cursive) {
    open_menu(s, "Audit Log", &[("Verify", not_yet)], true);
}

/// Logon with a passphrase: the user id, then the passphrase (masked).
pub fn logon(s: &mut Cursive) {
    ask_text(s, "Logon", "User id:", |s, user| {
        let user = user.trim().to_string();
        ask_secret(
            s,
            "Logon",
            &format!("Passphrase of {user}:"),
            move |s, pass| {
                let outcome = cca::logon::passphrase(&user, &pass)
                    .map_err(ConsoleError::from)
                    .and_then(|()| cli::session::whoami());
                drop(pass);
                show(s, "Logon", outcome);
                refresh_status(s);
            },
        );
    });
}

/// Logoff.
pub fn logoff(s: &mut Cursive) {
    show(s, "Logoff", cli::session::logoff());
}
