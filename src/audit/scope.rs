//! What the card verb running on this thread has seen: the readers it was given and the CSN
//! and label of the cards it read, and the details it noted ([`detail`]: set id, phase, …), for
//! its one audit record.
//!
//! The audited wrapper of the card entry points ([`crate::ffi::audit`]) opens a scope before
//! the verb body and takes it after; the card layer notes what it sees with [`reader`],
//! [`csn`] and [`label`]. Outside a scope (a verb core called from Rust directly) the notes
//! are dropped. A scope is per thread and per call, so nothing seen in one call is recorded
//! with another.
//!
//! A custody event that runs inside a scope (directory binding, activation, ... called by a
//! card-ceremony verb, [`super::operation`]) does not write a record of its own: it notes its
//! name, codes and details here with [`detail`], and they become details of the call's one
//! record.

use std::cell::RefCell;

use super::record::CardSeen;

/// What one call saw: its cards and the details its custody events noted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// The cards, in the order the call named them.
    pub cards: Vec<CardSeen>,
    /// Details `(key, value)` for the call's record (never a secret).
    pub detail: Vec<(String, Vec<u8>)>,
}

thread_local! {
    static SEEN: RefCell<Option<Seen>> = const { RefCell::new(None) };
}

/// Opens this thread's scope (an open one is replaced).
pub fn begin() {
    let _ = SEEN.try_with(|s| *s.borrow_mut() = Some(Seen::default()));
}

/// Closes this thread's scope and returns what it saw.
pub fn end() -> Seen {
    SEEN.try_with(|s| s.borrow_mut().take())
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// `true` while this thread runs inside a scope (an audited verb's body).
pub fn open() -> bool {
    SEEN.try_with(|s| s.borrow().is_some()).unwrap_or(false)
}

/// Adds the detail `key` = `value` to the running call's record (dropped outside a scope).
pub fn detail(key: &str, value: &[u8]) {
    let _ = SEEN.try_with(|s| {
        if let Some(seen) = s.borrow_mut().as_mut() {
            // A key noted again keeps its first place and takes the new value.
            match seen.detail.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value.to_vec(),
                None => seen.detail.push((key.into(), value.to_vec())),
            }
        }
    });
}

fn note(reader: &str, set: impl FnOnce(&mut CardSeen)) {
    let _ = SEEN.try_with(|s| {
        if let Some(Seen { cards, .. }) = s.borrow_mut().as_mut() {
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
        detail("event", b"ACTIVATE");
        assert!(open());
        let seen = end();
        assert!(!open());
        assert_eq!(seen.cards.len(), 2);
        assert_eq!(seen.cards[0].csn.as_deref(), Some(&b"1"[..]));
        assert_eq!(seen.cards[1].label.as_deref(), Some(&b"L"[..]));
        assert_eq!(seen.detail, [("event".into(), b"ACTIVATE".to_vec())]);
        detail("x", b"y");
        assert_eq!(end(), Seen::default());
    }

    #[test]
    fn a_detail_key_is_noted_once_and_takes_the_last_value() {
        begin();
        detail("phase", b"READ");
        detail("set", b"AB");
        detail("phase", b"WRITE");
        assert_eq!(
            end().detail,
            vec![
                ("phase".to_string(), b"WRITE".to_vec()),
                ("set".to_string(), b"AB".to_vec())
            ]
        );
    }
}
