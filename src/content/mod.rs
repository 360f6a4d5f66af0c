//! Content: records loaded from `content/`, validated into the typed site model.

pub mod clock;
pub mod kinds;
pub mod load;
pub mod markdown;
pub mod phone;
pub mod source;
pub mod urls;
pub mod validate;
pub mod view;
pub mod window;

pub use kinds::{Data, Kind};
pub use load::Record;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Options for loading a site.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include records marked `draft: true`.
    pub drafts: bool,
    /// Run on each record file while it is parsed ([`load::Prescan`]); none: every record's
    /// `privacy_quiet` is false.
    pub prescan: Option<load::Prescan>,
}

/// The validated site: configuration and every published record, in a stable order.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub tz: jiff::tz::TimeZone,
    /// Records sorted by kind, then newest first, then id.
    /// Shared, so a preview rebuild reuses the records it did not read again without copying.
    pub records: Vec<std::sync::Arc<Record>>,
    by_key: std::sync::Arc<HashMap<String, usize>>,
    /// The keys of every record read, drafts included (what links may point to).
    pub keys: std::sync::Arc<std::collections::HashSet<String>>,
    /// Where each kind's records are in `records`, when every kind's records are together
    /// (as the loader sorts them): [`Site::of_kind`] then walks one kind's records instead of
    /// all of them. Pages call it for every record (a document's interpretations, an
    /// enforcement decision's officers), which made it quadratic at 10,000 records.
    kinds: std::sync::Arc<Option<KindRanges>>,
}

/// Each kind with the places of its records in [`Site::records`].
type KindRanges = Vec<(Kind, std::ops::Range<usize>)>;

/// The range of each kind's records in `records`, or none if some kind's records are not
/// all together.
fn kind_ranges(records: &[std::sync::Arc<Record>]) -> std::sync::Arc<Option<KindRanges>> {
    std::sync::Arc::new(group_ranges(records.iter().map(|r| r.kind)))
}

/// The range of each run of equal kinds in `kinds`, or none if a kind comes back after
/// another.
fn group_ranges(kinds: impl Iterator<Item = Kind>) -> Option<KindRanges> {
    let mut ranges: KindRanges = Vec::new();
    for (i, kind) in kinds.enumerate() {
        match ranges.last_mut() {
            Some((k, range)) if *k == kind => range.end = i + 1,
            _ => {
                if ranges.iter().any(|(k, _)| *k == kind) {
                    return None;
                }
                ranges.push((kind, i..i + 1));
            }
        }
    }
    Some(ranges)
}

impl Site {
    /// The same site with the record at `index` replaced by `record` (same kind and id, so
    /// the same place in the order when its date is the same).
    pub fn with_record(&self, index: usize, record: std::sync::Arc<Record>) -> Option<Site> {
        let old = self.records.get(index)?;
        if old.key() != record.key() || old.common.published != record.common.published {
            return None;
        }
        let mut records = self.records.clone();
        records[index] = record;
        Some(Site {
            root: self.root.clone(),
            config: self.config.clone(),
            tz: self.tz.clone(),
            records,
            by_key: self.by_key.clone(),
            keys: self.keys.clone(),
            // Same kind at the same place: the same ranges.
            kinds: self.kinds.clone(),
        })
    }

    /// A site of just these records (the compliance rules of one record).
    pub fn subset(&self, records: Vec<std::sync::Arc<Record>>) -> Site {
        let by_key = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key(), i))
            .collect::<HashMap<_, _>>()
            .into();
        Site {
            root: self.root.clone(),
            config: self.config.clone(),
            tz: self.tz.clone(),
            kinds: kind_ranges(&records),
            records,
            by_key,
            keys: self.keys.clone(),
        }
    }

    /// The place in [`Site::records`] of the record `folder/id`.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// Look a record up by `folder/id`.
    pub fn get(&self, key: &str) -> Option<&Record> {
        self.by_key
            .get(key)
            .and_then(|&i| self.records.get(i))
            .map(|r| &**r)
    }

    /// Records of one kind, in site order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Record> {
        let all = match self.kinds.as_ref() {
            Some(ranges) => match ranges.iter().find(|(k, _)| *k == kind) {
                Some((_, range)) => self.records.get(range.clone()).unwrap_or_default(),
                None => &[],
            },
            None => &self.records[..],
        };
        all.iter().filter(move |r| r.kind == kind).map(|r| &**r)
    }
}

/// Load `site.toml` and `content/`, and run every rule. On success returns the site and its
/// warnings; on any error returns all diagnostics (errors and warnings).
pub fn load_site(root: &Path, opts: &LoadOptions) -> Result<(Site, Diagnostics), Diagnostics> {
    load_site_cached(root, opts, &mut load::LoadCache::default())
}

/// [`load_site`], reading again only the record files `cache` does not hold (the preview
/// server's rebuilds).
pub fn load_site_cached(
    root: &Path,
    opts: &LoadOptions,
    cache: &mut load::LoadCache,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let (site, diags) = load_site_lenient(root, opts, cache)?;
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((site, diags))
}

/// [`load_site_cached`], but a site of the records that loaded is returned with the
/// diagnostics even when there are errors, so the rules that run on a loaded site can report
/// on the rest (`gongshi check` shows every problem at once). Such a site must never be
/// built. `Err` only when `site.toml` itself cannot be read.
pub fn load_site_lenient(
    root: &Path,
    opts: &LoadOptions,
    cache: &mut load::LoadCache,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let (config, tz, mut diags) = load_config(root)?;
    let loaded = load::load_cached(
        root,
        &config.base_path(),
        &tz,
        &config.limits,
        opts.prescan,
        cache,
    );
    diags.extend(loaded.diags);
    diags.extend(validate::validate(root, &config, &loaded.records));
    let keys = loaded.records.iter().map(|r| r.key()).collect();
    let mut records: Vec<std::sync::Arc<Record>> = loaded
        .records
        .into_iter()
        .filter(|r| opts.drafts || !r.common.draft)
        .collect();
    records.sort_by(|a, b| {
        (a.kind, std::cmp::Reverse(a.common.published), &a.id).cmp(&(
            b.kind,
            std::cmp::Reverse(b.common.published),
            &b.id,
        ))
    });
    diags.sort();
    Ok((assemble(root, config, tz, records, keys), diags))
}

/// `site.toml` as a build reads it: the configuration with the search synonyms loaded, its
/// time zone, and the synonyms file's problems. `Err` when it cannot be read or names an
/// unknown time zone.
pub fn load_config(root: &Path) -> Result<(Config, jiff::tz::TimeZone, Diagnostics), Diagnostics> {
    let mut config = Config::load(root).map_err(|ds| ds.into_iter().collect::<Diagnostics>())?;
    let Some(tz) = config.timezone() else {
        return Err([Diagnostic::error(
            Code::ConfigTimezone,
            "site.toml",
            "无法识别的时区",
        )]
        .into_iter()
        .collect());
    };
    let (synonyms, problems) = crate::search::synonyms::load(
        root,
        config.search.synonyms_file.as_deref(),
        config.search.builtin_synonyms,
    );
    config.search.synonyms = synonyms;
    Ok((config, tz, problems.into_iter().collect()))
}

/// The site of `records` (already in site order) and the keys of every record read.
pub(crate) fn assemble(
    root: &Path,
    config: Config,
    tz: jiff::tz::TimeZone,
    records: Vec<std::sync::Arc<Record>>,
    keys: std::collections::HashSet<String>,
) -> Site {
    let by_key = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key(), i))
        .collect();
    Site {
        root: root.to_path_buf(),
        config,
        tz,
        kinds: kind_ranges(&records),
        records,
        by_key: std::sync::Arc::new(by_key),
        keys: std::sync::Arc::new(keys),
    }
}

#[cfg(test)]
mod kind_range_tests {
    use super::{group_ranges, Kind};

    #[test]
    fn kinds_kept_together_get_their_ranges_and_scattered_kinds_none() {
        let (d, e, p) = (Kind::Document, Kind::Enforcement, Kind::Page);
        assert_eq!(
            group_ranges([d, d, e, p, p, p].into_iter()),
            Some(vec![(d, 0..2), (e, 2..3), (p, 3..6)])
        );
        assert_eq!(group_ranges([].into_iter()), Some(vec![]));
        // A kind that comes back: Site::of_kind must scan every record.
        assert_eq!(group_ranges([d, e, d].into_iter()), None);
    }
}
