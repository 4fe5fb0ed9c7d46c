//! The operator card's typed operations (docs/card-profile.md §3), one function per command.

use zeroize::Zeroizing;

use super::apdu::{Command, Response, exchange};
use super::sw::Sw;
use super::{CardError, CardPin, Content, Descriptor, Transport, tlv};

/// The operator application's AID.
pub const AID: [u8; 9] = [0xF0, 0x53, 0x4F, 0x46, 0x54, 0x43, 0x43, 0x41, 0x01];

/// PIN reference of VERIFY and CHANGE REFERENCE DATA.
const PIN_REF: u8 = 0x81;

/// Largest label the profile allows.
pub const MAX_LABEL: usize = 64;

/// Everything the Inspect screen shows, read without the PIN (§5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardData {
    /// Answer to reset (from the transport, not from an APDU).
    pub atr: Vec<u8>,
    /// Card serial number.
    pub csn: String,
    /// Family.
    pub family: String,
    /// Card Name.
    pub card_name: String,
    /// Card OS.
    pub card_os: String,
    /// Prog Ver.
    pub prog_ver: u8,
    /// Chip Ver.
    pub chip_ver: u8,
    /// LOCK1 byte.
    pub lock1: u8,
    /// LOCK2 byte.
    pub lock2: u8,
    /// Card Type.
    pub card_type: String,
    /// Consecutive wrong PIN presentations (SCR).
    pub scr: u8,
    /// Mode Maximum Presentation Number.
    pub mmpn: u8,
    /// Whether the one PIN change has been used (PIN area sealed).
    pub pin_sealed: bool,
    /// Profile version.
    pub profile_version: u8,
    /// Content kind and set, without the secret.
    pub content: Descriptor,
}

impl CardData {
    /// Whether the card is blocked for good (SCR above MMPN).
    pub fn blocked(&self) -> bool {
        self.scr > self.mmpn
    }

    /// Parses the card data template `66` (§6.2).
    pub fn parse(atr: &[u8], template: &[u8]) -> Result<CardData, CardError> {
        let bad = CardError::MalformedResponse;
        let outer = tlv::parse(template)?;
        let body = match outer.as_slice() {
            [(0x66, body)] => *body,
            _ => return Err(bad),
        };
        let items = tlv::parse(body)?;
        let text = |tag, max: usize| -> Result<String, CardError> {
            let v = tlv::find(&items, tag).ok_or(bad)?;
            if v.len() > max || !v.iter().all(|b| (0x20..=0x7E).contains(b)) {
                return Err(bad);
            }
            Ok(v.iter().map(|&b| char::from(b)).collect())
        };
        let byte = |tag| match tlv::find(&items, tag) {
            Some([b]) => Ok(*b),
            _ => Err(bad),
        };
        let csn = text(0x80, 32)?;
        if csn.is_empty() {
            return Err(bad);
        }
        Ok(CardData {
            atr: atr.to_vec(),
            csn,
            family: text(0x81, 32)?,
            card_name: text(0x82, 32)?,
            card_os: text(0x83, 16)?,
            prog_ver: byte(0x84)?,
            chip_ver: byte(0x85)?,
            lock1: byte(0x86)?,
            lock2: byte(0x87)?,
            card_type: text(0x88, 8)?,
            scr: byte(0x89)?,
            mmpn: byte(0x8A)?,
            pin_sealed: match byte(0x8B)? {
                0 => false,
                1 => true,
                _ => return Err(bad),
            },
            profile_version: byte(0x8C)?,
            content: Descriptor::parse(tlv::find(&items, 0xA0).ok_or(bad)?)?,
        })
    }
}

/// What an empty VERIFY reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinStatus {
    /// The PIN is verified in this session.
    Verified,
    /// Not verified; this many presentations left.
    TriesLeft(u8),
    /// Blocked for good.
    Blocked,
}

/// The status words every command shares; `Ok(())` only for `9000`.
fn common(sw: Sw) -> Result<(), CardError> {
    Err(match sw {
        Sw::Ok => return Ok(()),
        Sw::WrongPin { tries_left } => CardError::WrongPin { tries_left },
        Sw::Blocked => CardError::Blocked,
        Sw::NotVerified => CardError::PinNotVerified,
        Sw::MemoryFailure => CardError::WriteFailed,
        Sw::WrongData | Sw::NoSpace => CardError::BadData,
        Sw::NotFound => CardError::NotOurCard,
        other => CardError::UnexpectedStatus(other.code()),
    })
}

/// A selected operator card within one session. Created by [`OperatorCard::select`]; every
/// method is one command of the profile.
pub struct OperatorCard<'t> {
    t: &'t mut dyn Transport,
}

impl<'t> OperatorCard<'t> {
    /// SELECT by AID (`00 A4 04 0C`): [`CardError::NotOurCard`] when the card has no operator
    /// application.
    pub fn select(t: &'t mut dyn Transport) -> Result<OperatorCard<'t>, CardError> {
        let r = exchange(t, &Command::new(0x00, 0xA4, 0x04, 0x0C).data(&AID))?;
        match r.sw {
            Sw::Ok => Ok(OperatorCard { t }),
            Sw::NotFound | Sw::InsNotSupported | Sw::ClaNotSupported | Sw::WrongP1P2 => {
                Err(CardError::NotOurCard)
            }
            other => Err(CardError::UnexpectedStatus(other.code())),
        }
    }

    fn send(&mut self, cmd: &Command) -> Result<Response, CardError> {
        exchange(self.t, cmd)
    }

    /// GET DATA `0066`: the Inspect fields (no PIN needed).
    pub fn card_data(&mut self) -> Result<CardData, CardError> {
        let r = self.send(&Command::new(0x00, 0xCA, 0x00, 0x66).le(256))?;
        common(r.sw)?;
        CardData::parse(self.t.atr(), &r.data)
    }

    /// VERIFY: `Ok` when the PIN is right; [`CardError::WrongPin`] with the presentations left,
    /// or [`CardError::Blocked`] (also for the seventh wrong PIN).
    pub fn verify(&mut self, pin: &CardPin) -> Result<(), CardError> {
        let cmd = Command::new(0x00, 0x20, 0x00, PIN_REF)
            .sensitive(Zeroizing::new(pin.digits().to_vec()));
        common(self.send(&cmd)?.sw)
    }

    /// Empty VERIFY: reports the PIN status without presenting (nothing is counted).
    pub fn pin_status(&mut self) -> Result<PinStatus, CardError> {
        let r = self.send(&Command::new(0x00, 0x20, 0x00, PIN_REF))?;
        match r.sw {
            Sw::Ok => Ok(PinStatus::Verified),
            Sw::WrongPin { tries_left } => Ok(PinStatus::TriesLeft(tries_left)),
            Sw::Blocked => Ok(PinStatus::Blocked),
            other => Err(CardError::UnexpectedStatus(other.code())),
        }
    }

    /// CHANGE REFERENCE DATA: the one PIN change of this format; then the PIN area is sealed
    /// ([`CardError::PinChangeSealed`] for a second change).
    pub fn change_pin(&mut self, old: &CardPin, new: &CardPin) -> Result<(), CardError> {
        let mut data = Zeroizing::new(Vec::with_capacity(16));
        data.extend_from_slice(old.digits());
        data.extend_from_slice(new.digits());
        let r = self.send(&Command::new(0x00, 0x24, 0x00, PIN_REF).sensitive(data))?;
        match r.sw {
            Sw::Conditions => Err(CardError::PinChangeSealed),
            sw => common(sw),
        }
    }

    /// GET DATA `0101`: the label (PIN verified first).
    pub fn label(&mut self) -> Result<Vec<u8>, CardError> {
        let r = self.send(&Command::new(0x00, 0xCA, 0x01, 0x01).le(256))?;
        common(r.sw)?;
        // The label reaches the caller's (COBOL) field as it is: 0-64 printable ASCII bytes,
        // as the profile promises, or the response is malformed.
        if r.data.len() > MAX_LABEL || !r.data.iter().all(|b| (0x20..=0x7E).contains(b)) {
            return Err(CardError::MalformedResponse);
        }
        Ok(r.data.to_vec())
    }

    /// PUT DATA `0101`: sets (or, when empty, clears) the label: at most 64 printable ASCII
    /// bytes, checked before the card is touched.
    pub fn put_label(&mut self, label: &[u8]) -> Result<(), CardError> {
        if label.len() > MAX_LABEL || !label.iter().all(|b| (0x20..=0x7E).contains(b)) {
            return Err(CardError::BadData);
        }
        let cmd = Command::new(0x00, 0xDA, 0x01, 0x01).data(label);
        common(self.send(&cmd)?.sw)
    }

    /// GET DATA `0102`: the content with its secret (PIN verified first).
    pub fn content(&mut self) -> Result<Content, CardError> {
        let r = self.send(&Command::new(0x00, 0xCA, 0x01, 0x02).le(256))?;
        common(r.sw)?;
        Content::decode(&r.data)
    }

    /// PUT DATA `0102`: writes a content onto an empty card ([`CardError::ContentNotEmpty`]
    /// otherwise).
    pub fn put_content(&mut self, content: &Content) -> Result<(), CardError> {
        let object = content.encode();
        let cmd = Command::new(0x00, 0xDA, 0x01, 0x02).sensitive(object);
        match self.send(&cmd)?.sw {
            Sw::Conditions => Err(CardError::ContentNotEmpty),
            sw => common(sw),
        }
    }

    /// PUT DATA `0103`: writes a label and a content in one atomic step onto a card whose
    /// content is empty ([`CardError::ContentNotEmpty`] otherwise): the card holds both or
    /// neither, whenever it is pulled. The label is checked as for [`Self::put_label`] first.
    pub fn put_label_and_content(
        &mut self,
        label: &[u8],
        content: &Content,
    ) -> Result<(), CardError> {
        if label.len() > MAX_LABEL || !label.iter().all(|b| (0x20..=0x7E).contains(b)) {
            return Err(CardError::BadData);
        }
        let object = content.encode();
        let mut data = Zeroizing::new(Vec::with_capacity(2 + label.len() + object.len()));
        tlv::put(&mut data, 0xC0, label);
        data.extend_from_slice(&object);
        let cmd = Command::new(0x00, 0xDA, 0x01, 0x03).sensitive(data);
        match self.send(&cmd)?.sw {
            Sw::Conditions => Err(CardError::ContentNotEmpty),
            sw => common(sw),
        }
    }

    /// ERASE (`80 EE 00 00`): back to the post-format state (PIN verified first).
    pub fn erase(&mut self) -> Result<(), CardError> {
        common(self.send(&Command::new(0x80, 0xEE, 0x00, 0x00))?.sw)
    }
}
