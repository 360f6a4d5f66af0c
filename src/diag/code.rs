//! The diagnostic codes: stable names (`content.too-large`) shown in brackets in the text
//! output, in `--format json`, in docs and in the fixture-per-diagnostic folders under
//! tests/fixtures/diagnostics. Every code is listed once, in [`codes!`] below: the macro
//! generates the [`Code`] enum, [`Code::as_str`], [`Code::ALL`] and [`Code::from_name`].
//!
//! A name never changes once published (CI scripts match on it); a new check adds a line.

/// The registry: `Variant = "family.name",` once per code, grouped by family.
macro_rules! codes {
    ($($variant:ident = $name:literal,)*) => {
        /// A diagnostic code. Compared, ordered, printed and serialized by its name.
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name, e.g. `content.too-large`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The code with this name, if there is one.
            pub fn from_name(name: &str) -> Option<Code> {
                match name {
                    $($name => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    AccountabilityCounts = "accountability.counts",

    CalendarBadDate = "calendar.bad-date",
    CalendarConflictingDate = "calendar.conflicting-date",
    CalendarDateInTwoFiles = "calendar.date-in-two-files",
    CalendarDateOutOfYear = "calendar.date-out-of-year",
    CalendarDuplicateDate = "calendar.duplicate-date",
    CalendarDuplicateKey = "calendar.duplicate-key",
    CalendarEmptyFile = "calendar.empty-file",
    CalendarEmptyName = "calendar.empty-name",
    CalendarFileName = "calendar.file-name",
    CalendarIo = "calendar.io",
    CalendarMissingField = "calendar.missing-field",
    CalendarMissingSource = "calendar.missing-source",
    CalendarSyntax = "calendar.syntax",
    CalendarTooComplex = "calendar.too-complex",
    CalendarTooLarge = "calendar.too-large",
    CalendarType = "calendar.type",
    CalendarUncovered = "calendar.uncovered",
    CalendarUnknownField = "calendar.unknown-field",
    CalendarYearMismatch = "calendar.year-mismatch",

    CatalogueMissingCategory = "catalogue.missing-category",

    ConfigBaseUrl = "config.base-url",
    ConfigDisplayDaysKey = "config.display-days-key",
    ConfigEnforcement = "config.enforcement",
    ConfigLimits = "config.limits",
    ConfigMissingKey = "config.missing-key",
    ConfigRead = "config.read",
    ConfigSyntax = "config.syntax",
    ConfigTimezone = "config.timezone",
    ConfigUnknownCategory = "config.unknown-category",
    ConfigUnknownKey = "config.unknown-key",
    ConfigWindowRule = "config.window-rule",

    ConsultationChannels = "consultation.channels",
    ConsultationClosesEarly = "consultation.closes-early",
    ConsultationHistoricalDates = "consultation.historical-dates",
    ConsultationHistoricalWindowShort = "consultation.historical-window-short",
    ConsultationNoticeItem = "consultation.notice-item",
    ConsultationReportOverdue = "consultation.report-overdue",
    ConsultationUnder30Days = "consultation.under-30-days",
    ConsultationUnknownType = "consultation.unknown-type",
    ConsultationWindowBoth = "consultation.window-both",
    ConsultationWindowShort = "consultation.window-short",
    ConsultationWindowZero = "consultation.window-zero",

    ContentAttachmentPath = "content.attachment-path",
    ContentAttachmentSymlink = "content.attachment-symlink",
    ContentBadId = "content.bad-id",
    ContentDanglingLink = "content.dangling-link",
    ContentDanglingRef = "content.dangling-ref",
    ContentDuplicateId = "content.duplicate-id",
    ContentEmpty = "content.empty",
    ContentEncoding = "content.encoding",
    ContentIgnoredFile = "content.ignored-file",
    ContentMissing = "content.missing",
    ContentMissingAttachment = "content.missing-attachment",
    ContentNoFrontMatter = "content.no-front-matter",
    ContentPlaceholder = "content.placeholder",
    ContentRead = "content.read",
    ContentScript = "content.script",
    ContentSpecialFile = "content.special-file",
    ContentStrayFile = "content.stray-file",
    ContentSymlink = "content.symlink",
    ContentTooLarge = "content.too-large",
    ContentUnclosedFrontMatter = "content.unclosed-front-matter",
    ContentUnknownFolder = "content.unknown-folder",

    DecisionCatalogueDuplicateItem = "decision.catalogue-duplicate-item",
    DecisionCatalogueMissing = "decision.catalogue-missing",
    DecisionConsultationOpen = "decision.consultation-open",
    DecisionEvaluationOverdue = "decision.evaluation-overdue",
    DecisionMajority = "decision.majority",
    DecisionNoLegalReview = "decision.no-legal-review",
    DecisionNoRiskAssessment = "decision.no-risk-assessment",
    DecisionQuorum = "decision.quorum",
    DecisionStageOrder = "decision.stage-order",
    DecisionUnknownItem = "decision.unknown-item",
    DecisionUnlawful = "decision.unlawful",

    DiagMore = "diag.more",

    EnforcementCaseNo = "enforcement.case-no",
    EnforcementChangeLate = "enforcement.change-late",
    EnforcementChangeUndated = "enforcement.change-undated",
    EnforcementCreditCode = "enforcement.credit-code",
    EnforcementDateOrder = "enforcement.date-order",
    EnforcementDeadlineUnknown = "enforcement.deadline-unknown",
    EnforcementExpired = "enforcement.expired",
    EnforcementFuturePublished = "enforcement.future-published",
    EnforcementLate = "enforcement.late",
    EnforcementNoChangeRecord = "enforcement.no-change-record",
    EnforcementNoRemedy = "enforcement.no-remedy",
    // Typed outcomes counted by the 行政执法统计年报 (issue 22 §3).
    EnforcementNoPenaltyKind = "enforcement.no-penalty-kind",
    EnforcementNoPermitResult = "enforcement.no-permit-result",
    EnforcementOutcomeMismatch = "enforcement.outcome-mismatch",
    EnforcementWithheldContent = "enforcement.withheld-content",
    // 重大执法决定法制审核 and the officer register (issue 21 §2).
    EnforcementOfficerExpired = "enforcement.officer-expired",
    EnforcementOfficerUnknown = "enforcement.officer-unknown",
    EnforcementReviewDateOrder = "enforcement.review-date-order",
    EnforcementReviewLate = "enforcement.review-late",
    EnforcementReviewMissing = "enforcement.review-missing",
    EnforcementReviewOverdue = "enforcement.review-overdue",
    OfficersDuplicate = "officers.duplicate",
    OfficersExpiring = "officers.expiring",

    FeeBasisEmpty = "fee.basis-empty",
    FeeRange = "fee.range",
    FeeRate = "fee.rate",
    FeeStandardForms = "fee.standard-forms",
    FeeStandardUnstated = "fee.standard-unstated",

    FreshnessStale = "freshness.stale",

    HistoryEditedAfterPublication = "history.edited-after-publication",
    HistoryIndexNoChanged = "history.index-no-changed",
    HistoryLedgerDeleted = "history.ledger-deleted",
    HistoryLedgerRewritten = "history.ledger-rewritten",

    ImportCsv = "import.csv",
    ImportEncoding = "import.encoding",
    ImportExists = "import.exists",
    ImportMissingColumn = "import.missing-column",
    ImportRow = "import.row",
    ImportTooLarge = "import.too-large",
    ImportUnknownColumn = "import.unknown-column",
    ImportXlsx = "import.xlsx",

    // The test kind (feature `test-kind`, docs/dev/adding-a-kind.md).
    InspectionNoDeadline = "inspection.no-deadline",

    MetaDocNo = "meta.doc-no",
    MetaDuplicate = "meta.duplicate",
    MetaIndexNo = "meta.index-no",
    MetaLegacyIndexNo = "meta.legacy-index-no",

    ParticipationAnchor = "participation.anchor",
    ParticipationDisposition = "participation.disposition",
    ParticipationDispositions = "participation.dispositions",
    ParticipationFigures = "participation.figures",
    ParticipationGit = "participation.git",
    ParticipationLedger = "participation.ledger",
    ParticipationLedgerRewritten = "participation.ledger-rewritten",
    ParticipationNoLedger = "participation.no-ledger",
    ParticipationReceiver = "participation.receiver",
    ParticipationReceiverDiffers = "participation.receiver-differs",
    ParticipationReceiverUnknown = "participation.receiver-unknown",
    ParticipationRegister = "participation.register",
    ParticipationUnexported = "participation.unexported",

    PermitFeesUnstated = "permit.fees-unstated",
    PermitMaterialForm = "permit.material-form",
    PermitMaterialUnstated = "permit.material-unstated",
    PermitMissingItem = "permit.missing-item",
    PermitNoMaterials = "permit.no-materials",
    PermitNoSampleForm = "permit.no-sample-form",

    PlanDuplicatePath = "plan.duplicate-path",

    PrivacyAskerName = "privacy.asker-name",
    PrivacyBankCard = "privacy.bank-card",
    PrivacyEmail = "privacy.email",
    PrivacyLabelledName = "privacy.labelled-name",
    PrivacyMinor = "privacy.minor",
    PrivacyMobile = "privacy.mobile",
    PrivacyOwnerName = "privacy.owner-name",
    PrivacyPersonAddress = "privacy.person-address",
    PrivacyPersonName = "privacy.person-name",
    PrivacyResidentId = "privacy.resident-id",

    ReplyDateOrder = "reply.date-order",
    ReplyIncomplete = "reply.incomplete",
    ReplyOverdue = "reply.overdue",

    RequestsConsultationLong = "requests.consultation-long",
    RequestsDueSoon = "requests.due-soon",
    RequestsLog = "requests.log",
    RequestsOverdue = "requests.overdue",
    ReportDue = "report.due",
    ReportOverdue = "report.overdue",
    ReportRequestsEdited = "report.requests-edited",
    ReportSealMismatch = "report.seal-mismatch",
    ReportUnknownCell = "report.unknown-cell",
    ReportUnsealed = "report.unsealed",

    SchemaBadDate = "schema.bad-date",
    SchemaBadValue = "schema.bad-value",
    SchemaEmpty = "schema.empty",
    SchemaInternal = "schema.internal",
    SchemaMissingField = "schema.missing-field",
    SchemaNotAMapping = "schema.not-a-mapping",
    SchemaUnknownField = "schema.unknown-field",
    SchemaWrongType = "schema.wrong-type",

    SearchSynonymsRead = "search.synonyms-read",
    SearchSynonymsSyntax = "search.synonyms-syntax",

    SpotCheckResultsDue = "spot-check.results-due",
    SearchSynonymsTooLarge = "search.synonyms-too-large",

    ThemeRender = "theme.render",
    ThemeTemplate = "theme.template",

    YamlAlias = "yaml.alias",
    YamlComplexKey = "yaml.complex-key",
    YamlDuplicateKey = "yaml.duplicate-key",
    YamlMultipleDocuments = "yaml.multiple-documents",
    YamlSyntax = "yaml.syntax",
    YamlTooComplex = "yaml.too-complex",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Shown as its quoted name, as a string code was.
impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Ordered by name, so that diagnostics sort as they always have.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Only registered names: a stored diagnostic with an unknown code (written by another
/// version) does not read back.
impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn registered() -> BTreeSet<&'static str> {
        Code::ALL.iter().map(|c| c.as_str()).collect()
    }

    /// The families (`content`, `privacy`, …) codes belong to.
    fn families() -> BTreeSet<&'static str> {
        Code::ALL
            .iter()
            .filter_map(|c| c.as_str().split('.').next())
            .collect()
    }

    /// `family.name` tokens in `text` whose family is a code family and whose name is
    /// written like a code (lowercase words joined by `-`).
    fn code_like(text: &str, families: &BTreeSet<&str>) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let is_code_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        for token in text.split(|c: char| !(is_code_char(c) || c == '.')) {
            let Some((family, name)) = token.split_once('.') else {
                continue;
            };
            if families.contains(family)
                && !name.is_empty()
                && name.chars().all(is_code_char)
                && !name.starts_with('-')
            {
                found.insert(token.to_string());
            }
        }
        found
    }

    #[test]
    fn names_are_unique_and_round_trip() {
        assert_eq!(registered().len(), Code::ALL.len());
        for &c in Code::ALL {
            assert_eq!(Code::from_name(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<Code>(&json).ok(), Some(c));
        }
        assert_eq!(Code::from_name("content.no-such-code"), None);
        assert!(serde_json::from_str::<Code>("\"content.no-such-code\"").is_err());
    }

    #[test]
    fn codes_sort_by_name() {
        let mut by_code = Code::ALL.to_vec();
        by_code.sort();
        let mut by_name: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        by_name.sort_unstable();
        let sorted: Vec<&str> = by_code.iter().map(|c| c.as_str()).collect();
        assert_eq!(sorted, by_name);
    }

    #[test]
    fn every_code_the_docs_mention_is_registered() {
        let families = families();
        let registered = registered();
        let mut files: Vec<PathBuf> = vec![repo().join("README.md")];
        for entry in walkdir::WalkDir::new(repo().join("docs")) {
            let Ok(entry) = entry else { continue };
            if entry.path().extension().is_some_and(|e| e == "md") {
                files.push(entry.path().to_path_buf());
            }
        }
        let mut unknown = Vec::new();
        let mut mentioned = 0;
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            // Only what the docs write as code: `content.too-large` or 错误[content.too-large].
            for span in text.split('`').skip(1).step_by(2).chain(
                text.split('[')
                    .skip(1)
                    .filter_map(|s| s.split_once(']').map(|(inside, _)| inside)),
            ) {
                for token in code_like(span, &families) {
                    mentioned += 1;
                    if !registered.contains(token.as_str()) && !not_a_code(&token) {
                        unknown.push(format!("{}: {token}", file.display()));
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "codes in docs but not registered: {unknown:?}"
        );
        assert!(mentioned > 30, "only {mentioned} codes found in the docs");
    }

    /// What the docs write in the same shape as a code: file names (`enforcement.csv`),
    /// field paths (`party.name`), settings (`consultation.types`), browser APIs.
    fn not_a_code(token: &str) -> bool {
        const EXTENSIONS: [&str; 18] = [
            ".md", ".rs", ".json", ".jsonl", ".toml", ".html", ".csv", ".js", ".xml", ".txt",
            ".yaml", ".yml", ".ics", ".sh", ".sqlite3", ".sqlite", ".db", ".bin",
        ];
        const PREFIXES: [&str; 8] = [
            "party.",
            "participation.",
            "outcome.",
            "withdrawn.",
            "changed.",
            "contact.",
            "channels.",
            "page.",
        ];
        const OTHER: [&str; 3] = ["consultation.types", "history.push", "history.replace"];
        EXTENSIONS.iter().any(|e| token.ends_with(e))
            || PREFIXES.iter().any(|p| token.starts_with(p))
            || OTHER.contains(&token)
    }

    fn fixture_dirs() -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/diagnostics"))
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        dirs.sort();
        dirs
    }

    fn name_of(dir: &Path) -> String {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Codes in a fixture's expected output: `错误[code]`, `警告[code]`, `提示[code]`.
    fn reported(expected: &str) -> BTreeSet<String> {
        expected
            .lines()
            .filter_map(|l| {
                let rest = ["错误[", "警告[", "提示["]
                    .iter()
                    .find_map(|p| l.strip_prefix(p))?;
                rest.split_once(']').map(|(code, _)| code.to_string())
            })
            .collect()
    }

    /// Fixtures named after a situation rather than after one code.
    const SITUATIONS: [&str; 12] = [
        "catalogue-unknown-category",
        "content-control-characters",
        "content-dangling-reviews",
        "enforcement-change-on-time",
        "enforcement-on-time",
        "every-rule-at-once",
        "fee-basis-doc-no",
        "permit-dangling-procedure",
        "permit-licence-items",
        "privacy-allowed-emails",
        "privacy-allowed-numbers",
        "privacy-ledger",
    ];

    #[test]
    fn every_fixture_reports_registered_codes_and_is_named_after_one() {
        let registered = registered();
        let dirs = fixture_dirs();
        assert!(dirs.len() >= 30, "only {} fixtures", dirs.len());
        let mut problems = Vec::new();
        for dir in &dirs {
            let name = name_of(dir);
            let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap_or_default();
            for code in reported(&expected) {
                if !registered.contains(code.as_str()) {
                    problems.push(format!("{name}: reports unregistered {code}"));
                }
            }
            // `content-too-large` or `content-too-large-variant` is about content.too-large.
            let named = Code::ALL
                .iter()
                .map(|c| (c, c.as_str().replacen('.', "-", 1)))
                .filter(|(_, dashed)| name == *dashed || name.starts_with(&format!("{dashed}-")))
                .max_by_key(|(_, dashed)| dashed.len())
                .map(|(c, _)| *c);
            match named {
                Some(c) if name == c.as_str().replacen('.', "-", 1) => {
                    if !reported(&expected).contains(c.as_str()) {
                        problems.push(format!("{name}: does not report {c}"));
                    }
                }
                Some(_) => {}
                None if SITUATIONS.contains(&name.as_str()) => {}
                None => problems.push(format!("{name}: not named after a registered code")),
            }
        }
        for s in SITUATIONS {
            if !dirs.iter().any(|d| name_of(d) == s) {
                problems.push(format!(
                    "{s}: listed as a situation but there is no such fixture"
                ));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
