//! A hostile or broken card against the host client (a scripted transport standing in for
//! the card; found by the review of the card code). Each attack must now be refused:
//!
//! * an endless `61xx` chain with empty parts (and one of 1-byte parts) would keep the host,
//!   and the reader held in its transaction, busy for ever: cut, `MalformedResponse`;
//! * `6Cxx` to VERIFY would make the host present the PIN a second time: never re-sent;
//! * a label with control or non-ASCII bytes would reach the caller's field as it came:
//!   `MalformedResponse`.
use softcca::card::apdu::{Command, exchange};
use softcca::card::{Buffer, CardError, CardPin, OperatorCard, Transport};
use zeroize::Zeroizing;

/// A card scripted by a closure; counts what it was sent and gives up after `limit` commands
/// (so that a client that never stops fails the test instead of hanging it).
struct Hostile<F: FnMut(&[u8]) -> Vec<u8>> {
    answer: F,
    sent: Vec<Vec<u8>>,
    limit: usize,
}

impl<F: FnMut(&[u8]) -> Vec<u8>> Transport for Hostile<F> {
    fn transmit(&mut self, c: &[u8]) -> Result<Buffer, CardError> {
        self.sent.push(c.to_vec());
        if self.sent.len() >= self.limit {
            return Err(CardError::Transport);
        }
        Ok(Zeroizing::new((self.answer)(c)))
    }
    fn atr(&self) -> &[u8] {
        &[0x3B, 0x00]
    }
}

#[test]
fn endless_response_chains_are_cut() {
    // `61 00` with no data, for ever.
    let mut t = Hostile {
        answer: |_: &[u8]| vec![0x61, 0x00],
        sent: vec![],
        limit: 100_000,
    };
    let r = exchange(&mut t, &Command::new(0x00, 0xCA, 0x00, 0x66).le(256));
    assert_eq!(r.unwrap_err(), CardError::MalformedResponse);
    assert!(t.sent.len() <= 3, "{} commands sent", t.sent.len());
    // One byte per part, `61 01` for ever: cut after a bounded number of rounds.
    let mut t = Hostile {
        answer: |_: &[u8]| vec![0xAB, 0x61, 0x01],
        sent: vec![],
        limit: 100_000,
    };
    let r = exchange(&mut t, &Command::new(0x00, 0xCA, 0x00, 0x66).le(256));
    assert_eq!(r.unwrap_err(), CardError::MalformedResponse);
    assert!(t.sent.len() <= 20, "{} commands sent", t.sent.len());
}

#[test]
fn a_pin_is_never_presented_twice() {
    let mut t = Hostile {
        answer: |c: &[u8]| match c[1] {
            0xA4 => vec![0x90, 0x00],
            0x20 => vec![0x6C, 0x08],
            _ => vec![0x6D, 0x00],
        },
        sent: vec![],
        limit: 100,
    };
    let pin = CardPin::from_typed(b"12345678").unwrap();
    let mut card = OperatorCard::select(&mut t).unwrap();
    assert_eq!(
        card.verify(&pin).unwrap_err(),
        CardError::UnexpectedStatus(0x6C08)
    );
    let verifies = t.sent.iter().filter(|c| c[1] == 0x20).count();
    assert_eq!(verifies, 1, "the PIN went out {verifies} times");
}

#[test]
fn a_label_that_is_not_printable_ascii_is_malformed() {
    for bad in [
        vec![0x00],
        vec![0x0A],
        vec![0x1B],
        vec![0xFF],
        vec![b'A', 0x7F],
    ] {
        let answer = {
            let bad = bad.clone();
            move |c: &[u8]| match (c[1], c[2], c[3]) {
                (0xA4, ..) | (0x20, ..) => vec![0x90, 0x00],
                (0xCA, 0x01, 0x01) => {
                    let mut r = bad.clone();
                    r.extend_from_slice(&[0x90, 0x00]);
                    r
                }
                _ => vec![0x6D, 0x00],
            }
        };
        let mut t = Hostile {
            answer,
            sent: vec![],
            limit: 100,
        };
        let mut card = OperatorCard::select(&mut t).unwrap();
        assert_eq!(
            card.label().unwrap_err(),
            CardError::MalformedResponse,
            "{bad:02X?}"
        );
    }
    // A printable label still reads.
    let mut t = Hostile {
        answer: |c: &[u8]| match (c[1], c[2], c[3]) {
            (0xA4, ..) => vec![0x90, 0x00],
            (0xCA, 0x01, 0x01) => b"OPERATOR 1\x90\x00".to_vec(),
            _ => vec![0x6D, 0x00],
        },
        sent: vec![],
        limit: 100,
    };
    let mut card = OperatorCard::select(&mut t).unwrap();
    assert_eq!(card.label().unwrap(), b"OPERATOR 1".to_vec());
}
