//! What the card verb running on this thread has seen: the readers it was given and the CSN
//! and label of the cards it read, and the details it noted ([`detail`]: set id, phase, …), for
//! its one audit record.
//!
//! The audited wrapper of the card entry points ([`crate::ffi::audit`]) opens a scope before
//! the verb body and takes it after; the card layer notes what it sees with [`reader`],
//! [`csn`] and [`label`]. Outside a scope (a verb core called from Rust directly) the notes
//! are dropped. A scope is per thread and per call, so nothing seen in one call is recorded
//! with another.

use std::cell::RefCell;

use super::record::CardSeen;

/// A record's details: (key, value) in the order noted.
pub type Details = Vec<(String, Vec<u8>)>;

thread_local! {
    static SEEN: RefCell<Option<Vec<CardSeen>>> = const { RefCell::new(None) };
    static DETAILS: RefCell<Option<Details>> = const { RefCell::new(None) };
}

/// Opens this thread's scope (an open one is replaced).
pub fn begin() {
    let _ = SEEN.try_with(|s| *s.borrow_mut() = Some(Vec::new()));
    let _ = DETAILS.try_with(|d| *d.borrow_mut() = Some(Vec::new()));
}

/// Notes the detail `key` = `value` (nothing secret) for the record: a key noted again keeps
/// its first place and takes the new value. `key`: 1 to 24 of `a`-`z`, `0`-`9`, `_`.
pub fn detail(key: &str, value: &[u8]) {
    let _ = DETAILS.try_with(|d| {
        if let Some(list) = d.borrow_mut().as_mut() {
            match list.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value.to_vec(),
                None => list.push((key.to_string(), value.to_vec())),
            }
        }
    });
}

/// Takes the details noted in this thread's scope (call before [`end`]).
pub fn details() -> Details {
    DETAILS
        .try_with(|d| d.borrow_mut().take())
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Closes this thread's scope and returns what it saw.
pub fn end() -> Vec<CardSeen> {
    SEEN.try_with(|s| s.borrow_mut().take())
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn note(reader: &str, set: impl FnOnce(&mut CardSeen)) {
    let _ = SEEN.try_with(|s| {
        if let Some(cards) = s.borrow_mut().as_mut() {
            let name = reader.as_bytes();
            let at = match cards
                .iter()
                .rposition(|c| c.reader.as_deref() == Some(name))
            {
                Some(i) => i,
                None => {
                    cards.push(CardSeen {
                        reader: Some(name.to_vec()),
                        ..CardSeen::default()
                    });
                    cards.len() - 1
                }
            };
            set(&mut cards[at]);
        }
    });
}

/// The verb was given `reader` (noted once per reader).
pub fn reader(reader: &str) {
    note(reader, |_| {});
}

/// The card in `reader` answered with serial number `csn`.
pub fn csn(reader: &str, csn: &str) {
    note(reader, |c| c.csn = Some(csn.as_bytes().to_vec()));
}

/// The verb read `label` from the card in `reader`.
pub fn label(reader: &str, label: &[u8]) {
    note(reader, |c| c.label = Some(label.to_vec()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_only_inside_a_scope() {
        reader("A");
        begin();
        reader("A");
        csn("A", "1");
        label("B", b"L");
        reader("A");
        let seen = end();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].csn.as_deref(), Some(&b"1"[..]));
        assert_eq!(seen[1].label.as_deref(), Some(&b"L"[..]));
        assert!(end().is_empty());
    }

    #[test]
    fn details_only_inside_a_scope_and_a_key_once() {
        detail("set", b"X");
        begin();
        detail("phase", b"READ");
        detail("set", b"AB");
        detail("phase", b"WRITE");
        assert_eq!(
            details(),
            vec![
                ("phase".to_string(), b"WRITE".to_vec()),
                ("set".to_string(), b"AB".to_vec())
            ]
        );
        end();
        assert!(details().is_empty());
    }
}
