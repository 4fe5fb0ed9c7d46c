//! `SOFTCCA_TRACE`: one line on standard error per verb call, for the person who has to find
//! out why a C or COBOL program gets a return code.
//!
//! | value | traced calls |
//! |---|---|
//! | unset, empty, `0` | none |
//! | `errors` (or `1`) | calls that end with a non-zero return code |
//! | `all` | every call |
//!
//! A line names the verb, the return and reason codes and, for a failure, the condition in
//! words (from [`Error`]'s `Display`, which never holds key or PIN material):
//! `softcca: CSNBPCU rc=8 rs=72 (a length parameter is not valid)`. The variable is read once,
//! at the first call. A failing write to standard error is ignored.

use std::io::Write;
use std::sync::OnceLock;

use crate::error::Error;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Off,
    Errors,
    All,
}

fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| match std::env::var("SOFTCCA_TRACE").as_deref() {
        Ok("all") => Level::All,
        Ok("errors" | "1") => Level::Errors,
        _ => Level::Off,
    })
}

/// Traces one finished call.
pub(crate) fn call(verb: &str, rc: i32, rs: i32, error: Option<Error>) {
    let l = level();
    if l == Level::Off || (l == Level::Errors && rc == 0) {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = match error {
        Some(e) => writeln!(err, "softcca: {verb} rc={rc} rs={rs} ({e})"),
        None => writeln!(err, "softcca: {verb} rc={rc} rs={rs}"),
    };
}

/// Traces a note about the state directory (any level but off), once per call site's choice:
/// `softcca: <text>`.
pub(crate) fn note(text: &str) {
    if level() == Level::Off {
        return;
    }
    let _ = writeln!(std::io::stderr().lock(), "softcca: {text}");
}
