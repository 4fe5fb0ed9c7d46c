//! The profile's state machine: one call of [`Card::process`] per command APDU.

use zeroize::Zeroizing;

use crate::apdu::Command;
use crate::state::{
    CardState, EMPTY_CONTENT, MMPN, PinState, content_valid, label_valid, pin_valid,
};
use crate::store::Store;
use crate::tlv;

/// The application identifier (docs/card-profile.md §1).
pub const AID: [u8; 9] = [0xF0, 0x53, 0x4F, 0x46, 0x54, 0x43, 0x43, 0x41, 0x01];

/// The virtual card's ATR: T=1, historical bytes `SOFTCCA1`, TCK.
pub const ATR: [u8; 13] = [
    0x3B, 0x88, 0x80, 0x01, 0x53, 0x4F, 0x46, 0x54, 0x43, 0x43, 0x41, 0x31, 0x77,
];

/// The PIN after manufacture, format and ERASE.
pub const TRANSPORT_PIN: [u8; 8] = *b"12345678";

/// PIN reference of VERIFY and CHANGE REFERENCE DATA (local PIN 1).
const PIN_REF: u8 = 0x81;
/// Profile version (tag 8C).
const PROFILE_VERSION: u8 = 1;

const SW_OK: u16 = 0x9000;
const SW_MEMORY: u16 = 0x6581;
const SW_LENGTH: u16 = 0x6700;
const SW_NOT_VERIFIED: u16 = 0x6982;
const SW_BLOCKED: u16 = 0x6983;
const SW_CONDITIONS: u16 = 0x6985;
const SW_BAD_DATA: u16 = 0x6A80;
const SW_NOT_FOUND: u16 = 0x6A82;
const SW_NO_SPACE: u16 = 0x6A84;
const SW_BAD_P1P2: u16 = 0x6A86;
const SW_NO_OBJECT: u16 = 0x6A88;
const SW_INS: u16 = 0x6D00;
const SW_CLA: u16 = 0x6E00;

/// A response: data ‖ SW1 SW2 (zeroized when dropped: it may hold the secret).
type Response = Zeroizing<Vec<u8>>;

fn sw(code: u16) -> Response {
    Zeroizing::new(code.to_be_bytes().to_vec())
}

/// `data ‖ 9000`, or `6Cxx` when Le asks for fewer bytes than there are.
fn with_data(data: &[u8], le: Option<usize>) -> Response {
    match le {
        Some(n) if n < data.len() => sw(0x6C00 | (data.len() & 0xFF) as u16),
        _ => {
            let mut r = Zeroizing::new(Vec::with_capacity(data.len() + 2));
            r.extend_from_slice(data);
            r.extend_from_slice(&SW_OK.to_be_bytes());
            r
        }
    }
}

/// Constant-time equality of two PINs of the same length.
fn pin_eq(a: &[u8; 8], b: &[u8]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0 && b.len() == 8
}

/// One operator card: persistent state in a [`Store`], plus the volatile selection and
/// verification of the current session.
#[derive(Debug)]
pub struct Card<S: Store> {
    state: CardState,
    store: S,
    selected: bool,
    verified: bool,
}

impl<S: Store> Card<S> {
    /// A card whose persistent memory is `state`, kept by `store`.
    pub fn new(state: CardState, store: S) -> Card<S> {
        Card {
            state,
            store,
            selected: false,
            verified: false,
        }
    }

    /// The persistent state as it is now.
    pub fn state(&self) -> &CardState {
        &self.state
    }

    /// The store (tests inspect a [`crate::MemoryStore`]'s history or inject faults).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// A card reset or power cycle: the selection and the verification are lost.
    pub fn reset(&mut self) {
        self.selected = false;
        self.verified = false;
    }

    /// Processes one command APDU and returns the response APDU (data ‖ SW1 SW2).
    pub fn process(&mut self, apdu: &[u8]) -> Response {
        let Some(cmd) = Command::parse(apdu) else {
            return sw(SW_LENGTH);
        };
        let want_cla = match cmd.ins {
            0xA4 | 0xCA | 0x20 | 0x24 | 0xDA => 0x00,
            0xEE => 0x80,
            _ => return sw(SW_INS),
        };
        if cmd.cla != want_cla {
            return sw(SW_CLA);
        }
        if cmd.ins != 0xA4 && !self.selected {
            return sw(SW_CONDITIONS);
        }
        match cmd.ins {
            0xA4 => self.select(&cmd),
            0xCA => self.get_data(&cmd),
            0x20 => self.verify(&cmd),
            0x24 => self.change_reference_data(&cmd),
            0xDA => self.put_data(&cmd),
            _ => self.erase(&cmd),
        }
    }

    /// Makes `next` the persistent state, or leaves everything as it was (`Err` = SW 6581).
    fn commit(&mut self, next: CardState) -> Result<(), Response> {
        self.store.commit(&next).map_err(|_| sw(SW_MEMORY))?;
        self.state = next;
        Ok(())
    }

    fn select(&mut self, cmd: &Command<'_>) -> Response {
        if cmd.p1 != 0x04 || !matches!(cmd.p2, 0x00 | 0x0C) {
            return sw(SW_BAD_P1P2);
        }
        self.verified = false;
        self.selected = cmd.data == AID;
        if !self.selected {
            return sw(SW_NOT_FOUND);
        }
        if cmd.p2 == 0x0C {
            return sw(SW_OK);
        }
        let mut fci = Vec::new();
        let mut inner = Vec::new();
        tlv::put(&mut inner, 0x84, &AID);
        tlv::put(&mut fci, 0x6F, &inner);
        with_data(&fci, cmd.le)
    }

    /// The card data template 66 (docs/card-profile.md §6.2).
    fn card_data(&self) -> Vec<u8> {
        let s = &self.state;
        let mut body = Vec::with_capacity(200);
        s.identity.put_tlv(&mut body);
        tlv::put(&mut body, 0x89, &[s.scr]);
        tlv::put(&mut body, 0x8A, &[MMPN]);
        tlv::put(&mut body, 0x8B, &[(s.pin_state == PinState::Sealed) as u8]);
        tlv::put(&mut body, 0x8C, &[PROFILE_VERSION]);
        tlv::put(&mut body, 0xA0, s.content_descriptor());
        let mut out = Vec::with_capacity(body.len() + 3);
        tlv::put(&mut out, 0x66, &body);
        out
    }

    /// `Err` with 6983 or 6982 unless the PIN was verified in this session.
    fn gate(&self) -> Result<(), Response> {
        if self.state.blocked() {
            Err(sw(SW_BLOCKED))
        } else if !self.verified {
            Err(sw(SW_NOT_VERIFIED))
        } else {
            Ok(())
        }
    }

    fn get_data(&mut self, cmd: &Command<'_>) -> Response {
        if cmd.has_lc {
            return sw(SW_LENGTH);
        }
        match (cmd.p1, cmd.p2) {
            (0x00, 0x66) => with_data(&self.card_data(), cmd.le),
            (0x01, 0x01) => match self.gate() {
                Ok(()) => with_data(&self.state.label, cmd.le),
                Err(r) => r,
            },
            (0x01, 0x02) => match self.gate() {
                Ok(()) => with_data(&self.state.content, cmd.le),
                Err(r) => r,
            },
            _ => sw(SW_NO_OBJECT),
        }
    }

    fn put_data(&mut self, cmd: &Command<'_>) -> Response {
        let result = match (cmd.p1, cmd.p2) {
            (0x01, 0x01) => self.put_label(cmd.data),
            (0x01, 0x02) => self.put_content(cmd.data),
            (0x01, 0x03) => self.put_label_and_content(cmd.data),
            _ => Err(sw(SW_NO_OBJECT)),
        };
        result.map_or_else(|r| r, |()| sw(SW_OK))
    }

    fn put_label(&mut self, label: &[u8]) -> Result<(), Response> {
        self.gate()?;
        if label.len() > 64 {
            return Err(sw(SW_NO_SPACE));
        }
        if !label_valid(label) {
            return Err(sw(SW_BAD_DATA));
        }
        let mut next = self.state.clone();
        next.label = label.to_vec();
        self.commit(next)
    }

    fn put_content(&mut self, object: &[u8]) -> Result<(), Response> {
        self.gate()?;
        if self.state.content_kind() != 0 {
            return Err(sw(SW_CONDITIONS));
        }
        if !content_valid(object) {
            return Err(sw(SW_BAD_DATA));
        }
        if object == EMPTY_CONTENT {
            return Ok(());
        }
        let mut next = self.state.clone();
        next.content = Zeroizing::new(object.to_vec());
        self.commit(next)
    }

    /// PUT DATA `0103` (docs/card-profile.md §3.6.1): `C0 label` followed by a content object,
    /// both written in one commit, only while the content is empty.
    fn put_label_and_content(&mut self, data: &[u8]) -> Result<(), Response> {
        self.gate()?;
        if self.state.content_kind() != 0 {
            return Err(sw(SW_CONDITIONS));
        }
        let Some((0xC0, label, object)) = tlv::take(data) else {
            return Err(sw(SW_BAD_DATA));
        };
        if label.len() > 64 {
            return Err(sw(SW_NO_SPACE));
        }
        if !label_valid(label) || !content_valid(object) {
            return Err(sw(SW_BAD_DATA));
        }
        let mut next = self.state.clone();
        next.label = label.to_vec();
        next.content = Zeroizing::new(object.to_vec());
        self.commit(next)
    }

    fn check_pin_params(&self, cmd: &Command<'_>) -> Result<(), Response> {
        if cmd.p1 != 0x00 {
            Err(sw(SW_BAD_P1P2))
        } else if cmd.p2 != PIN_REF {
            Err(sw(SW_NO_OBJECT))
        } else if self.state.blocked() {
            Err(sw(SW_BLOCKED))
        } else {
            Ok(())
        }
    }

    /// Presents `candidate` under the SCR rules: SCR is raised in persistent memory first, then
    /// the PIN compared; a right PIN commits `on_right(state)` with SCR back at 0.
    fn present(
        &mut self,
        candidate: &[u8],
        on_right: impl FnOnce(&mut CardState),
    ) -> Result<(), Response> {
        self.verified = false;
        let mut raised = self.state.clone();
        raised.scr += 1;
        self.commit(raised)?;
        if pin_eq(&self.state.pin, candidate) {
            let mut next = self.state.clone();
            next.scr = 0;
            on_right(&mut next);
            self.commit(next)?;
            self.verified = true;
            Ok(())
        } else if self.state.blocked() {
            Err(sw(SW_BLOCKED))
        } else {
            Err(sw(0x63C0 | u16::from(MMPN + 1 - self.state.scr)))
        }
    }

    fn verify(&mut self, cmd: &Command<'_>) -> Response {
        if let Err(r) = self.check_pin_params(cmd) {
            return r;
        }
        if !cmd.has_lc && cmd.le.is_none() {
            return if self.verified {
                sw(SW_OK)
            } else {
                sw(0x63C0 | u16::from(MMPN + 1 - self.state.scr))
            };
        }
        if cmd.data.len() != 8 || cmd.le.is_some() {
            return sw(SW_LENGTH);
        }
        if !pin_valid(cmd.data) {
            return sw(SW_BAD_DATA);
        }
        self.present(cmd.data, |_| {})
            .map_or_else(|r| r, |()| sw(SW_OK))
    }

    fn change_reference_data(&mut self, cmd: &Command<'_>) -> Response {
        if let Err(r) = self.check_pin_params(cmd) {
            return r;
        }
        if self.state.pin_state == PinState::Sealed {
            return sw(SW_CONDITIONS);
        }
        if cmd.data.len() != 16 || cmd.le.is_some() {
            return sw(SW_LENGTH);
        }
        let (old, new) = cmd.data.split_at(8);
        if !pin_valid(old) || !pin_valid(new) {
            return sw(SW_BAD_DATA);
        }
        // Copied straight from the command into the next state: a PIN moved through a local
        // (even a Zeroizing one) leaves its bytes behind on the stack.
        self.present(old, |s| {
            s.pin.copy_from_slice(new);
            s.pin_state = PinState::Sealed;
        })
        .map_or_else(|r| r, |()| sw(SW_OK))
    }

    fn erase(&mut self, cmd: &Command<'_>) -> Response {
        if (cmd.p1, cmd.p2) != (0, 0) {
            return sw(SW_BAD_P1P2);
        }
        if cmd.has_lc || cmd.le.is_some() {
            return sw(SW_LENGTH);
        }
        if let Err(r) = self.gate() {
            return r;
        }
        let next = CardState::formatted(self.state.identity.clone());
        match self.commit(next) {
            Ok(()) => {
                self.verified = false;
                sw(SW_OK)
            }
            Err(r) => r,
        }
    }
}
