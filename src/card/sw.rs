//! ISO 7816-4 status words, as the profile uses them.

/// A status word (SW1 SW2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sw {
    /// `9000`.
    Ok,
    /// `61xx`: xx more bytes to fetch with GET RESPONSE (`00` = 256).
    BytesRemaining(u8),
    /// `6Cxx`: wrong Le; resend with Le = xx.
    WrongLe(u8),
    /// `63Cx`: verification failed, x presentations left.
    WrongPin {
        /// Presentations left.
        tries_left: u8,
    },
    /// `6581`: memory failure.
    MemoryFailure,
    /// `6700`: wrong length.
    WrongLength,
    /// `6982`: security status not satisfied.
    NotVerified,
    /// `6983`: authentication method blocked.
    Blocked,
    /// `6985`: conditions of use not satisfied.
    Conditions,
    /// `6A80`: incorrect data field.
    WrongData,
    /// `6A82`: file or application not found.
    NotFound,
    /// `6A84`: not enough memory space.
    NoSpace,
    /// `6A86`: incorrect P1-P2.
    WrongP1P2,
    /// `6A88`: referenced data not found.
    NoObject,
    /// `6D00`: instruction not supported.
    InsNotSupported,
    /// `6E00`: class not supported.
    ClaNotSupported,
    /// Any other status word.
    Other(u16),
}

impl From<u16> for Sw {
    fn from(code: u16) -> Sw {
        let [sw1, sw2] = code.to_be_bytes();
        match (sw1, sw2) {
            (0x90, 0x00) => Sw::Ok,
            (0x61, n) => Sw::BytesRemaining(n),
            (0x6C, n) => Sw::WrongLe(n),
            (0x63, 0xC0..=0xCF) => Sw::WrongPin {
                tries_left: sw2 & 0x0F,
            },
            (0x65, 0x81) => Sw::MemoryFailure,
            (0x67, 0x00) => Sw::WrongLength,
            (0x69, 0x82) => Sw::NotVerified,
            (0x69, 0x83) => Sw::Blocked,
            (0x69, 0x85) => Sw::Conditions,
            (0x6A, 0x80) => Sw::WrongData,
            (0x6A, 0x82) => Sw::NotFound,
            (0x6A, 0x84) => Sw::NoSpace,
            (0x6A, 0x86) => Sw::WrongP1P2,
            (0x6A, 0x88) => Sw::NoObject,
            (0x6D, 0x00) => Sw::InsNotSupported,
            (0x6E, 0x00) => Sw::ClaNotSupported,
            _ => Sw::Other(code),
        }
    }
}

impl Sw {
    /// The two bytes as a number (`From<u16>` inverted).
    pub fn code(self) -> u16 {
        match self {
            Sw::Ok => 0x9000,
            Sw::BytesRemaining(n) => 0x6100 | u16::from(n),
            Sw::WrongLe(n) => 0x6C00 | u16::from(n),
            Sw::WrongPin { tries_left } => 0x63C0 | u16::from(tries_left & 0x0F),
            Sw::MemoryFailure => 0x6581,
            Sw::WrongLength => 0x6700,
            Sw::NotVerified => 0x6982,
            Sw::Blocked => 0x6983,
            Sw::Conditions => 0x6985,
            Sw::WrongData => 0x6A80,
            Sw::NotFound => 0x6A82,
            Sw::NoSpace => 0x6A84,
            Sw::WrongP1P2 => 0x6A86,
            Sw::NoObject => 0x6A88,
            Sw::InsNotSupported => 0x6D00,
            Sw::ClaNotSupported => 0x6E00,
            Sw::Other(c) => c,
        }
    }
}
