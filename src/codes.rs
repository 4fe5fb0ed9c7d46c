//! THE table: every [`Error`] and [`Warning`] to its ICSF (return code, reason code).
//!
//! One exhaustive `match` per enum and no `_` arm, so a new variant does not compile until it
//! has a row here. Numbers follow docs/decisions.md F9: the z/OS ICSF Application Programmer's Guide
//! reason code where ICSF documents one for the condition, otherwise the CCA code (IBM CCA
//! reason-code tables, as transcribed in docs/codes.md with sources). `docs/codes.md` lists
//! the same rows with their conditions; `tests/codes_doc.rs` keeps the two in step.

use crate::error::Error;

/// ICSF return code 0: success.
pub const RC_OK: i32 = 0;
/// ICSF return code 4: success with a warning, or a verification that did not verify.
pub const RC_WARNING: i32 = 4;
/// ICSF return code 8: the call failed; parameters are unchanged but for rc and rs.
pub const RC_FAILED: i32 = 8;
/// ICSF return code 12: the cryptographic facility is not ready (no master key, no state).
pub const RC_NOT_READY: i32 = 12;
/// ICSF return code 16: an internal error.
pub const RC_INTERNAL: i32 = 16;

/// A successful call that still has something to say (return code 0, non-zero reason), or a
/// finding of Audit Log Verify (return code 4, outputs written).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Warning {
    /// A key token used was wrapped under the old master key.
    OldMasterKey,
    /// A key (part) does not have odd parity.
    KeyParity,
    /// Master Key Process: a key part does not have odd parity.
    MasterKeyPartParity,
    /// Master Key Process: two 8-byte parts of the new master key are equal.
    MasterKeyDuplicateThirds,
    /// Key Record Read: the record holds a null key token.
    NullRecord,
    /// Audit Log Verify: a record line cannot be read (field order, syntax, encoding).
    AuditMalformedRecord,
    /// Audit Log Verify: a record's hash does not match its fields (a field was edited).
    AuditRecordEdited,
    /// Audit Log Verify: a record's sequence number is not the previous one plus 1 (a record
    /// removed, inserted or moved).
    AuditSequence,
    /// Audit Log Verify: a record's `prev` is not the hash of the record before it.
    AuditBrokenLink,
    /// Audit Log Verify: the first record is not this directory's genesis record, or a
    /// genesis record appears later.
    AuditGenesis,
    /// Audit Log Verify: the last line is torn (no end of line: an append interrupted by a
    /// crash or a full disk); the next append repairs it.
    AuditTornTail,
    /// Audit Log Verify: the state directory has no audit log.
    AuditLogMissing,
    /// Audit Log Verify: a record names a MAC key inside its hash (`mack=`) but carries no
    /// MAC: the MAC was stripped.
    AuditMacMissing,
    /// Audit Log Verify (`MAC`): a record's MAC does not verify under the active server master
    /// key's audit key: the record was forged or rewritten.
    AuditMacForged,
}

/// Return and reason code of a failure.
pub const fn of(error: Error) -> (i32, i32) {
    match error {
        // CCA 8/184 "A required pointer is null" (docs/decisions.md F10 amended, docs/decisions.md).
        Error::NullPointer => (RC_FAILED, 184),
        Error::RuleArrayCount => (RC_FAILED, 35),
        Error::UnknownKeyword => (RC_FAILED, 33),
        Error::ConflictingKeywords => (RC_FAILED, 34),
        Error::MissingKeyword => (RC_FAILED, 34),
        Error::BadLength => (RC_FAILED, 72),
        Error::MustBeZero => (RC_FAILED, 715),
        Error::OutputTooSmall => (RC_FAILED, 72),
        Error::LabelSyntax => (RC_FAILED, 32),
        // ICSF 8/10012 (CCA 8/30).
        Error::LabelNotFound => (RC_FAILED, 10012),
        Error::DuplicateLabel => (RC_FAILED, 44),
        Error::NotInternalToken => (RC_FAILED, 154),
        Error::NullToken => (RC_FAILED, 154),
        Error::TokenVersion => (RC_FAILED, 49),
        // ICSF 8/12 for any token (CCA 8/29 for internal tokens).
        Error::TokenTvv => (RC_FAILED, 12),
        Error::WrapMethod => (RC_FAILED, 47),
        Error::TokenAuthentication => (RC_FAILED, 12),
        // ICSF 8/10004 (CCA 8/48).
        Error::MkvpMismatch => (RC_FAILED, 10004),
        Error::MasterKeyNotLoaded => (RC_NOT_READY, 764),
        Error::MasterKeyRegisterState => (RC_FAILED, 707),
        Error::MasterKeySameAsCurrent => (RC_FAILED, 704),
        Error::WeakMasterKey => (RC_FAILED, 703),
        Error::CvParity => (RC_FAILED, 340),
        Error::CvViolation => (RC_FAILED, 39),
        Error::CvReservedBits => (RC_WARNING, 166),
        Error::ReplicatedHalves => (RC_FAILED, 442),
        // CCA 8/39 (X'027') "A control vector violation occurred": the KEY-PART bit is a control
        // vector bit, and IBM documents no code of its own for using a partial key.
        Error::IncompleteKey => (RC_FAILED, 39),
        Error::AccessDenied(_) => (RC_FAILED, 90),
        Error::KeyAlreadyComplete => (RC_FAILED, 441),
        Error::KeyCannotComplete => (RC_FAILED, 439),
        Error::KeyFormKeyword => (RC_FAILED, 41),
        Error::KeyLengthKeyword => (RC_FAILED, 43),
        Error::KeyTypeKeyword => (RC_FAILED, 61),
        Error::GeneratedKeyIdentifier => (RC_FAILED, 155),
        Error::KeyTypeLength => (RC_FAILED, 2097),
        Error::PinFormat => (RC_FAILED, 106),
        Error::FormatControl => (RC_FAILED, 107),
        Error::PadDigit => (RC_FAILED, 108),
        Error::PanData => (RC_FAILED, 110),
        Error::PinLength => (RC_FAILED, 100),
        Error::PinBlockConsistency => (RC_FAILED, 407),
        Error::PinBlockGeneral => (RC_FAILED, 2514),
        Error::PinDigits => (RC_FAILED, 116),
        Error::SequenceNumber => (RC_FAILED, 111),
        // ICSF 4/8004 (CCA 4/1).
        Error::MacMismatch => (RC_WARNING, 8004),
        // CCA 8/25 (X'019') "The value that the text_length parameter specifies is not valid"
        // (ICSF 8/25 is the generic length code).
        Error::TextLength => (RC_FAILED, 25),
        // CCA 8/60 (X'03C') "FIRST or MIDDLE keywords and a text length less than 8 bytes".
        Error::SegmentTooShort => (RC_FAILED, 60),
        // CCA 8/2036 (X'7F4') "The contents of a chaining vector are not valid".
        Error::ChainingVector => (RC_FAILED, 2036),
        // CCA 8/168 (X'0A8') "A hexadecimal MAC value contains characters that are not valid".
        Error::HexMac => (RC_FAILED, 168),
        // CCA 8/181 (X'0B5') "an incorrect token type was presented".
        Error::NullTokenRequired => (RC_FAILED, 181),
        Error::VerificationMismatch => (RC_WARNING, 1),
        Error::NoRecordProcessed => (RC_WARNING, 158),
        Error::KeyStorage => (RC_NOT_READY, 197),
        Error::StateDirectory => (RC_NOT_READY, 197),
        Error::StateFileMissing => (RC_NOT_READY, 197),
        Error::StateFileNotRegular => (RC_NOT_READY, 197),
        Error::StateFileDamaged => (RC_NOT_READY, 197),
        Error::AcpConfigSyntax => (RC_NOT_READY, 197),
        Error::StateReadOnly => (RC_NOT_READY, 197),
        // The audit log (src/audit): softcca's own reason codes X'F200'..X'F21F'.
        Error::AuditLogUnavailable => (RC_NOT_READY, 0xF200),
        Error::AuditLogWrite => (RC_NOT_READY, 0xF201),
        Error::AuditLogDamaged => (RC_NOT_READY, 0xF202),
        // Operator-card verbs (CSUC…): softcca's own reason codes X'F1xx' (ICSF and CCA have
        // none for operator cards); the low byte follows the card's status word where one
        // exists (63Cx, 6983, 6985, 6581).
        Error::CardPinSyntax => (RC_FAILED, 0xF101),
        // X'F1Cx': x = presentations left, as in the card's 63Cx.
        Error::CardWrongPin(left) => (RC_FAILED, 0xF1C0 + (left & 0x0F) as i32),
        Error::CardBlocked => (RC_FAILED, 0xF183),
        Error::CardPinNotVerified => (RC_FAILED, 0xF182),
        Error::CardPinChangeUsed => (RC_FAILED, 0xF185),
        Error::CardContentNotEmpty => (RC_FAILED, 0xF186),
        Error::CardBadData => (RC_FAILED, 0xF180),
        Error::CardWriteFailed => (RC_FAILED, 0xF181),
        Error::CardUnexpectedStatus => (RC_FAILED, 0xF1FF),
        Error::CardNotOurs => (RC_FAILED, 0xF110),
        Error::CardMalformedResponse => (RC_FAILED, 0xF111),
        Error::CardNoCard => (RC_FAILED, 0xF120),
        Error::CardUnknownReader => (RC_FAILED, 0xF121),
        Error::CardRemoved => (RC_FAILED, 0xF122),
        Error::CardBusy => (RC_FAILED, 0xF123),
        Error::CardTransport => (RC_NOT_READY, 0xF130),
        Error::CardNoService => (RC_NOT_READY, 0xF131),
        // Custody sets and ceremonies (CSUCSVK, CSUCPAS, CSUCCST, CSUCVST, CSUCSST):
        // softcca's own reason codes X'F220'..X'F25F'.
        Error::SetParameters => (RC_FAILED, 0xF220),
        Error::CeremonyBuffer => (RC_FAILED, 0xF221),
        Error::CeremonyPhase => (RC_FAILED, 0xF222),
        Error::SetUnknown => (RC_FAILED, 0xF230),
        Error::SetPending => (RC_FAILED, 0xF231),
        Error::SetInvalid => (RC_FAILED, 0xF232),
        Error::SetMismatch => (RC_FAILED, 0xF233),
        Error::SetKindMismatch => (RC_FAILED, 0xF234),
        Error::ShareDuplicate => (RC_FAILED, 0xF235),
        Error::ShareCheckFailed => (RC_FAILED, 0xF236),
        Error::CardNoShare => (RC_FAILED, 0xF237),
        Error::CardReadback => (RC_FAILED, 0xF238),
        Error::SetNotEnoughCards => (RC_FAILED, 0xF239),
        Error::CeremonyExpired => (RC_FAILED, 0xF23A),
        Error::CountersNotMovable => (RC_FAILED, 0xF23B),
        // Copy Card (CSUCCPY): X'F190'-X'F19F'. X'F19x' with x = 1..6 for a PIN the target
        // refused (presentations left on the target), so a caller tells it from the source's
        // X'F1Cx' (a count outside 1..6, from a card breaking the profile, is shown as 1 or 6).
        Error::CardCopySameCard => (RC_FAILED, 0xF190),
        Error::CardTargetWrongPin(left) => {
            let x = if left < 1 {
                1
            } else if left > 6 {
                6
            } else {
                left
            };
            (RC_FAILED, 0xF190 + x as i32)
        }
        Error::CardTargetBlocked => (RC_FAILED, 0xF197),
        Error::CardCopyTargetNotErased => (RC_FAILED, 0xF198),
        Error::CardCopySourceEmpty => (RC_FAILED, 0xF199),
        Error::CardCopyMismatch => (RC_NOT_READY, 0xF13A),
        Error::CardTimeout => (RC_NOT_READY, 0xF13B),
        // Directory protection (SVMK binding, activation, partitions): softcca's own reason
        // codes X'F260'..X'F29F' (ICSF and CCA have none for them).
        Error::DirectoryAlreadyBound => (RC_FAILED, 0xF260),
        Error::SecretWrongKind => (RC_FAILED, 0xF261),
        Error::WrongSecret => (RC_FAILED, 0xF262),
        Error::DirectoryNotBound => (RC_FAILED, 0xF263),
        Error::NotActivated => (RC_NOT_READY, 0xF270),
        Error::KeyringUnavailable => (RC_NOT_READY, 0xF271),
        Error::SealedRegisterDamaged => (RC_NOT_READY, 0xF272),
        Error::ActivationMismatch => (RC_NOT_READY, 0xF273),
        Error::BindingRecordMismatch => (RC_NOT_READY, 0xF287),
        Error::PartitionNotAuthorised => (RC_FAILED, 0xF280),
        Error::PartitionWrongPassword => (RC_FAILED, 0xF281),
        Error::PartitionLocked => (RC_FAILED, 0xF282),
        Error::PartitionAlreadyBound => (RC_FAILED, 0xF283),
        Error::PartitionNotBound => (RC_FAILED, 0xF284),
        Error::PartitionPasswordSyntax => (RC_FAILED, 0xF285),
        Error::AuthorisationExpiry => (RC_FAILED, 0xF286),
        // Dual control of key parts (src/access/dual.rs): X'F330'..X'F33F'.
        Error::KeyPartsOneCustodian => (RC_FAILED, 0xF330),
        Error::MasterKeyPartsOneCustodian => (RC_FAILED, 0xF331),
        Error::MasterKeySetOneCustodian => (RC_FAILED, 0xF332),
        Error::KeyPartSameCustodian => (RC_FAILED, 0xF333),
        Error::KeyPartNull => (RC_FAILED, 0xF334),
        Error::KeyPartNoCustody => (RC_FAILED, 0xF335),
        Error::KeyPartRecordForged => (RC_FAILED, 0xF336),
        // Profiles and logon (src/access): softcca's own reason codes X'F310'..X'F32F'.
        Error::ProfileUnknownUser => (RC_FAILED, 0xF310),
        Error::ProfileLocked => (RC_FAILED, 0xF311),
        Error::ProfileNotActive => (RC_FAILED, 0xF312),
        Error::ProfileExpired => (RC_FAILED, 0xF313),
        Error::MechanismMissing => (RC_FAILED, 0xF314),
        Error::MechanismExpired => (RC_FAILED, 0xF315),
        Error::RoleMissing => (RC_FAILED, 0xF316),
        Error::StrengthTooLow => (RC_FAILED, 0xF317),
        Error::WrongPassphrase => (RC_FAILED, 0xF318),
        Error::CardNotEnrolled => (RC_FAILED, 0xF319),
        Error::NotLoggedOn => (RC_FAILED, 0xF31A),
        Error::LogonContextRefused => (RC_FAILED, 0xF31B),
        Error::LogonEnded => (RC_FAILED, 0xF31C),
        Error::PassphraseLength => (RC_FAILED, 0xF31D),
        Error::ProfileDate => (RC_FAILED, 0xF31E),
        Error::ProfileStructure => (RC_FAILED, 0xF31F),
        Error::ProfileUserId => (RC_FAILED, 0xF320),
        Error::ProfileRoleId => (RC_FAILED, 0xF321),
        Error::ProfileMechanism => (RC_FAILED, 0xF322),
        Error::ProfileExists => (RC_FAILED, 0xF323),
        Error::BootstrapRole => (RC_FAILED, 0xF324),
        Error::CardNotEnrollable => (RC_FAILED, 0xF326),
        Error::LogonNoDirectory => (RC_FAILED, 0xF327),
        Error::AccessStoreMissing => (RC_NOT_READY, 0xF329),
        Error::LastInitProfile => (RC_FAILED, 0xF32A),
        Error::LogonBusy => (RC_FAILED, 0xF32B),
        // Roles (docs/access-control.md): softcca's own reason codes X'F300'..X'F30F'.
        Error::RoleNotDefined => (RC_FAILED, 0xF300),
        Error::RoleStrength => (RC_FAILED, 0xF301),
        Error::RoleOutsideHours => (RC_FAILED, 0xF302),
        Error::RoleNotFound => (RC_FAILED, 0xF303),
        Error::RoleDefaultNotDeletable => (RC_FAILED, 0xF304),
        Error::RoleInUse => (RC_FAILED, 0xF305),
        Error::RoleStructure => (RC_FAILED, 0xF306),
        // Directory backup and restore (src/state/backup.rs): X'F340'..X'F35F'.
        Error::BackupPath => (RC_FAILED, 0xF340),
        Error::BackupExists => (RC_FAILED, 0xF341),
        Error::BackupWrite => (RC_NOT_READY, 0xF342),
        Error::NotABackup => (RC_FAILED, 0xF343),
        Error::BackupDamaged => (RC_FAILED, 0xF344),
        Error::BackupOtherDirectory => (RC_FAILED, 0xF345),
        Error::BackupBindingDiffers => (RC_FAILED, 0xF346),
        Error::BackupNotAuthentic => (RC_FAILED, 0xF347),
        Error::DefaultAdminPoint => (RC_FAILED, 0xF348),
        Error::Random => (RC_INTERNAL, 336),
        Error::Internal => (RC_INTERNAL, 769),
    }
}

/// Return and reason code of a success with a warning.
pub const fn of_warning(warning: Warning) -> (i32, i32) {
    match warning {
        Warning::OldMasterKey => (RC_OK, 10001),
        // ICSF 0/4 under REASONCODES(ICSF) (CCA 0/2).
        Warning::KeyParity => (RC_OK, 4),
        Warning::MasterKeyPartParity => (RC_OK, 702),
        Warning::MasterKeyDuplicateThirds => (RC_OK, 701),
        Warning::NullRecord => (RC_OK, 8),
        // Audit Log Verify's findings: return code 4 like a verification that did not verify,
        // but with the verb's outputs written (how many records verified, the first bad one).
        Warning::AuditMalformedRecord => (RC_WARNING, 0xF208),
        Warning::AuditRecordEdited => (RC_WARNING, 0xF209),
        Warning::AuditSequence => (RC_WARNING, 0xF20A),
        Warning::AuditBrokenLink => (RC_WARNING, 0xF20B),
        Warning::AuditGenesis => (RC_WARNING, 0xF20C),
        Warning::AuditTornTail => (RC_WARNING, 0xF20D),
        Warning::AuditLogMissing => (RC_WARNING, 0xF20E),
        Warning::AuditMacMissing => (RC_WARNING, 0xF210),
        Warning::AuditMacForged => (RC_WARNING, 0xF211),
    }
}

/// Collects the warnings of one call; the first one noted is reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    first: Option<Warning>,
}

impl Notes {
    /// Records `w` unless a warning was recorded before.
    pub fn warn(&mut self, w: Warning) {
        self.first.get_or_insert(w);
    }

    /// The warning to report, if any.
    pub fn warning(&self) -> Option<Warning> {
        self.first
    }

    /// Return and reason code of a successful call with these notes.
    pub fn codes(&self) -> (i32, i32) {
        match self.first {
            None => (RC_OK, 0),
            Some(w) => of_warning(w),
        }
    }
}
