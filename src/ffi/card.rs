//! C entry points of the operator-card verbs (family `CSUC`, docs/decisions.md #C1): CSUCRDL
//! (list readers), CSUCINS (Inspect), CSUCGLB (Get Label), CSUCCPN (Change PIN), CSUCERA
//! (Erase) and CSUCCPY (Copy Card). Cores in [`crate::verbs::card`]; reference pages
//! docs/CSUC*.md.
//!
//! Common parameters: `reader_name` is a 128-byte field, the PC/SC reader name padded with
//! blanks (or NULs); a PIN is `*_pin_length` (a fullword, 0..=64) and `*_pin` (that many bytes,
//! typed digits or letters, mapped by ITU-T E.161 and then exactly 8 digits, else 8/X'F101'
//! before any card is touched). No card verb takes rule-array keywords except CSUCRDL.

use super::audit::{audited, audited_at};
use super::{args, guard};
use crate::card::CardPin;
use crate::error::{Error, Result};
use crate::rule_array::{Group, Keyword, kw};
use crate::state::acp::points;
use crate::verbs::card::{self as cards, INSPECT_LEN, LABEL_LEN, READER_NAME_LEN};

/// Longest PIN field accepted (a longer `*_pin_length` is 8/72).
const MAX_PIN_FIELD: usize = 64;
/// Most entries CSUCRDL writes (pcscd serves at most 16 readers).
const MAX_READERS: usize = 256;

const LIST: &[Keyword] = &[kw("ALL"), kw("PRESENT")];

/// Reads the reader-name field.
///
/// # Safety
/// `p`: NULL or [`READER_NAME_LEN`] readable bytes.
pub(super) unsafe fn reader(p: *const u8) -> Result<String> {
    // SAFETY: forwarded contract.
    let field = unsafe { args::array::<READER_NAME_LEN>(p) }?;
    let name = cards::reader_name(&field)?;
    crate::audit::scope::reader(&name);
    Ok(name)
}

/// Reads a PIN: the length (0..=64, else 8/72), then the bytes, mapped to a [`CardPin`];
/// `Ok(None)` for length 0 when `optional`.
///
/// # Safety
/// `len`: NULL or 4 readable bytes; `p`: NULL or `*len` readable bytes (may be NULL when
/// `*len` is 0 and `optional`).
unsafe fn pin<W: args::Fullword>(
    len: *const W,
    p: *const u8,
    optional: bool,
) -> Result<Option<CardPin>> {
    // SAFETY: forwarded contract.
    let n = unsafe { args::len_in(len, 0..=MAX_PIN_FIELD, Error::BadLength) }?;
    if n == 0 && optional {
        return Ok(None);
    }
    // SAFETY: forwarded contract: n readable bytes.
    let typed = unsafe { args::secret_upto::<MAX_PIN_FIELD>(p, n) }?;
    Ok(Some(CardPin::from_typed(&typed[..n])?))
}

/// Reads a required PIN.
///
/// # Safety
/// As [`pin`].
pub(super) unsafe fn required_pin<W: args::Fullword>(
    len: *const W,
    p: *const u8,
) -> Result<CardPin> {
    // SAFETY: forwarded contract.
    unsafe { pin(len, p, false) }?.ok_or(Error::CardPinSyntax)
}

/// The first steps of every verb on one reader: no rule-array keyword (count 0, else 8/35),
/// then the reader-name field.
///
/// # Safety
/// As [`args::rule_array`] for `count` and `array`; `name` as [`reader`].
pub(super) unsafe fn keywordless_reader(
    count: *const i32,
    array: *const u8,
    name: *const u8,
) -> Result<String> {
    // SAFETY: forwarded contract.
    unsafe { no_rules(count, array) }?;
    // SAFETY: forwarded contract.
    unsafe { reader(name) }
}

/// Checks that no rule-array keyword is given (count 0, else 8/35).
///
/// # Safety
/// As [`args::rule_array`].
pub(super) unsafe fn no_rules(count: *const i32, array: *const u8) -> Result<()> {
    // SAFETY: forwarded contract.
    unsafe { args::rule_array(count, array, 0..=0) }.map(|_| ())
}

/// A fixed-length output field of `N` bytes and its length fullword: the room (`*length`, at
/// least `N`, else 8/72) and both pointers are checked before any card is touched; written only
/// by [`Output::put`], on success.
pub(super) struct Output<const N: usize> {
    length: *mut i32,
    data: *mut u8,
}

impl<const N: usize> Output<N> {
    /// Checks the room and the pointers.
    ///
    /// # Safety
    /// `length`: NULL or 4 readable and writable bytes; `data`: NULL or `*length` writable
    /// bytes.
    pub(super) unsafe fn new(length: *mut i32, data: *mut u8) -> Result<Output<N>> {
        // SAFETY: forwarded contract.
        let room = unsafe { args::int(length) }?;
        let length = args::need(length)?;
        let data = args::need(data)?;
        if usize::try_from(room).map_or(true, |r| r < N) {
            return Err(Error::OutputTooSmall);
        }
        Ok(Output { length, data })
    }

    /// Writes the field and `length` into the fullword.
    ///
    /// # Safety
    /// As [`Output::new`].
    pub(super) unsafe fn put(self, field: &[u8; N], length: usize) {
        // SAFETY: checked non-NULL in `new`; room for N bytes and the fullword by contract.
        unsafe {
            args::put_bytes(self.data, field);
            args::put_int(self.length, length as i32);
        }
    }
}

/// List readers (docs/CSUCRDL.md): every PC/SC reader and whether it holds a card.
///
/// Rule array: 0 or 1 keyword, `ALL` (default) or `PRESENT` (only readers holding a card).
/// On input `reader_count` is the number of [`cards::READER_ENTRY_LEN`]-byte (136) entries
/// `reader_list` has room for; on success it is set to the number written. Each entry: the
/// reader name blank-padded to 128 bytes, then `PRESENT ` or `EMPTY   `.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes; `rule_array`: 8 × count readable bytes (NULL when 0).
/// `reader_count`: 4 readable and writable bytes; `reader_list`: 136 × `*reader_count`
/// writable bytes. `return_code`, `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCRDL(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_count: *mut i32,
    reader_list: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSUCRDL", return_code, reason_code, |_| {
            let rules = args::rule_array(rule_array_count, rule_array, 0..=1)?;
            let [which] = rules.resolve(&[Group::optional(LIST)])?;
            let room = args::len_in(reader_count, 0..=MAX_READERS, Error::BadLength)?;
            let count_out = args::need(reader_count)?;
            let list_out = args::need(reader_list)?;
            let entries = cards::list_readers(which == Some(1))?;
            if entries.len() > room {
                return Err(Error::OutputTooSmall);
            }
            let bytes: Vec<u8> = entries.concat();
            args::put_bytes(list_out, &bytes);
            args::put_int(count_out, entries.len() as i32);
            Ok(())
        })
    }
}

/// Inspect (docs/CSUCINS.md): every field of the card's Inspect screen in the fixed
/// [`INSPECT_LEN`]-byte (364) layout of [`cards::Inspection::layout`]; the label too when a PIN
/// is given (`pin_length` 0: no PIN, the label is not read).
///
/// `inspect_data_length`: on input the room in `inspect_data` (at least 364, else 8/72), set to
/// 364 on success.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 0); `reader_name`: 128 readable bytes;
/// `pin_length`: 4 readable bytes; `pin`: `*pin_length` readable bytes (NULL when 0);
/// `inspect_data_length`: 4 readable and writable bytes; `inspect_data`: `*inspect_data_length`
/// writable bytes. `return_code`, `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCINS(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    inspect_data_length: *mut i32,
    inspect_data: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited("CSUCINS", return_code, reason_code, |_| {
            let name = keywordless_reader(rule_array_count, rule_array, reader_name)?;
            let out = Output::<INSPECT_LEN>::new(inspect_data_length, inspect_data)?;
            let pin = self::pin(pin_length, pin, true)?;
            let layout = cards::inspect(&name, pin.as_ref())?.layout();
            Ok(move || out.put(&layout, INSPECT_LEN))
        })
    }
}

/// Get Label (docs/CSUCGLB.md): verifies the PIN, then returns the card's label.
///
/// `label_length`: on input the room in `label` (at least 64, else 8/72); on success the
/// label's length (0..=64). `label` receives 64 bytes: the label, blank padded.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 0); `reader_name`: 128 readable bytes;
/// `pin_length`: 4 readable bytes; `pin`: `*pin_length` readable bytes; `label_length`: 4
/// readable and writable bytes; `label`: 64 writable bytes. `return_code`, `reason_code`: NULL
/// or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCGLB(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    label_length: *mut i32,
    label: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited_at(
            "CSUCGLB",
            Some(points::CARD_GET_LABEL),
            return_code,
            reason_code,
            |_| {
                let name = keywordless_reader(rule_array_count, rule_array, reader_name)?;
                let out = Output::<LABEL_LEN>::new(label_length, label)?;
                let pin = required_pin(pin_length, pin)?;
                let text = cards::get_label(&name, &pin)?;
                let mut field = [b' '; LABEL_LEN];
                field[..text.len()].copy_from_slice(&text);
                Ok(move || out.put(&field, text.len()))
            },
        )
    }
}

/// Change PIN (docs/CSUCCPN.md): the card's one PIN change; the old PIN is presented (a wrong
/// one counts), the new one must be exactly 8 digits after mapping. Then the PIN is sealed.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 0); `reader_name`: 128 readable bytes;
/// `old_pin_length`, `new_pin_length`: 4 readable bytes each; `old_pin`, `new_pin`: that many
/// readable bytes. `return_code`, `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCCPN(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    old_pin_length: *mut i32,
    old_pin: *mut u8,
    new_pin_length: *mut i32,
    new_pin: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited_at(
            "CSUCCPN",
            Some(points::CARD_CHANGE_PIN),
            return_code,
            reason_code,
            |_| {
                let name = keywordless_reader(rule_array_count, rule_array, reader_name)?;
                let old = required_pin(old_pin_length, old_pin)?;
                let new = required_pin(new_pin_length, new_pin)?;
                cards::change_pin(&name, &old, &new)
            },
        )
    }
}

/// Erase (docs/CSUCERA.md): verifies the PIN, then returns the card to its post-format state
/// (transport PIN, one PIN change allowed, no label, no content).
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 0); `reader_name`: 128 readable bytes;
/// `pin_length`: 4 readable bytes; `pin`: `*pin_length` readable bytes. `return_code`,
/// `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCERA(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited_at(
            "CSUCERA",
            Some(points::CARD_ERASE),
            return_code,
            reason_code,
            |_| {
                let name = keywordless_reader(rule_array_count, rule_array, reader_name)?;
                let pin = required_pin(pin_length, pin)?;
                cards::erase(&name, &pin)
            },
        )
    }
}

/// Copy Card (docs/CSUCCPY.md): an exact copy of the content and label of the card in
/// `source_reader_name` onto the erased card in `target_reader_name`. Both cards must accept
/// the one PIN given; the source is only read. A PIN the target refuses is 8/X'F191'-X'F196'
/// (X'F197' when that blocks it), never the source's 8/X'F1Cx'.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 0); `source_reader_name`,
/// `target_reader_name`: 128 readable bytes each; `pin_length`: 4 readable bytes; `pin`:
/// `*pin_length` readable bytes. `return_code`, `reason_code`: NULL or 4 writable bytes; exit
/// data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCCPY(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    source_reader_name: *mut u8,
    target_reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited_at(
            "CSUCCPY",
            Some(points::CARD_COPY),
            return_code,
            reason_code,
            |_| {
                let source = keywordless_reader(rule_array_count, rule_array, source_reader_name)?;
                let target = reader(target_reader_name)?;
                let pin = required_pin(pin_length, pin)?;
                cards::copy_card(&source, &target, &pin)
            },
        )
    }
}
