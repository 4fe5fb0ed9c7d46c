//! The operator-card verbs: CSUCRDL (list readers), CSUCINS (Inspect), CSUCGLB (Get Label),
//! CSUCCPN (Change PIN), CSUCERA (Erase), CSUCCPY (Copy Card).

use super::{Codes, Rules, Verb, field, input, len32, text};
use crate::secret::Secret;

/// One PC/SC reader and whether it holds a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reader {
    /// The reader name, as the card verbs take it.
    pub name: String,
    /// A card is in the reader.
    pub present: bool,
}

/// CSUCRDL: every reader pcscd serves.
pub fn readers() -> Verb<Vec<Reader>> {
    const ROOM: usize = 32;
    let mut rules = Rules::new(&["ALL"]);
    let mut count = len32(ROOM);
    let mut list = vec![b' '; 136 * ROOM];
    let mut codes = Codes::new();
    // SAFETY: reader_list has room for `count` 136-byte entries.
    unsafe {
        softcca::ffi::card::CSUCRDL(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            &mut count,
            list.as_mut_ptr(),
        )
    };
    codes.check("CSUCRDL")?;
    let n = (count.max(0) as usize).min(ROOM);
    Ok(list[..136 * n]
        .chunks(136)
        .map(|e| Reader {
            name: text(&e[..128]),
            present: e[128..136].starts_with(b"PRESENT"),
        })
        .collect())
}

/// The Inspect record of a card (docs/CSUCINS.md), field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// `(label, value)` in the order of the Inspect screen.
    pub fields: Vec<(&'static str, String)>,
}

impl Inspection {
    /// The value of the field named `label`.
    pub fn get(&self, label: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.as_str())
    }
}

/// The fields of the 364-byte record: (screen label, offset, length).
const LAYOUT: &[(&str, usize, usize)] = &[
    ("ATR", 0, 66),
    ("CSN", 66, 32),
    ("Family", 98, 32),
    ("Card Name", 130, 32),
    ("Card OS", 162, 16),
    ("Prog Ver", 178, 2),
    ("Chip Ver", 180, 2),
    ("LOCK1 byte", 182, 2),
    ("LOCK2 byte", 184, 2),
    ("Card Type", 186, 8),
    ("PIN Locked", 194, 32),
    ("PIN SCR", 226, 2),
    ("MMPN", 228, 2),
    ("Content", 230, 8),
    ("Set Id", 238, 32),
    ("M", 270, 3),
    ("N", 273, 3),
    ("Index", 276, 3),
    ("Check Value", 279, 16),
    ("Label Read", 295, 1),
    ("Label Length", 296, 2),
    ("Label", 298, 64),
    ("Profile Ver", 362, 2),
];

/// CSUCINS: the card in `reader`; with its PIN the label too.
pub fn inspect(reader: &str, pin: Option<&Secret>) -> Verb<Inspection> {
    let mut rules = Rules::new(&[]);
    let name = field::<128>(reader);
    let mut pin_len = len32(pin.map_or(0, |p| p.len()));
    let mut out_len = 364i32;
    let mut out = [b' '; 364];
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; pin has pin_length bytes or is NULL with length 0;
    // inspect_data has inspect_data_length (364) bytes of room.
    unsafe {
        softcca::ffi::card::CSUCINS(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut pin_len,
            pin.map_or(std::ptr::null_mut(), |p| input(p.bytes())),
            &mut out_len,
            out.as_mut_ptr(),
        )
    };
    codes.check("CSUCINS")?;
    Ok(Inspection {
        fields: LAYOUT
            .iter()
            .map(|&(l, o, n)| (l, text(&out[o..o + n])))
            .collect(),
    })
}

/// CSUCGLB: the card's label, after its PIN is verified.
pub fn get_label(reader: &str, pin: &Secret) -> Verb<String> {
    let mut rules = Rules::new(&[]);
    let name = field::<128>(reader);
    let mut pin_len = len32(pin.len());
    let mut label_len = 64i32;
    let mut label = [b' '; 64];
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; pin has pin_length bytes; label has label_length (64)
    // bytes of room.
    unsafe {
        softcca::ffi::card::CSUCGLB(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut pin_len,
            input(pin.bytes()),
            &mut label_len,
            label.as_mut_ptr(),
        )
    };
    codes.check("CSUCGLB")?;
    let n = (label_len.max(0) as usize).min(64);
    Ok(String::from_utf8_lossy(&label[..n]).into_owned())
}

/// CSUCCPN: the card's one PIN change, `old` to `new`.
pub fn change_pin(reader: &str, old: &Secret, new: &Secret) -> Verb<()> {
    let mut rules = Rules::new(&[]);
    let name = field::<128>(reader);
    let mut old_len = len32(old.len());
    let mut new_len = len32(new.len());
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; old_pin and new_pin have their lengths' bytes (read
    // only).
    unsafe {
        softcca::ffi::card::CSUCCPN(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut old_len,
            input(old.bytes()),
            &mut new_len,
            input(new.bytes()),
        )
    };
    codes.check("CSUCCPN").map(|_| ())
}

/// CSUCERA: the card back to its post-format state, after its PIN is verified.
pub fn erase(reader: &str, pin: &Secret) -> Verb<()> {
    let mut rules = Rules::new(&[]);
    let name = field::<128>(reader);
    let mut pin_len = len32(pin.len());
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; pin has pin_length bytes (read only).
    unsafe {
        softcca::ffi::card::CSUCERA(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut pin_len,
            input(pin.bytes()),
        )
    };
    codes.check("CSUCERA").map(|_| ())
}

/// CSUCCPY: the card in `source` copied onto the erased card in `target` (one PIN for both).
pub fn copy(source: &str, target: &str, pin: &Secret) -> Verb<()> {
    let mut rules = Rules::new(&[]);
    let from = field::<128>(source);
    let to = field::<128>(target);
    let mut pin_len = len32(pin.len());
    let mut codes = Codes::new();
    // SAFETY: both reader names are 128 bytes; pin has pin_length bytes (read only).
    unsafe {
        softcca::ffi::card::CSUCCPY(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&from),
            input(&to),
            &mut pin_len,
            input(pin.bytes()),
        )
    };
    codes.check("CSUCCPY").map(|_| ())
}
