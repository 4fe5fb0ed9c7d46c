//! C entry points of the custody set verbs (family `CSUC`, docs/custody.md): CSUCSVK (Create
//! Server Master Key), CSUCPAS (Create Partition Auth Set), CSUCCST (Copy Set), CSUCVST
//! (Verify Set) and CSUCSST (Set Status). Cores in [`crate::verbs::set`]; reference pages
//! docs/CSUC*.md.
//!
//! The multi-card verbs take exactly one rule-array keyword, `FIRST` (start a ceremony with
//! this card) or `NEXT` (go on with the ceremony buffer of the previous call), and one card per
//! call. `ceremony_length` is on input the room in `ceremony` (at least 4096, else 8/72) and
//! 4096 on success; `ceremony` is read for `NEXT` and written on success only.

use super::audit::{audited, audited_at};
use super::card::{Output, keywordless_reader, reader, required_pin};
use super::{args, coprocessor};
use crate::custody::SecretKind;
use crate::custody::ceremony::CEREMONY_LEN;
use crate::error::{Error, Result};
use crate::rule_array::{Group, Keyword, kw};
use crate::state::acp::points;
use crate::verbs::set::{self as sets, CardStep, STATUS_LEN, Step};

const STEPS: &[Keyword] = &[kw("FIRST"), kw("NEXT")];

/// Reads the one step keyword.
///
/// # Safety
/// As [`args::rule_array`].
unsafe fn step(count: *const i32, array: *const u8) -> Result<Step> {
    // SAFETY: forwarded contract.
    let rules = unsafe { args::rule_array(count, array, 1..=1) }?;
    let [which] = rules.resolve(&[Group::required(STEPS)])?;
    Ok(if which == Some(0) {
        Step::First
    } else {
        Step::Next
    })
}

/// Reads the ceremony buffer's room and, for `NEXT`, its content (zeros for `FIRST`).
///
/// # Safety
/// `len`: NULL or 4 readable bytes; `p`: NULL or `*len` readable bytes (4096 used).
unsafe fn ceremony_in(
    len: *const i32,
    p: *const u8,
    step: Step,
) -> Result<Box<[u8; CEREMONY_LEN]>> {
    // SAFETY: forwarded contract.
    let room = unsafe { args::int(len) }?;
    if usize::try_from(room).map_or(true, |r| r < CEREMONY_LEN) {
        return Err(Error::OutputTooSmall);
    }
    let mut buf = Box::new([0u8; CEREMONY_LEN]);
    if step == Step::Next {
        // SAFETY: forwarded contract: at least CEREMONY_LEN readable bytes.
        let input = unsafe { args::slice(p, CEREMONY_LEN) }?;
        buf.copy_from_slice(input);
    } else if p.is_null() {
        return Err(Error::NullPointer);
    }
    Ok(buf)
}

/// The multi-card verbs' common body: reads every parameter, runs `core`, and hands back the
/// writes of the buffer, which [`audited`] makes only once the call's audit record is on disk.
///
/// # Safety
/// The pointer contracts of [`CSUCSVK`].
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn ceremony_call(
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    label: Option<(*mut i32, *mut u8)>,
    shape: Option<(*mut i32, *mut i32)>,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
    core: impl FnOnce(
        Step,
        &[u8; CEREMONY_LEN],
        &CardStep<'_>,
        (i32, i32),
    ) -> Result<Box<[u8; CEREMONY_LEN]>>,
) -> Result<impl FnOnce()> {
    // SAFETY: all pointer contracts are the caller's (see the verbs' # Safety).
    unsafe {
        let step = step(rule_array_count, rule_array)?;
        let name = reader(reader_name)?;
        let pin = required_pin(pin_length, pin)?;
        let (label, label_len) = match label {
            Some((len, p)) => match args::len_in(len, 0..=64, Error::BadLength)? {
                // An empty label is not read: `label` may be NULL then (as a PIN of length 0).
                0 => ([0u8; 64], 0),
                n => args::bytes_upto::<64>(p, n)?,
            },
            None => ([0u8; 64], 0),
        };
        let (m, n) = match shape {
            Some((m, n)) => (args::int(m)?, args::int(n)?),
            None => (0, 0),
        };
        let input = ceremony_in(ceremony_length, ceremony, step)?;
        let length_out = args::need(ceremony_length)?;
        let out = args::need(ceremony)?;
        let card = CardStep {
            reader: &name,
            pin: &pin,
            label: &label[..label_len],
        };
        let buffer = core(step, &input, &card, (m, n))?;
        Ok(move || {
            args::put_bytes(out, &buffer[..]);
            args::put_int(length_out, CEREMONY_LEN as i32);
        })
    }
}

/// Create Server Master Key (docs/CSUCSVK.md): `FIRST` draws a new 256-bit SVMK and writes
/// card 1 of a set of `set_n` cards, any `set_m` of which recombine it (`set_m` = `set_n` = 1:
/// the whole key on one card; else 2 ≤ M ≤ N ≤ 64); `NEXT` writes the next card. Each card
/// must be empty (8/X'F186' otherwise, before its PIN is presented); its PIN is verified and
/// `label` (0..=64 printable bytes) written on it.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 1); `rule_array`: 8 readable bytes;
/// `reader_name`: 128 readable bytes; `pin_length`: 4 readable bytes; `pin`: `*pin_length`
/// readable bytes; `label_length`: 4 readable bytes; `label`: `*label_length` readable bytes;
/// `set_m`, `set_n`: 4 readable bytes each; `ceremony_length`: 4 readable and writable bytes;
/// `ceremony`: 4096 readable (for `NEXT`) and writable bytes. `return_code`, `reason_code`:
/// NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCSVK(
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
    set_m: *mut i32,
    set_n: *mut i32,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        create_set(
            "CSUCSVK",
            points::SET_CREATE_SVMK,
            SecretKind::ServerMasterKey,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            reader_name,
            pin_length,
            pin,
            label_length,
            label,
            set_m,
            set_n,
            ceremony_length,
            ceremony,
        )
    }
}

/// Create Partition Auth Set (docs/CSUCPAS.md): as [`CSUCSVK`] for a 256-bit partition
/// authorisation secret, always split (2 ≤ M ≤ N ≤ 64), and the label of the first card is
/// required (it names the set).
///
/// # Safety
/// As [`CSUCSVK`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCPAS(
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
    set_m: *mut i32,
    set_n: *mut i32,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        create_set(
            "CSUCPAS",
            points::SET_CREATE_PARTITION,
            SecretKind::Partition,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            reader_name,
            pin_length,
            pin,
            label_length,
            label,
            set_m,
            set_n,
            ceremony_length,
            ceremony,
        )
    }
}

/// The one body of CSUCSVK and CSUCPAS: a set of `kind` created card by card, audited as
/// `verb` behind the point `point`.
///
/// # Safety
/// As [`CSUCSVK`].
#[allow(clippy::too_many_arguments)]
unsafe fn create_set(
    verb: &'static str,
    point: u16,
    kind: SecretKind,
    return_code: *mut i32,
    reason_code: *mut i32,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    label_length: *mut i32,
    label: *mut u8,
    set_m: *mut i32,
    set_n: *mut i32,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    // SAFETY: pointer contracts are the caller's, as documented on CSUCSVK.
    unsafe {
        audited_at(verb, Some(point), return_code, reason_code, |_| {
            ceremony_call(
                rule_array_count,
                rule_array,
                reader_name,
                pin_length,
                pin,
                Some((label_length, label)),
                Some((set_m, set_n)),
                ceremony_length,
                ceremony,
                |step, buf, card, (m, n)| {
                    let reg = coprocessor()?.sets()?;
                    sets::create(reg, kind, step, buf, card, m, n)
                },
            )
        })
    }
}

/// Copy Set (docs/CSUCCST.md): `FIRST` and the next calls read M cards of a complete set
/// (PIN verified, nothing written to them); with the M-th the secret is recombined, checked
/// and split anew `set_m` of `set_n` (given with `FIRST`) under a new set id; the following
/// `NEXT` calls write the new cards as [`CSUCSVK`] does (`label` is used for those).
///
/// # Safety
/// As [`CSUCSVK`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCCST(
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
    set_m: *mut i32,
    set_n: *mut i32,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited_at(
            "CSUCCST",
            Some(points::SET_COPY),
            return_code,
            reason_code,
            |_| {
                ceremony_call(
                    rule_array_count,
                    rule_array,
                    reader_name,
                    pin_length,
                    pin,
                    Some((label_length, label)),
                    Some((set_m, set_n)),
                    ceremony_length,
                    ceremony,
                    |step, buf, card, (m, n)| {
                        sets::copy(coprocessor()?.sets()?, step, buf, card, m, n)
                    },
                )
            },
        )
    }
}

/// Verify Set (docs/CSUCVST.md): reads M cards of a complete set, one per call (`FIRST`,
/// then `NEXT`, each PIN verified), recombines the secret, checks it against the set's check
/// value and forgets it; the buffer's header then shows phase `DONE`, the set id and check
/// value.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 1); `rule_array`: 8 readable bytes;
/// `reader_name`: 128 readable bytes; `pin_length`: 4 readable bytes; `pin`: `*pin_length`
/// readable bytes; `ceremony_length`: 4 readable and writable bytes; `ceremony`: 4096 readable
/// (for `NEXT`) and writable bytes. `return_code`, `reason_code`: NULL or 4 writable bytes;
/// exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCVST(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited("CSUCVST", return_code, reason_code, |_| {
            ceremony_call(
                rule_array_count,
                rule_array,
                reader_name,
                pin_length,
                pin,
                None,
                None,
                ceremony_length,
                ceremony,
                |step, buf, card, _| sets::verify(coprocessor()?.sets()?, step, buf, card),
            )
        })
    }
}

/// Set Status (docs/CSUCSST.md): whether the set of the card in the reader is complete,
/// pending, invalid or unknown to this state directory, in the 168-byte record of
/// [`sets::status`]. No PIN (the card data is read without one).
///
/// `status_length`: on input the room in `status` (at least 168, else 8/72); 168 on success.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 0); `reader_name`: 128 readable bytes;
/// `status_length`: 4 readable and writable bytes; `status`: `*status_length` writable bytes.
/// `return_code`, `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCSST(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    status_length: *mut i32,
    status: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited("CSUCSST", return_code, reason_code, |_| {
            let name = keywordless_reader(rule_array_count, rule_array, reader_name)?;
            let out = Output::<STATUS_LEN>::new(status_length, status)?;
            let record = sets::status(coprocessor()?.sets()?, &name)?;
            Ok(move || out.put(&record, STATUS_LEN))
        })
    }
}
