//! docs/codes.md and the code table in src/codes.rs must agree: every Error and Warning variant
//! has a row, and every row's numbers are what the table returns.

use softcca::Error;
use softcca::codes::{self, Warning};

fn error_by_name(name: &str) -> Option<Error> {
    Some(match name {
        "NullPointer" => Error::NullPointer,
        "RuleArrayCount" => Error::RuleArrayCount,
        "UnknownKeyword" => Error::UnknownKeyword,
        "ConflictingKeywords" => Error::ConflictingKeywords,
        "MissingKeyword" => Error::MissingKeyword,
        "BadLength" => Error::BadLength,
        "MustBeZero" => Error::MustBeZero,
        "OutputTooSmall" => Error::OutputTooSmall,
        "LabelSyntax" => Error::LabelSyntax,
        "LabelNotFound" => Error::LabelNotFound,
        "DuplicateLabel" => Error::DuplicateLabel,
        "NotInternalToken" => Error::NotInternalToken,
        "NullToken" => Error::NullToken,
        "TokenVersion" => Error::TokenVersion,
        "TokenTvv" => Error::TokenTvv,
        "WrapMethod" => Error::WrapMethod,
        "TokenAuthentication" => Error::TokenAuthentication,
        "MkvpMismatch" => Error::MkvpMismatch,
        "MasterKeyNotLoaded" => Error::MasterKeyNotLoaded,
        "MasterKeyRegisterState" => Error::MasterKeyRegisterState,
        "MasterKeySameAsCurrent" => Error::MasterKeySameAsCurrent,
        "WeakMasterKey" => Error::WeakMasterKey,
        "CvParity" => Error::CvParity,
        "CvViolation" => Error::CvViolation,
        "CvReservedBits" => Error::CvReservedBits,
        "ReplicatedHalves" => Error::ReplicatedHalves,
        "IncompleteKey" => Error::IncompleteKey,
        "AccessDenied" => Error::AccessDenied(0),
        "KeyAlreadyComplete" => Error::KeyAlreadyComplete,
        "KeyCannotComplete" => Error::KeyCannotComplete,
        "KeyFormKeyword" => Error::KeyFormKeyword,
        "KeyLengthKeyword" => Error::KeyLengthKeyword,
        "KeyTypeKeyword" => Error::KeyTypeKeyword,
        "GeneratedKeyIdentifier" => Error::GeneratedKeyIdentifier,
        "KeyTypeLength" => Error::KeyTypeLength,
        "PinFormat" => Error::PinFormat,
        "FormatControl" => Error::FormatControl,
        "PadDigit" => Error::PadDigit,
        "PanData" => Error::PanData,
        "PinLength" => Error::PinLength,
        "PinBlockConsistency" => Error::PinBlockConsistency,
        "PinBlockGeneral" => Error::PinBlockGeneral,
        "PinDigits" => Error::PinDigits,
        "SequenceNumber" => Error::SequenceNumber,
        "MacMismatch" => Error::MacMismatch,
        "VerificationMismatch" => Error::VerificationMismatch,
        "NoRecordProcessed" => Error::NoRecordProcessed,
        "KeyStorage" => Error::KeyStorage,
        "StateDirectory" => Error::StateDirectory,
        "StateFileMissing" => Error::StateFileMissing,
        "StateFileNotRegular" => Error::StateFileNotRegular,
        "StateFileDamaged" => Error::StateFileDamaged,
        "ProfileUnknownUser" => Error::ProfileUnknownUser,
        "ProfileLocked" => Error::ProfileLocked,
        "ProfileNotActive" => Error::ProfileNotActive,
        "ProfileExpired" => Error::ProfileExpired,
        "MechanismMissing" => Error::MechanismMissing,
        "MechanismExpired" => Error::MechanismExpired,
        "RoleMissing" => Error::RoleMissing,
        "StrengthTooLow" => Error::StrengthTooLow,
        "WrongPassphrase" => Error::WrongPassphrase,
        "CardNotEnrolled" => Error::CardNotEnrolled,
        "NotLoggedOn" => Error::NotLoggedOn,
        "LogonContextRefused" => Error::LogonContextRefused,
        "LogonEnded" => Error::LogonEnded,
        "PassphraseLength" => Error::PassphraseLength,
        "ProfileDate" => Error::ProfileDate,
        "ProfileStructure" => Error::ProfileStructure,
        "ProfileUserId" => Error::ProfileUserId,
        "ProfileRoleId" => Error::ProfileRoleId,
        "ProfileMechanism" => Error::ProfileMechanism,
        "ProfileExists" => Error::ProfileExists,
        "BootstrapRole" => Error::BootstrapRole,
        "CardNotEnrollable" => Error::CardNotEnrollable,
        "LogonNoDirectory" => Error::LogonNoDirectory,
        "AccessStoreMissing" => Error::AccessStoreMissing,
        "LastInitProfile" => Error::LastInitProfile,
        "LogonBusy" => Error::LogonBusy,
        "BackupPath" => Error::BackupPath,
        "BackupExists" => Error::BackupExists,
        "BackupWrite" => Error::BackupWrite,
        "NotABackup" => Error::NotABackup,
        "BackupDamaged" => Error::BackupDamaged,
        "BackupOtherDirectory" => Error::BackupOtherDirectory,
        "BackupBindingDiffers" => Error::BackupBindingDiffers,
        "BackupNotAuthentic" => Error::BackupNotAuthentic,
        "DefaultAdminPoint" => Error::DefaultAdminPoint,
        "DirectoryAlreadyBound" => Error::DirectoryAlreadyBound,
        "SecretWrongKind" => Error::SecretWrongKind,
        "WrongSecret" => Error::WrongSecret,
        "DirectoryNotBound" => Error::DirectoryNotBound,
        "NotActivated" => Error::NotActivated,
        "KeyringUnavailable" => Error::KeyringUnavailable,
        "SealedRegisterDamaged" => Error::SealedRegisterDamaged,
        "ActivationMismatch" => Error::ActivationMismatch,
        "BindingRecordMismatch" => Error::BindingRecordMismatch,
        "PartitionNotAuthorised" => Error::PartitionNotAuthorised,
        "PartitionWrongPassword" => Error::PartitionWrongPassword,
        "PartitionLocked" => Error::PartitionLocked,
        "PartitionAlreadyBound" => Error::PartitionAlreadyBound,
        "PartitionNotBound" => Error::PartitionNotBound,
        "PartitionPasswordSyntax" => Error::PartitionPasswordSyntax,
        "AuthorisationExpiry" => Error::AuthorisationExpiry,
        "KeyPartsOneCustodian" => Error::KeyPartsOneCustodian,
        "MasterKeyPartsOneCustodian" => Error::MasterKeyPartsOneCustodian,
        "MasterKeySetOneCustodian" => Error::MasterKeySetOneCustodian,
        "KeyPartSameCustodian" => Error::KeyPartSameCustodian,
        "KeyPartNull" => Error::KeyPartNull,
        "KeyPartNoCustody" => Error::KeyPartNoCustody,
        "KeyPartRecordForged" => Error::KeyPartRecordForged,
        "AcpConfigSyntax" => Error::AcpConfigSyntax,
        "RoleNotDefined" => Error::RoleNotDefined,
        "RoleStrength" => Error::RoleStrength,
        "RoleOutsideHours" => Error::RoleOutsideHours,
        "RoleNotFound" => Error::RoleNotFound,
        "RoleDefaultNotDeletable" => Error::RoleDefaultNotDeletable,
        "RoleInUse" => Error::RoleInUse,
        "RoleStructure" => Error::RoleStructure,
        "StateReadOnly" => Error::StateReadOnly,
        "AuditLogUnavailable" => Error::AuditLogUnavailable,
        "AuditLogWrite" => Error::AuditLogWrite,
        "AuditLogDamaged" => Error::AuditLogDamaged,
        "Random" => Error::Random,
        "Internal" => Error::Internal,
        "TextLength" => Error::TextLength,
        "SegmentTooShort" => Error::SegmentTooShort,
        "ChainingVector" => Error::ChainingVector,
        "HexMac" => Error::HexMac,
        "NullTokenRequired" => Error::NullTokenRequired,
        "CardPinSyntax" => Error::CardPinSyntax,
        "CardBlocked" => Error::CardBlocked,
        "CardPinNotVerified" => Error::CardPinNotVerified,
        "CardPinChangeUsed" => Error::CardPinChangeUsed,
        "CardContentNotEmpty" => Error::CardContentNotEmpty,
        "CardBadData" => Error::CardBadData,
        "CardWriteFailed" => Error::CardWriteFailed,
        "CardUnexpectedStatus" => Error::CardUnexpectedStatus,
        "CardNotOurs" => Error::CardNotOurs,
        "CardMalformedResponse" => Error::CardMalformedResponse,
        "CardNoCard" => Error::CardNoCard,
        "CardUnknownReader" => Error::CardUnknownReader,
        "CardRemoved" => Error::CardRemoved,
        "CardBusy" => Error::CardBusy,
        "CardTransport" => Error::CardTransport,
        "CardNoService" => Error::CardNoService,
        "SetParameters" => Error::SetParameters,
        "CeremonyBuffer" => Error::CeremonyBuffer,
        "CeremonyPhase" => Error::CeremonyPhase,
        "SetUnknown" => Error::SetUnknown,
        "SetPending" => Error::SetPending,
        "SetInvalid" => Error::SetInvalid,
        "SetMismatch" => Error::SetMismatch,
        "SetKindMismatch" => Error::SetKindMismatch,
        "ShareDuplicate" => Error::ShareDuplicate,
        "ShareCheckFailed" => Error::ShareCheckFailed,
        "CardNoShare" => Error::CardNoShare,
        "CardReadback" => Error::CardReadback,
        "SetNotEnoughCards" => Error::SetNotEnoughCards,
        "CeremonyExpired" => Error::CeremonyExpired,
        "CountersNotMovable" => Error::CountersNotMovable,
        "CardCopySameCard" => Error::CardCopySameCard,
        "CardCopySourceEmpty" => Error::CardCopySourceEmpty,
        "CardCopyTargetNotErased" => Error::CardCopyTargetNotErased,
        "CardTargetBlocked" => Error::CardTargetBlocked,
        "CardCopyMismatch" => Error::CardCopyMismatch,
        "CardTimeout" => Error::CardTimeout,
        "CardTargetWrongPin" => Error::CardTargetWrongPin(1),
        n if n.starts_with("CardTargetWrongPin(") => {
            Error::CardTargetWrongPin(n[19..n.len() - 1].parse().ok()?)
        }
        // A row per count: `CardWrongPin(3)`; the bare name stands for the variant.
        "CardWrongPin" => Error::CardWrongPin(1),
        n if n.starts_with("CardWrongPin(") => {
            Error::CardWrongPin(n[13..n.len() - 1].parse().ok()?)
        }
        _ => return None,
    })
}

fn warning_by_name(name: &str) -> Option<Warning> {
    Some(match name {
        "OldMasterKey" => Warning::OldMasterKey,
        "KeyParity" => Warning::KeyParity,
        "MasterKeyPartParity" => Warning::MasterKeyPartParity,
        "MasterKeyDuplicateThirds" => Warning::MasterKeyDuplicateThirds,
        "NullRecord" => Warning::NullRecord,
        "AuditMalformedRecord" => Warning::AuditMalformedRecord,
        "AuditRecordEdited" => Warning::AuditRecordEdited,
        "AuditSequence" => Warning::AuditSequence,
        "AuditBrokenLink" => Warning::AuditBrokenLink,
        "AuditGenesis" => Warning::AuditGenesis,
        "AuditTornTail" => Warning::AuditTornTail,
        "AuditLogMissing" => Warning::AuditLogMissing,
        "AuditMacMissing" => Warning::AuditMacMissing,
        "AuditMacForged" => Warning::AuditMacForged,
        _ => return None,
    })
}

/// Variant names declared in an enum of a source file.
fn variants(src: &str, enum_name: &str) -> Vec<String> {
    let start = src.find(&format!("pub enum {enum_name} {{")).expect("enum");
    let body = &src[start..src[start..].find("\n}").map(|e| start + e).expect("end")];
    body.lines()
        .map(str::trim)
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .map(|l| {
            l.split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn docs_match_the_table() {
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/codes.md")).unwrap();
    let mut seen = Vec::new();
    for line in doc
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
    {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let rc: i32 = cols[1].parse().unwrap();
        let rs: i32 = cols[2].split(' ').next().unwrap().parse().unwrap();
        let hex = cols[2].split(['(', ')']).nth(1).unwrap();
        assert_eq!(i32::from_str_radix(hex, 16).unwrap(), rs, "hex of {line}");
        let name = cols[3].trim_matches('`');
        let got = match (error_by_name(name), warning_by_name(name)) {
            (Some(e), _) => codes::of(e),
            (_, Some(w)) => codes::of_warning(w),
            _ => panic!("docs/codes.md names unknown variant {name}"),
        };
        assert_eq!(got, (rc, rs), "docs/codes.md row for {name}");
        seen.push(name.split('(').next().unwrap_or(name).to_string());
    }
    let error_src = std::fs::read_to_string(format!("{root}/src/error.rs")).unwrap();
    let codes_src = std::fs::read_to_string(format!("{root}/src/codes.rs")).unwrap();
    for v in variants(&error_src, "Error")
        .into_iter()
        .chain(variants(&codes_src, "Warning"))
    {
        assert!(seen.contains(&v), "variant {v} has no row in docs/codes.md");
        assert!(
            error_by_name(&v).is_some() || warning_by_name(&v).is_some(),
            "{v} missing in this test"
        );
    }
}
