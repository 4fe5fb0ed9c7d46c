//! The custody set verbs: CSUCSVK (Create Server Master Key), CSUCPAS (Create Partition Auth
//! Set), CSUCCST (Copy Set), CSUCVST (Verify Set), CSUCSST (Set Status); and the ceremony
//! buffer they and the directory verbs (`custody.rs`) pass from call to call.

use super::{Codes, Rules, Verb, field, input, len32, text};
use crate::secret::Secret;

/// The size of a ceremony buffer (docs/custody.md §3).
pub const BUFFER_LEN: usize = 4096;

/// `FIRST` (start with this card) or `NEXT` (go on with the buffer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Start a ceremony.
    First,
    /// Go on with the buffer the previous call returned.
    Next,
}

impl Step {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Step::First => "FIRST",
            Step::Next => "NEXT",
        }
    }
}

/// A ceremony buffer: a clear 96-byte header and the library's encrypted state. A failed call
/// leaves it as it was (the verbs write it on success only).
pub struct Buffer(Box<[u8; BUFFER_LEN]>);

impl std::fmt::Debug for Buffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Buffer({:?})", self.header())
    }
}

impl Default for Buffer {
    fn default() -> Self {
        Buffer(Box::new([0u8; BUFFER_LEN]))
    }
}

/// The clear header of a ceremony buffer (docs/custody.md §3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// The verb that made it (`CSUCSVK` …); empty before the first call.
    pub verb: String,
    /// `READ`, `WRITE` or `DONE`.
    pub phase: String,
    /// `SVMK` or `PART` (blank before the first card of a `READ`).
    pub kind: String,
    /// M of the phase's set.
    pub m: u32,
    /// N of the phase's set.
    pub n: u32,
    /// Cards done in this phase.
    pub done: u32,
    /// The set id of the phase's set (hex).
    pub set_id: String,
    /// The check value of the phase's secret (hex).
    pub check_value: String,
}

fn number(bytes: &[u8]) -> u32 {
    text(bytes).trim().parse().unwrap_or(0)
}

impl Buffer {
    /// The header as the last successful call left it.
    pub fn header(&self) -> Header {
        let b = &self.0;
        if &b[..8] != b"SOFTCER1" {
            return Header::default();
        }
        Header {
            verb: text(&b[8..16]),
            phase: text(&b[16..24]),
            kind: text(&b[24..28]),
            m: number(&b[28..31]),
            n: number(&b[31..34]),
            done: number(&b[34..37]),
            set_id: text(&b[37..69]),
            check_value: text(&b[69..85]),
        }
    }

    pub(crate) fn ptr(&mut self) -> *mut u8 {
        self.0.as_mut_ptr()
    }
}

/// The kind of set CSUCSVK or CSUCPAS creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A server master key (whole on one card, or split).
    Svmk,
    /// A partition authorisation secret (split).
    Partition,
}

/// One card of CSUCSVK, CSUCPAS or CSUCCST: the common parameter list of the three.
#[allow(clippy::too_many_arguments)]
fn writing_call(
    verb: &'static str,
    step: Step,
    reader: &str,
    pin: &Secret,
    label: &str,
    (m, n): (u32, u32),
    buffer: &mut Buffer,
) -> Verb<()> {
    // Beyond i32: -1, which the verb refuses as it refuses any M or N out of its range.
    let (m, n) = (
        i32::try_from(m).unwrap_or(-1),
        i32::try_from(n).unwrap_or(-1),
    );
    let f = match verb {
        "CSUCSVK" => softcca::ffi::set::CSUCSVK,
        "CSUCPAS" => softcca::ffi::set::CSUCPAS,
        _ => softcca::ffi::set::CSUCCST,
    };
    let mut rules = Rules::new(&[step.keyword()]);
    let name = field::<128>(reader);
    let mut pin_len = len32(pin.len());
    // Never NULL (CSUCCST reads the pointer for source cards too): at least 64 bytes.
    let mut label_field = label.as_bytes().to_vec();
    label_field.resize(label.len().max(64), b' ');
    let mut label_len = len32(label.len());
    let (mut m, mut n) = (m, n);
    let mut buf_len = len32(BUFFER_LEN);
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; pin has pin_length bytes, the label field at least
    // label_length bytes (read only); ceremony has ceremony_length (4096) bytes.
    unsafe {
        f(
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
            input(&label_field),
            &mut m,
            &mut n,
            &mut buf_len,
            buffer.ptr(),
        )
    };
    codes.check(verb).map(|_| ())
}

/// CSUCSVK or CSUCPAS: writes one card of a new M-of-N set.
pub fn create(
    kind: Kind,
    step: Step,
    reader: &str,
    pin: &Secret,
    label: &str,
    shape: (u32, u32),
    buffer: &mut Buffer,
) -> Verb<()> {
    let verb = match kind {
        Kind::Svmk => "CSUCSVK",
        Kind::Partition => "CSUCPAS",
    };
    writing_call(verb, step, reader, pin, label, shape, buffer)
}

/// CSUCCST: reads one source card, or writes one card of the new M'-of-N' set.
pub fn copy(
    step: Step,
    reader: &str,
    pin: &Secret,
    label: &str,
    shape: (u32, u32),
    buffer: &mut Buffer,
) -> Verb<()> {
    writing_call("CSUCCST", step, reader, pin, label, shape, buffer)
}

/// CSUCVST: reads one card of a set; with the M-th the secret is checked.
pub fn verify(step: Step, reader: &str, pin: &Secret, buffer: &mut Buffer) -> Verb<()> {
    super::custody::reading_call("CSUCVST", step, reader, pin, buffer)
}

/// The status record of CSUCSST (docs/CSUCSST.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetStatus {
    /// `COMPLETE`, `PENDING`, `INVALID`, `UNKNOWN`, `MISMATCH` or `EMPTY`.
    pub state: String,
    /// `EMPTY`, `SVMK`, `SVMKSHR` or `PARTSHR`.
    pub kind: String,
    /// The set id (hex).
    pub set_id: String,
    /// M.
    pub m: String,
    /// N.
    pub n: String,
    /// This card's index.
    pub index: String,
    /// Cards of the set recorded in the directory.
    pub recorded: String,
    /// The check value (hex).
    pub check_value: String,
    /// The set it was copied from (hex; empty for a new secret).
    pub copied_from: String,
    /// The set's label as recorded.
    pub label: String,
}

/// CSUCSST: the set of the card in `reader` as the directory records it.
pub fn status(reader: &str) -> Verb<SetStatus> {
    let mut rules = Rules::new(&[]);
    let name = field::<128>(reader);
    let mut len = 168i32;
    let mut out = [b' '; 168];
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; status has status_length (168) bytes of room.
    unsafe {
        softcca::ffi::set::CSUCSST(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut len,
            out.as_mut_ptr(),
        )
    };
    codes.check("CSUCSST")?;
    let t = |a: usize, b: usize| text(&out[a..b]).trim().to_string();
    Ok(SetStatus {
        state: t(0, 8),
        kind: t(8, 16),
        set_id: t(16, 48),
        m: t(48, 51),
        n: t(51, 54),
        index: t(54, 57),
        recorded: t(57, 60),
        check_value: t(60, 76),
        copied_from: t(76, 108),
        label: t(108, 168),
    })
}
