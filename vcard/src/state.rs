//! What a card keeps in persistent memory, and its state-file encoding.

use core::fmt;
use zeroize::Zeroizing;

use crate::tlv;

/// Mode Maximum Presentation Number: consecutive wrong PINs tolerated (docs/decisions.md F18).
pub const MMPN: u8 = 6;

/// The manufacturer's data, fixed for the life of a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    csn: String,
    family: String,
    card_name: String,
    card_os: String,
    card_type: String,
    prog_ver: u8,
    chip_ver: u8,
    lock1: u8,
    lock2: u8,
}

/// Why an identity field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityError {
    /// The CSN is not 1 to 32 upper-case hex digits.
    Csn,
    /// A text field is longer than the profile allows or is not printable ASCII.
    Text,
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdentityError::Csn => "the CSN must be 1 to 32 upper-case hex digits",
            IdentityError::Text => "an identity text is too long or not printable ASCII",
        })
    }
}

impl std::error::Error for IdentityError {}

fn printable(s: &str, max: usize) -> bool {
    s.len() <= max && s.bytes().all(|b| (0x20..=0x7E).contains(&b))
}

impl Identity {
    /// The identity of a softcca virtual card with serial number `csn`.
    pub fn virtual_card(csn: &str) -> Result<Identity, IdentityError> {
        Identity::new(
            csn,
            "softcca virtual card",
            "softcca-vcard",
            "vcard 1",
            "VIRT",
            1,
            1,
            2,
            2,
        )
    }

    /// An identity from its fields (lengths per docs/card-profile.md §6.2).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        csn: &str,
        family: &str,
        card_name: &str,
        card_os: &str,
        card_type: &str,
        prog_ver: u8,
        chip_ver: u8,
        lock1: u8,
        lock2: u8,
    ) -> Result<Identity, IdentityError> {
        let hex = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
        if csn.is_empty() || csn.len() > 32 || !csn.bytes().all(hex) {
            return Err(IdentityError::Csn);
        }
        if !(printable(family, 32)
            && printable(card_name, 32)
            && printable(card_os, 16)
            && printable(card_type, 8))
        {
            return Err(IdentityError::Text);
        }
        Ok(Identity {
            csn: csn.into(),
            family: family.into(),
            card_name: card_name.into(),
            card_os: card_os.into(),
            card_type: card_type.into(),
            prog_ver,
            chip_ver,
            lock1,
            lock2,
        })
    }

    /// The card serial number.
    pub fn csn(&self) -> &str {
        &self.csn
    }

    /// Appends tags 80 to 88 of the card data template.
    pub(crate) fn put_tlv(&self, out: &mut Vec<u8>) {
        tlv::put(out, 0x80, self.csn.as_bytes());
        tlv::put(out, 0x81, self.family.as_bytes());
        tlv::put(out, 0x82, self.card_name.as_bytes());
        tlv::put(out, 0x83, self.card_os.as_bytes());
        tlv::put(out, 0x84, &[self.prog_ver]);
        tlv::put(out, 0x85, &[self.chip_ver]);
        tlv::put(out, 0x86, &[self.lock1]);
        tlv::put(out, 0x87, &[self.lock2]);
        tlv::put(out, 0x88, self.card_type.as_bytes());
    }
}

/// Whether the one PIN change of this format is still available.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinState {
    /// The transport PIN (or a PIN not yet changed): one change allowed.
    ChangeAllowed,
    /// Changed once: the PIN area is sealed until ERASE.
    Sealed,
}

/// The persistent memory of one card.
#[derive(Clone, PartialEq, Eq)]
pub struct CardState {
    pub(crate) identity: Identity,
    pub(crate) pin: Zeroizing<[u8; 8]>,
    pub(crate) scr: u8,
    pub(crate) pin_state: PinState,
    pub(crate) label: Vec<u8>,
    /// The content object as written by PUT DATA (always valid; `C1 01 00` when empty).
    pub(crate) content: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for CardState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardState")
            .field("identity", &self.identity)
            .field("pin", &"REDACTED")
            .field("scr", &self.scr)
            .field("pin_state", &self.pin_state)
            .field("label", &String::from_utf8_lossy(&self.label))
            .field("content_kind", &self.content_kind())
            .finish()
    }
}

/// The content object of an empty card.
pub(crate) const EMPTY_CONTENT: [u8; 3] = [0xC1, 0x01, 0x00];

impl CardState {
    /// A card just out of manufacture (or ERASE): transport PIN, one change allowed, empty.
    pub fn formatted(identity: Identity) -> CardState {
        CardState {
            identity,
            pin: Zeroizing::new(crate::TRANSPORT_PIN),
            scr: 0,
            pin_state: PinState::ChangeAllowed,
            label: Vec::new(),
            content: Zeroizing::new(EMPTY_CONTENT.to_vec()),
        }
    }

    /// The manufacturer's data.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The SCR counter (0..=7; 7 = blocked).
    pub fn scr(&self) -> u8 {
        self.scr
    }

    /// Whether the seventh consecutive wrong PIN has blocked the card.
    pub fn blocked(&self) -> bool {
        self.scr > MMPN
    }

    /// The PIN change state.
    pub fn pin_state(&self) -> PinState {
        self.pin_state
    }

    /// The label bytes.
    pub fn label(&self) -> &[u8] {
        &self.label
    }

    /// The content kind byte (tag C1).
    pub fn content_kind(&self) -> u8 {
        self.content.get(2).copied().unwrap_or(0)
    }

    /// The content object without its secret (tag C7): the descriptor of template A0.
    pub(crate) fn content_descriptor(&self) -> &[u8] {
        // A valid non-empty object is C1..C6 (DESCRIPTOR_LEN bytes) followed by C7.
        let end = if self.content_kind() == 0 {
            self.content.len()
        } else {
            DESCRIPTOR_LEN
        };
        &self.content[..end]
    }

    /// The state-file text (`key=hex` lines ended by `end=`); the PIN and the secret appear in
    /// it: the file stands for the chip's protected memory.
    pub fn encode(&self) -> Zeroizing<String> {
        let id = &self.identity;
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let mut s = Zeroizing::new(String::new());
        s.push_str("softcca-vcard-state=01\n");
        for (k, v) in [
            ("csn", id.csn.as_bytes()),
            ("family", id.family.as_bytes()),
            ("card_name", id.card_name.as_bytes()),
            ("card_os", id.card_os.as_bytes()),
            ("card_type", id.card_type.as_bytes()),
            ("versions", &[id.prog_ver, id.chip_ver, id.lock1, id.lock2]),
            ("pin", &self.pin[..]),
            ("scr", &[self.scr]),
            ("pin_state", &[(self.pin_state == PinState::Sealed) as u8]),
            ("label", &self.label),
            ("content", &self.content),
        ] {
            s.push_str(k);
            s.push('=');
            s.push_str(&hex(v));
            s.push('\n');
        }
        s.push_str("end=\n");
        s
    }

    /// Parses [`encode`](Self::encode)'s text; `None` when anything is missing, extra or out
    /// of range (a damaged file is never half-used).
    pub fn decode(text: &str) -> Option<CardState> {
        let mut lines = text.lines();
        if lines.next()? != "softcca-vcard-state=01" {
            return None;
        }
        let mut field = |key: &str| -> Option<Zeroizing<Vec<u8>>> {
            let v = lines.next()?.strip_prefix(key)?.strip_prefix('=')?;
            if v.len() % 2 != 0 {
                return None;
            }
            let bytes: Option<Vec<u8>> = (0..v.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(v.get(i..i + 2)?, 16).ok())
                .collect();
            Some(Zeroizing::new(bytes?))
        };
        let text_of = |b: Zeroizing<Vec<u8>>| String::from_utf8(b.to_vec()).ok();
        let csn = text_of(field("csn")?)?;
        let family = text_of(field("family")?)?;
        let card_name = text_of(field("card_name")?)?;
        let card_os = text_of(field("card_os")?)?;
        let card_type = text_of(field("card_type")?)?;
        let versions = field("versions")?;
        let [prog_ver, chip_ver, lock1, lock2] = versions[..] else {
            return None;
        };
        let identity = Identity::new(
            &csn, &family, &card_name, &card_os, &card_type, prog_ver, chip_ver, lock1, lock2,
        )
        .ok()?;
        let pin: [u8; 8] = field("pin")?[..].try_into().ok()?;
        let pin = Zeroizing::new(pin);
        let scr = match field("scr")?[..] {
            [s] if s <= MMPN + 1 => s,
            _ => return None,
        };
        let pin_state = match field("pin_state")?[..] {
            [0] => PinState::ChangeAllowed,
            [1] => PinState::Sealed,
            _ => return None,
        };
        let label = field("label")?.to_vec();
        let content = field("content")?;
        if lines.next()? != "end=" || lines.next().is_some() {
            return None;
        }
        let state = CardState {
            identity,
            pin,
            scr,
            pin_state,
            label,
            content,
        };
        let valid =
            pin_valid(&state.pin[..]) && label_valid(&state.label) && content_valid(&state.content);
        valid.then_some(state)
    }
}

/// Length of a non-empty content object without tag C7 (C1..C6).
const DESCRIPTOR_LEN: usize = 3 + 18 + 3 + 3 + 3 + 10;

/// Whether `pin` is 8 ASCII digits.
pub(crate) fn pin_valid(pin: &[u8]) -> bool {
    pin.len() == 8 && pin.iter().all(u8::is_ascii_digit)
}

/// Whether `label` is at most 64 printable ASCII bytes.
pub(crate) fn label_valid(label: &[u8]) -> bool {
    label.len() <= 64 && label.iter().all(|b| (0x20..=0x7E).contains(b))
}

/// Whether `object` is a content object by the rules of docs/card-profile.md §6.3.
pub(crate) fn content_valid(object: &[u8]) -> bool {
    let Some((0xC1, [kind], rest)) = tlv::take(object) else {
        return false;
    };
    if *kind == 0 {
        return rest.is_empty();
    }
    let mut rest = rest;
    let mut fields: [&[u8]; 5] = [&[]; 5];
    for (i, (tag, len)) in [(0xC2, 16), (0xC3, 1), (0xC4, 1), (0xC5, 1), (0xC6, 8)]
        .into_iter()
        .enumerate()
    {
        match tlv::take(rest) {
            Some((t, v, r)) if t == tag && v.len() == len => {
                fields[i] = v;
                rest = r;
            }
            _ => return false,
        }
    }
    match tlv::take(rest) {
        Some((0xC7, v, [])) if (1..=64).contains(&v.len()) => {}
        _ => return false,
    }
    let (m, n, index) = (fields[1][0], fields[2][0], fields[3][0]);
    match kind {
        1 => m == 1 && n == 1 && index == 1,
        2 | 3 => 2 <= m && m <= n && 1 <= index && index <= n,
        _ => false,
    }
}
