//! The one error type of the crate.
//!
//! Every failure a verb can report is a variant here, named by the condition and never by its
//! number. [`crate::codes`] maps each variant to the ICSF return and reason codes; that table is
//! the only place numbers appear. Variants carry no secret material, so `Debug` and `Display`
//! are safe to log.

use core::fmt;

/// The access-control point a verb needed and found disabled.
pub type AcpOffset = u16;

/// A verb's failure. `Copy`, small, and free of secrets.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A required pointer parameter was NULL (docs/decisions.md F10).
    NullPointer,
    /// `rule_array_count` is outside the range the verb accepts.
    RuleArrayCount,
    /// A rule-array keyword (or a keyword parameter) is not one the verb knows.
    UnknownKeyword,
    /// Two keywords of one group, or keywords that exclude each other, were given.
    ConflictingKeywords,
    /// A keyword the verb requires is missing.
    MissingKeyword,
    /// A length parameter has a value the verb does not accept.
    BadLength,
    /// A parameter that must be zero is not.
    MustBeZero,
    /// An output buffer is smaller than the result.
    OutputTooSmall,
    /// A key label breaks the CCA label syntax, or the identifier starts with X'FF'.
    LabelSyntax,
    /// No CKDS record has this label.
    LabelNotFound,
    /// A CKDS record with this label already exists.
    DuplicateLabel,
    /// The key identifier is not an internal key token or a label (external token, or X'02').
    NotInternalToken,
    /// The key identifier is a null token (or a CKDS record holding one) where a key is needed.
    NullToken,
    /// The token's version byte is not one this implementation reads.
    TokenVersion,
    /// The token validation value does not match the token.
    TokenTvv,
    /// The token's wrapping method is not WRAP-ECB.
    WrapMethod,
    /// The token's authentication code (bytes 48-55) is not the one the master key that
    /// wrapped it gives: a spliced, re-typed or otherwise altered token, one assembled by Key
    /// Token Build from wrapped parts, or one made before softcca authenticated its tokens.
    TokenAuthentication,
    /// The token's master-key verification pattern matches neither the current nor the old
    /// master key.
    MkvpMismatch,
    /// There is no current master key (docs/decisions.md F14).
    MasterKeyNotLoaded,
    /// A master-key register is not in the state the requested step needs.
    MasterKeyRegisterState,
    /// A byte of a control vector does not have even parity.
    CvParity,
    /// A control vector does not permit the use the verb makes of the key.
    CvViolation,
    /// A control vector sets reserved or anti-variant bits wrongly (warning class).
    CvReservedBits,
    /// A double-length key has two equal halves where that is not allowed, or a token's wrapped
    /// key parts A and B are equal (a spliced token).
    ReplicatedHalves,
    /// The key is an incomplete key part (KEY-PART bit on): only Key Part Import, Key Test,
    /// Key Token Change and the key-record verbs take it.
    IncompleteKey,
    /// The access-control point with this offset is disabled.
    AccessDenied(AcpOffset),
    /// Key Part Import: a part cannot be added because the key is complete (KEY-PART bit off).
    KeyAlreadyComplete,
    /// Key Part Import: the key cannot be completed (no part accumulated, or already complete).
    KeyCannotComplete,
    /// Master Key Process: the new master key equals the current one.
    MasterKeySameAsCurrent,
    /// Master Key Process: an 8-byte part of the new master key is a weak DES key.
    WeakMasterKey,
    /// Key Generate: the key_form keyword is not valid.
    KeyFormKeyword,
    /// Key Generate / Key Token Build: the key length keyword is not valid.
    KeyLengthKeyword,
    /// Key Generate / Key Token Build: the key type keyword is not valid.
    KeyTypeKeyword,
    /// Key Generate: the generated key identifier is not valid for the key form.
    GeneratedKeyIdentifier,
    /// Key Generate: key type and key length are not consistent.
    KeyTypeLength,
    /// Clear PIN Encrypt: the sequence number is not valid.
    SequenceNumber,
    /// Key Token Change / Key Record Delete: no record was processed.
    NoRecordProcessed,
    /// A PIN profile names a format the verb does not accept.
    PinFormat,
    /// A PIN profile's format-control keyword is not `NONE`.
    FormatControl,
    /// A PIN profile's pad digit is not valid for its format.
    PadDigit,
    /// PAN data is not twelve decimal digits.
    PanData,
    /// A PIN's length is outside what the format allows.
    PinLength,
    /// A recovered PIN block fails its format's consistency checks.
    PinBlockConsistency,
    /// As [`Error::PinBlockConsistency`], reported under ACP X'039F' (General ISO PIN Error
    /// Security), which gives every PIN-block error one code.
    PinBlockGeneral,
    /// A clear PIN contains characters that are not decimal digits.
    PinDigits,
    /// MAC verification failed.
    MacMismatch,
    /// MAC Generate / Verify: `text_length` is negative, too large, or zero where the padding
    /// method needs data.
    TextLength,
    /// MAC Generate / Verify: a FIRST or MIDDLE segment shorter than 8 bytes.
    SegmentTooShort,
    /// MAC Generate / Verify: the chaining vector was not made by a previous FIRST or MIDDLE
    /// call of the same method.
    ChainingVector,
    /// MAC Verify: a HEX-8 / HEX-9 MAC holds characters that are not hexadecimal digits.
    HexMac,
    /// Diversified Key Generate: `data_decrypting_key_identifier` is not a null key token.
    NullTokenRequired,
    /// Key test: the verification pattern does not match the key.
    VerificationMismatch,
    /// The key-storage database could not be read or written.
    KeyStorage,
    /// The state directory could not be set up or read: missing and not creatable, a symbolic
    /// link, open to others, owned by another user, or in a parent another user could rename
    /// it in.
    StateDirectory,
    /// A state file of an initialised state directory is missing (`masterkey.db`, `ckds.db`,
    /// `acp.conf`): never re-created with defaults.
    StateFileMissing,
    /// A state file is a symbolic link or not a regular file, or belongs to another user.
    StateFileNotRegular,
    /// A state file is truncated or foreign: an empty, non-SQLite or foreign-schema database,
    /// an empty `acp.conf`, or a `softcca.id` that is not 32 hexadecimal digits.
    StateFileDamaged,
    /// `acp.conf` has a line softcca cannot read (access control fails closed).
    AcpConfigSyntax,
    /// A verb that writes state was called on a state directory this process may only read.
    StateReadOnly,
    /// The audit log cannot be opened for appending: a symbolic link or not a regular file,
    /// owned by another user, or the state directory is read-only for this process. A card
    /// verb then refuses before it touches a card.
    AuditLogUnavailable,
    /// Writing or syncing an audit record failed (disk full, I/O error); the log is cut back
    /// to its previous length.
    AuditLogWrite,
    /// The audit log's last record cannot be read back (malformed, or its hash does not
    /// match): nothing is appended until an operator has verified the log and moved it aside.
    AuditLogDamaged,
    /// Card verbs: a PIN that is not exactly 8 digits after the E.161 mapping (7 or 9
    /// characters, a character with no keypad digit); refused before any card is touched.
    CardPinSyntax,
    /// Card verbs: the PIN was wrong; the card allows this many more presentations (1..=6).
    CardWrongPin(u8),
    /// Card verbs: the card is blocked for good (seventh consecutive wrong PIN).
    CardBlocked,
    /// Card verbs: the card asked for a PIN the verb had not verified.
    CardPinNotVerified,
    /// Change PIN: the one PIN change of this format was used; the PIN area is sealed.
    CardPinChangeUsed,
    /// Card verbs: the card already holds a content object.
    CardContentNotEmpty,
    /// Card verbs: the card refused a label or content as breaking the profile.
    CardBadData,
    /// Card verbs: the card could not write its memory; its state is unchanged.
    CardWriteFailed,
    /// Card verbs: the card answered a status word the profile does not give.
    CardUnexpectedStatus,
    /// Card verbs: the card has no softcca operator application (SELECT by AID refused).
    CardNotOurs,
    /// Card verbs: the card's response is malformed.
    CardMalformedResponse,
    /// Card verbs: the reader holds no card.
    CardNoCard,
    /// Card verbs: no reader has this name (or the name field is not a valid name).
    CardUnknownReader,
    /// Card verbs: the card was removed or reset during the operation.
    CardRemoved,
    /// Card verbs: another program holds the card exclusively.
    CardBusy,
    /// Card verbs: a PC/SC failure, or a response shorter than a status word.
    CardTransport,
    /// Card verbs: pcscd is not running or not reachable.
    CardNoService,
    /// Custody sets: M or N is not valid (2 ≤ M ≤ N ≤ 64 for a split set), or a label is required and missing.
    SetParameters,
    /// Custody ceremonies: the ceremony buffer was not made by this process for this verb (altered, from another process or an earlier run, or another verb's).
    CeremonyBuffer,
    /// Custody ceremonies: the ceremony is not at a step this call can take (FIRST with a buffer in progress is fine; NEXT after the last card, or with a buffer that is not the ceremony's latest: every buffer passes once, so a kept or copied buffer, two calls racing with one buffer, or a parent's buffer in a forked child is refused).
    CeremonyPhase,
    /// Custody sets: the card's set is not recorded in this state directory.
    SetUnknown,
    /// Custody sets: the card's set never completed (still being written, or interrupted): it is never accepted.
    SetPending,
    /// Custody sets: the card's set was marked invalid after a failed card write.
    SetInvalid,
    /// Custody sets: the card belongs to another set than the cards presented before, or its M, N or check value differ from the set's record.
    SetMismatch,
    /// Custody sets: the card holds another kind of secret than the ceremony needs (SVMK or partition share).
    SetKindMismatch,
    /// Custody sets: a card with this index, or this very card, was already presented in the ceremony.
    ShareDuplicate,
    /// Custody sets: the recombined secret does not match the set's check value (a forged or damaged share).
    ShareCheckFailed,
    /// Custody sets: the card holds no content where a share or key was expected.
    CardNoShare,
    /// Custody sets: the card read back something other than what was written; the set is invalid.
    CardReadback,
    /// Custody sets: fewer than M cards were presented.
    SetNotEnoughCards,
    /// Custody ceremonies: the ceremony waited longer than 15 minutes for this call since its last buffer was handed out; it is ended (start again with FIRST).
    CeremonyExpired,
    /// Directory protection: CSUADAC is refused, nothing changed, because the shared counters cannot be moved for the other processes (a read-only state directory, or a counters file this process no longer trusts): they would go on serving.
    CountersNotMovable,
    /// Copy Card: source and target are the same card (one reader, or one serial number).
    CardCopySameCard,
    /// Copy Card: the source card holds no content.
    CardCopySourceEmpty,
    /// Copy Card: the target card holds a content (only an erased card is a target).
    CardCopyTargetNotErased,
    /// Copy Card: the target card refused the PIN the source accepted; the target allows this
    /// many more presentations (1..=6).
    CardTargetWrongPin(u8),
    /// Copy Card: the target card is blocked for good.
    CardTargetBlocked,
    /// Copy Card: the target's read-back differs from the source (the target was erased again).
    CardCopyMismatch,
    /// Card verbs: the card or pcscd did not answer before the verb's deadline.
    CardTimeout,
    /// Directory protection: Binding: the state directory is already bound to an SVMK (binding is done once).
    DirectoryAlreadyBound,
    /// Directory protection: Binding: the secret is of another kind (a partition secret given as an SVMK, or the other way round).
    SecretWrongKind,
    /// Directory protection: Activation or authorisation: the secret's check value is not the one the directory is bound to.
    WrongSecret,
    /// Directory protection: Activation or deactivation of a state directory that is not bound to an SVMK.
    DirectoryNotBound,
    /// Directory protection: The state directory is bound to an SVMK and the SVMK is not active in this user's kernel keyring (never activated, deactivated, revoked, lost with a reboot, or another user's process).
    NotActivated,
    /// Directory protection: The kernel key retention service cannot be reached (no keyring support, a seccomp filter, quota exhausted).
    KeyringUnavailable,
    /// Directory protection: A sealed master-key register fails its authentication tag (edited, moved between directories or registers, or the partition binding it commits to removed, added or edited).
    SealedRegisterDamaged,
    /// Directory protection: The kernel keyring holds, for this directory id, an SVMK whose check value is not the bound one.
    ActivationMismatch,
    /// Directory protection: `softcca.id` records a binding (an SVMK or a partition, by check value) that `masterkey.db` does not hold: an interrupted binding, or `masterkey.db` edited or restored from an older copy.
    BindingRecordMismatch,
    /// Directory protection: The state directory is bound to a partition that is not authorised (never, deauthorised, expired, deactivated, rebooted).
    PartitionNotAuthorised,
    /// Directory protection: Authorisation: the partition password is wrong (the try was counted).
    PartitionWrongPassword,
    /// Directory protection: Authorisation: too many wrong partition passwords; tries are refused for a while.
    PartitionLocked,
    /// Directory protection: Partition binding: the directory is already bound to a partition.
    PartitionAlreadyBound,
    /// Directory protection: Authorisation or deauthorisation of a directory not bound to a partition.
    PartitionNotBound,
    /// Directory protection: A partition password that is empty or longer than 256 bytes.
    PartitionPasswordSyntax,
    /// Directory protection: Authorisation: the expiry is 0 or longer than one year.
    AuthorisationExpiry,
    /// Dual control: Key Part Import LAST or COMPLETE of a key whose parts did not come from two
    /// different logged-on profiles (X'F040' off).
    KeyPartsOneCustodian,
    /// Dual control: Master Key Process LAST when the parts of the new master key did not come
    /// from two different logged-on profiles (X'F040' off).
    MasterKeyPartsOneCustodian,
    /// Dual control: Master Key Process SET of a new master key whose parts did not come from
    /// two profiles, or a random one set by the profile that generated it or without a logon
    /// (X'F040' off).
    MasterKeySetOneCustodian,
    /// Dual control: a key part (CSNBKPI ADD-PART, MIDDLE, LAST; CSNBMKP MIDDLE, LAST) from a
    /// profile that already loaded a part of the same key (X'F040' off).
    KeyPartSameCustodian,
    /// Dual control: a key part with an 8-byte segment that has no key bit (only parity bits)
    /// (X'F040' off).
    KeyPartNull,
    /// Dual control: a key-part step without a logon, or a step that continues a partial token
    /// or register no logged-on FIRST started (X'F040' off).
    KeyPartNoCustody,
    /// Dual control: the custody record of a partial key token failed its authentication.
    KeyPartRecordForged,
    /// Logon: no profile has this user id.
    ProfileUnknownUser,
    /// Logon: the profile is locked after 3 consecutive failed logons (until RESET-FC).
    ProfileLocked,
    /// Logon: today (UTC) is before the profile's activation date.
    ProfileNotActive,
    /// Logon: today (UTC) is after the profile's expiration date.
    ProfileExpired,
    /// Logon: the profile has no authentication data for this mechanism.
    MechanismMissing,
    /// Logon: the mechanism's expiration date has passed.
    MechanismExpired,
    /// Logon: the profile's role does not exist.
    RoleMissing,
    /// Logon: the mechanism is weaker than the role requires.
    StrengthTooLow,
    /// Logon: the passphrase is wrong (counted).
    WrongPassphrase,
    /// Logon: the card is not the one enrolled (CSN or content differ; counted).
    CardNotEnrolled,
    /// Logoff: the thread is not logged on.
    NotLoggedOn,
    /// Logon: GET-CNTX, PUT-CNTX and FORCE are not supported (no context leaves the process).
    LogonContextRefused,
    /// Logon: the logon ended because its profile changed (deleted, locked, role, dates, mechanism).
    LogonEnded,
    /// Logon: the passphrase is empty or longer than 1024 bytes.
    PassphraseLength,
    /// Profiles: a date is not a valid calendar date, or activation is after expiration.
    ProfileDate,
    /// Profiles: a profile or authentication-data structure is malformed.
    ProfileStructure,
    /// Profiles: a user id is not 1-8 characters A-Z 0-9 @ # $ _ -.
    ProfileUserId,
    /// Profiles: a role id is not 1-8 characters A-Z 0-9 @ # $ _ -.
    ProfileRoleId,
    /// Profiles: an unknown authentication mechanism.
    ProfileMechanism,
    /// Profiles: INIT-AC without REPLACE names a user id already stored.
    ProfileExists,
    /// Profiles: the first INIT-AC loads no profile whose role holds X'0112'.
    BootstrapRole,
    /// Profiles: the card holds no content and cannot be enrolled.
    CardNotEnrollable,
    /// Profiles: `access.db` is missing in a directory whose access control was initialised.
    AccessStoreMissing,
    /// Profiles: DEL-PROF would delete the last profile whose role holds X'0112'.
    LastInitProfile,
    /// Logon: three tries of this profile were still being checked after 5 s.
    LogonBusy,
    /// Logon: the state directory has no id (read-only directory of an old release).
    LogonNoDirectory,
    /// Access control: the role the thread's logon names is not in `acp.conf` (any more).
    RoleNotDefined,
    /// Access control: the logon's authentication strength is below its role's.
    RoleStrength,
    /// Access control: the logon's role may not be used at this time of day or day of the week (UTC).
    RoleOutsideHours,
    /// Access control management: no role has this name.
    RoleNotFound,
    /// Access control management: the DEFAULT role cannot be deleted.
    RoleDefaultNotDeletable,
    /// Access control management: a profile names the role, so it cannot be deleted.
    RoleInUse,
    /// Access control management: a role structure is malformed.
    RoleStructure,
    /// Directory backup (CSUABAK, CSUARST): the path is not an absolute path of 1..1024 bytes
    /// without a NUL byte, or its parent is not a directory.
    BackupPath,
    /// Directory Backup: something already exists at the backup path.
    BackupExists,
    /// Directory Backup: the backup could not be written (disk full, I/O error); nothing is
    /// left at the path.
    BackupWrite,
    /// Directory Restore: the path is not a backup (not a directory, a symbolic link, no
    /// manifest).
    NotABackup,
    /// Directory Restore: the backup is damaged or was edited (a hash or length that differs
    /// from its manifest, a file missing or not listed, a symbolic link inside, a malformed
    /// manifest, a database that is not whole).
    BackupDamaged,
    /// Directory Restore: the backup is of another state directory (its id differs).
    BackupOtherDirectory,
    /// Directory Restore: the backup records other bindings (SVMK, partition) than the
    /// directory has now: restoring it would undo or change a binding.
    BackupBindingDiffers,
    /// Directory Restore: a bound directory's backup carries no valid MAC under its SVMK.
    BackupNotAuthentic,
    /// Profiles: CSUAACI INIT-AC would give the DEFAULT role a point that changes profiles or
    /// roles (docs/decisions.md D89).
    DefaultAdminPoint,
    /// A random-number source failed.
    Random,
    /// A panic was caught at the C boundary (docs/decisions.md F15).
    Internal,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Error::NullPointer => "a required parameter pointer is NULL",
            Error::RuleArrayCount => "rule_array_count is not valid",
            Error::UnknownKeyword => "a keyword is not valid for this verb",
            Error::ConflictingKeywords => "keywords conflict or are duplicated",
            Error::MissingKeyword => "a required keyword is missing",
            Error::BadLength => "a length parameter is not valid",
            Error::MustBeZero => "a parameter that must be zero is not",
            Error::OutputTooSmall => "an output buffer is too small",
            Error::LabelSyntax => "the key label syntax is not valid",
            Error::LabelNotFound => "the key label was not found in the CKDS",
            Error::DuplicateLabel => "a CKDS record with this label already exists",
            Error::NotInternalToken => "the key identifier is not an internal token or a label",
            Error::NullToken => "the key identifier is a null key token",
            Error::TokenVersion => "the key token version is not valid",
            Error::TokenTvv => "the key token validation value is not valid",
            Error::WrapMethod => "the key token wrapping method is not supported",
            Error::TokenAuthentication => "the key token authentication code is not valid",
            Error::MkvpMismatch => "the key token's master key verification pattern is unknown",
            Error::MasterKeyNotLoaded => "the master key is not loaded",
            Error::MasterKeyRegisterState => "a master key register is in the wrong state",
            Error::CvParity => "a control vector byte does not have even parity",
            Error::CvViolation => "the control vector does not permit this use of the key",
            Error::CvReservedBits => "reserved control vector bits are set",
            Error::ReplicatedHalves => "key halves are replicated",
            Error::IncompleteKey => "the key is an incomplete key part (KEY-PART bit on)",
            Error::AccessDenied(_) => "an access control point is disabled",
            Error::KeyAlreadyComplete => "key part cannot be added because the key is complete",
            Error::KeyCannotComplete => "the key cannot be completed",
            Error::MasterKeySameAsCurrent => "the new master key equals the current master key",
            Error::WeakMasterKey => "a part of the new master key is a weak DES key",
            Error::KeyFormKeyword => "the key form keyword is not valid",
            Error::KeyLengthKeyword => "the key length keyword is not valid",
            Error::KeyTypeKeyword => "the key type keyword is not valid",
            Error::GeneratedKeyIdentifier => "the generated key identifier is not valid",
            Error::KeyTypeLength => "key type and key length are not consistent",
            Error::SequenceNumber => "the sequence number is not valid",
            Error::NoRecordProcessed => "no key record was processed",
            Error::PinFormat => "the PIN block format is not valid",
            Error::FormatControl => "the PIN format control is not valid",
            Error::PadDigit => "the PIN pad digit is not valid",
            Error::PanData => "the PAN data is not valid",
            Error::PinLength => "the PIN length is not valid",
            Error::PinBlockConsistency => "the PIN block failed its consistency check",
            Error::PinBlockGeneral => "PIN block error (general ISO PIN error security)",
            Error::PinDigits => "the PIN contains non-decimal characters",
            Error::MacMismatch => "MAC verification failed",
            Error::TextLength => "the text length is not valid",
            Error::SegmentTooShort => "a FIRST or MIDDLE segment is shorter than 8 bytes",
            Error::ChainingVector => "the chaining vector is not valid",
            Error::HexMac => "the hexadecimal MAC contains characters that are not valid",
            Error::NullTokenRequired => "a null key token is required",
            Error::VerificationMismatch => "the key verification pattern does not match",
            Error::KeyStorage => "key storage could not be read or written",
            Error::StateDirectory => "the state directory is not usable",
            Error::StateFileMissing => "a file of the initialised state directory is missing",
            Error::StateFileNotRegular => {
                "a state file is a symbolic link, not a regular file, or not owned by this user"
            }
            Error::StateFileDamaged => "a state file is truncated or not a softcca file",
            Error::AcpConfigSyntax => {
                "acp.conf has a line that cannot be read (or a role that is not valid)"
            }
            Error::StateReadOnly => "the state directory is read-only for this process",
            Error::AuditLogUnavailable => "the audit log cannot be opened for appending",
            Error::AuditLogWrite => "the audit record could not be written",
            Error::AuditLogDamaged => "the audit log's last record is damaged",
            Error::CardPinSyntax => "the card PIN is not 8 digits after mapping",
            Error::CardWrongPin(_) => "the card PIN is wrong",
            Error::CardBlocked => "the card is blocked",
            Error::CardPinNotVerified => "the card PIN was not verified",
            Error::CardPinChangeUsed => "the card's one PIN change was already used",
            Error::CardContentNotEmpty => "the card already holds a content",
            Error::CardBadData => "the card refused the label or content",
            Error::CardWriteFailed => "the card could not write its memory",
            Error::CardUnexpectedStatus => "the card answered an unexpected status word",
            Error::CardNotOurs => "the card has no operator application",
            Error::CardMalformedResponse => "the card's response is malformed",
            Error::CardNoCard => "no card in the reader",
            Error::CardUnknownReader => "no smart card reader has this name",
            Error::CardRemoved => "the card was removed or reset during the operation",
            Error::CardBusy => "another program holds the card",
            Error::CardTransport => "smart card transport failure",
            Error::CardNoService => "the PC/SC service (pcscd) is not available",
            Error::SetParameters => "M or N of the set is not valid",
            Error::CeremonyBuffer => "the ceremony buffer is not valid",
            Error::CeremonyPhase => "the ceremony is not at this step",
            Error::SetUnknown => "the card's set is unknown to this state directory",
            Error::SetPending => "the card's set is incomplete (pending or interrupted)",
            Error::SetInvalid => "the card's set is invalid",
            Error::SetMismatch => "the card belongs to another set",
            Error::SetKindMismatch => "the card holds another kind of secret",
            Error::ShareDuplicate => "this share was already presented",
            Error::ShareCheckFailed => "the recombined secret fails its check value",
            Error::CardNoShare => "the card holds no share",
            Error::CardReadback => "the card read back other content than written",
            Error::SetNotEnoughCards => "fewer than M cards were presented",
            Error::CeremonyExpired => "the ceremony expired",
            Error::CountersNotMovable => {
                "the shared counters cannot be moved (read-only state directory)"
            }
            Error::CardCopySameCard => "source and target are the same card",
            Error::CardCopySourceEmpty => "the source card holds no content",
            Error::CardCopyTargetNotErased => "the target card is not erased",
            Error::CardTargetWrongPin(_) => "the target card refused the PIN",
            Error::CardTargetBlocked => "the target card is blocked",
            Error::CardCopyMismatch => "the target card's read-back differs from the source",
            Error::CardTimeout => "the card did not answer before the deadline",
            Error::DirectoryAlreadyBound => "the state directory is already bound to an SVMK",
            Error::SecretWrongKind => "the secret is not of the kind this binding needs",
            Error::WrongSecret => "the secret is not the one the state directory is bound to",
            Error::DirectoryNotBound => "the state directory is not bound to an SVMK",
            Error::NotActivated => "the state directory's SVMK is not active",
            Error::KeyringUnavailable => "the kernel keyring is not available",
            Error::SealedRegisterDamaged => "a sealed master-key register fails its authentication",
            Error::ActivationMismatch => "the keyring holds another SVMK for this state directory",
            Error::BindingRecordMismatch => {
                "softcca.id records a binding that masterkey.db does not hold"
            }
            Error::PartitionNotAuthorised => "the partition is not authorised",
            Error::PartitionWrongPassword => "the partition password is wrong",
            Error::PartitionLocked => {
                "partition password tries are refused for a while after wrong passwords"
            }
            Error::PartitionAlreadyBound => "the state directory is already bound to a partition",
            Error::PartitionNotBound => "the state directory is not bound to a partition",
            Error::PartitionPasswordSyntax => "the partition password length is not valid",
            Error::AuthorisationExpiry => "the authorisation expiry is not valid",
            Error::KeyPartsOneCustodian => {
                "dual control: the key parts did not come from two different logged-on profiles"
            }
            Error::MasterKeyPartsOneCustodian => {
                "dual control: the master key parts did not come from two different logged-on profiles"
            }
            Error::MasterKeySetOneCustodian => {
                "dual control: the new master key was not loaded by two different logged-on profiles"
            }
            Error::KeyPartSameCustodian => {
                "dual control: this profile already loaded a part of this key"
            }
            Error::KeyPartNull => "dual control: the key part adds no key bit to a DES key",
            Error::KeyPartNoCustody => {
                "dual control: no logon, or the partial key was not started by a logged-on FIRST"
            }
            Error::KeyPartRecordForged => {
                "dual control: the custody record of the partial key token is not authentic"
            }
            Error::ProfileUnknownUser => "no profile has this user id",
            Error::ProfileLocked => "the profile is locked after failed logons",
            Error::ProfileNotActive => "the profile is not active yet",
            Error::ProfileExpired => "the profile has expired",
            Error::MechanismMissing => "the profile has no data for this logon mechanism",
            Error::MechanismExpired => "the logon mechanism has expired",
            Error::RoleMissing => "the profile's role does not exist",
            Error::StrengthTooLow => "the mechanism is weaker than the role requires",
            Error::WrongPassphrase => "the passphrase is wrong",
            Error::CardNotEnrolled => "the card is not the one enrolled for this profile",
            Error::NotLoggedOn => "the thread is not logged on",
            Error::LogonContextRefused => "logon contexts cannot be exported, imported or forced",
            Error::LogonEnded => {
                "the logon ended: its profile, its authentication data or its role changed"
            }
            Error::PassphraseLength => "the passphrase length is not valid",
            Error::ProfileDate => "a profile date is not valid",
            Error::ProfileStructure => "a profile structure is not valid",
            Error::ProfileUserId => "a user id is not valid",
            Error::ProfileRoleId => "a role id is not valid",
            Error::ProfileMechanism => "the authentication mechanism is not supported",
            Error::ProfileExists => "a profile with this user id already exists",
            Error::BootstrapRole => {
                "the first INIT-AC must load a profile able to administer access control"
            }
            Error::CardNotEnrollable => "the card holds no content and cannot be enrolled",
            Error::AccessStoreMissing => {
                "access.db is missing in a directory whose access control was initialised"
            }
            Error::LastInitProfile => {
                "the last profile able to initialise access control cannot be deleted"
            }
            Error::LogonBusy => "three logons of this profile are being checked: try again",
            Error::LogonNoDirectory => "the state directory has no id, logon is not possible",
            Error::RoleNotDefined => "the logged-on role is not defined in acp.conf",
            Error::RoleStrength => "the logon is weaker than its role requires",
            Error::RoleOutsideHours => "the logged-on role may not be used at this time (UTC)",
            Error::RoleNotFound => "no role has this name",
            Error::RoleDefaultNotDeletable => "the DEFAULT role cannot be deleted",
            Error::RoleInUse => "a user profile names this role",
            Error::RoleStructure => "the role structure is not valid",
            Error::BackupPath => {
                "the backup path is not valid (absolute, 1..1024 bytes, parent a directory)"
            }
            Error::BackupExists => "something already exists at the backup path",
            Error::BackupWrite => "the backup could not be written",
            Error::NotABackup => "the path is not a backup of a state directory",
            Error::BackupDamaged => "the backup is damaged or was edited",
            Error::BackupOtherDirectory => "the backup is of another state directory",
            Error::BackupBindingDiffers => {
                "the backup records other bindings than the state directory has now"
            }
            Error::BackupNotAuthentic => {
                "the backup carries no valid MAC under the directory's server master key"
            }
            Error::DefaultAdminPoint => {
                "the DEFAULT role cannot be given a point that changes profiles or roles"
            }
            Error::Random => "the random number source failed",
            Error::Internal => "internal error",
        };
        f.write_str(text)?;
        if let Error::AccessDenied(acp) = self {
            let name = crate::state::acp::points::name(*acp);
            if name.is_empty() {
                write!(f, " (X'{acp:04X}')")?;
            } else {
                write!(f, " (X'{acp:04X}' {name})")?;
            }
        }
        if let Error::CardWrongPin(left) | Error::CardTargetWrongPin(left) = self {
            write!(f, " ({left} presentations left)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<crate::card::CardError> for Error {
    fn from(e: crate::card::CardError) -> Error {
        use crate::card::CardError as C;
        match e {
            C::NoService => Error::CardNoService,
            C::UnknownReader => Error::CardUnknownReader,
            C::NoCard => Error::CardNoCard,
            C::CardRemoved => Error::CardRemoved,
            C::SharingViolation => Error::CardBusy,
            C::Transport => Error::CardTransport,
            C::MalformedResponse => Error::CardMalformedResponse,
            C::NotOurCard => Error::CardNotOurs,
            C::WrongPin { tries_left } => Error::CardWrongPin(tries_left.min(15)),
            C::Blocked => Error::CardBlocked,
            C::PinNotVerified => Error::CardPinNotVerified,
            C::PinChangeSealed => Error::CardPinChangeUsed,
            C::ContentNotEmpty => Error::CardContentNotEmpty,
            C::PinFormat => Error::CardPinSyntax,
            C::BadData => Error::CardBadData,
            C::WriteFailed => Error::CardWriteFailed,
            C::UnexpectedStatus(_) => Error::CardUnexpectedStatus,
            C::Timeout => Error::CardTimeout,
        }
    }
}

/// Result type of every verb core.
pub type Result<T> = core::result::Result<T, Error>;
