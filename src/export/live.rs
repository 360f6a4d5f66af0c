//! The feeds and open data of the preview server, kept up to date after a one-record edit.
//!
//! A preview build keeps each exported record's fragment of its kind's data file and CSV file,
//! and the entries of each feed. After an edit that leaves what other pages show of the record
//! unchanged (its dates, whether it is listed: see [`crate::build::patch`]), the record stays in the
//! same place of every file: its fragments are made again and the files joined from the
//! fragments; only the feeds it is an entry of are written again. The bytes are those a full
//! build gives (`tests/it/serve_patch.rs` compares them).

use super::atom::{self, Feed};
use super::opendata::{self, csv_fragment, csv_head, json_file, json_fragment, Shape, CSVS};
use super::{exported, exported_of};
use crate::content::{Kind, Record, Site};
use crate::facts::{Cx, Facts};
use crate::lazy::Lazy;
use crate::plan::Output;
use std::collections::HashMap;

/// One file made of per-record fragments, in site order.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Parts {
    /// Record key → position.
    at: HashMap<String, usize>,
    texts: Vec<String>,
    /// Rows (CSV lines) of each fragment.
    rows: Vec<usize>,
}

impl Parts {
    fn new(keyed: Vec<(String, String, usize)>) -> Parts {
        let mut p = Parts::default();
        for (i, (k, t, n)) in keyed.into_iter().enumerate() {
            p.at.insert(k, i);
            p.texts.push(t);
            p.rows.push(n);
        }
        p
    }

    /// Replace the fragment of `key` by one of as many rows; false when the file has no
    /// fragment of it or the row count differs (`index.json` counts them).
    fn replace(&mut self, key: &str, text: String, rows: usize) -> bool {
        let Some(&i) = self.at.get(key) else {
            return false;
        };
        match (self.texts.get_mut(i), self.rows.get(i)) {
            (Some(t), Some(&n)) if n == rows => {
                *t = text;
                true
            }
            _ => false,
        }
    }
}

/// The open data files' fragments.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct LiveData {
    /// Per kind: each exported record's object (read from the build snapshot, decoded only for
    /// the kind of the record a patch edits).
    json: HashMap<Kind, Lazy<Parts>>,
    /// Per CSV file (index into [`CSVS`]): each exported record's lines (the same).
    csv: HashMap<usize, Lazy<Parts>>,
}

impl LiveData {
    /// The data file of `kind` (text, objects), keeping its fragments.
    pub(crate) fn data_json(&mut self, site: &Site, facts: &Facts, kind: Kind) -> (String, usize) {
        use rayon::prelude::*;
        let shape = Shape::of(&opendata::fields(kind));
        let records: Vec<&Record> = exported_of(site, facts, kind).collect();
        let keyed: Vec<(String, String, usize)> = records
            .par_iter()
            .map(|r| (r.key(), json_fragment(site, facts, &shape, r), 1))
            .collect();
        let text = json_file(keyed.iter().map(|(_, t, _)| t.as_str()));
        self.json.insert(kind, Lazy::new(Parts::new(keyed)));
        (text, records.len())
    }

    /// CSV file `i` of [`CSVS`] (text, rows), keeping its fragments.
    pub(crate) fn csv_text(&mut self, site: &Site, facts: &Facts, i: usize) -> (String, usize) {
        let Some(csv) = CSVS.get(i) else {
            return (String::new(), 0);
        };
        let mut keyed = Vec::new();
        let (text, rows) = opendata::csv_text_each(site, facts, csv, &mut |r, lines, n| {
            keyed.push((r.key(), lines.to_string(), n))
        });
        self.csv.insert(i, Lazy::new(Parts::new(keyed)));
        (text, rows)
    }

    /// The data and CSV files after `r` (the same record, edited) replaced the record of its
    /// key; `None` when its CSV row count changed (`index.json` counts the rows) or it was
    /// not exported before. Nothing is changed in a file that is not returned; a `None` leaves
    /// the fragments partly updated, so the caller makes every file again.
    fn update(&mut self, site: &Site, facts: &Facts, r: &Record) -> Option<Vec<Output>> {
        let key = r.key();
        let mut out = Vec::new();
        let parts = self.json.get_mut(&r.kind)?;
        let text = json_fragment(site, facts, &Shape::of(&opendata::fields(r.kind)), r);
        if !parts.replace(&key, text, 1) {
            return None;
        }
        out.push(Output::Bytes {
            path: format!("data/{}.json", r.kind.folder()),
            bytes: json_file(parts.texts.iter().map(String::as_str)).into_bytes(),
        });
        for (i, csv) in CSVS.iter().enumerate() {
            if csv.kind != r.kind {
                continue;
            }
            let parts = self.csv.get_mut(&i)?;
            let (lines, n) = csv_fragment(site, r);
            if !parts.replace(&key, lines, n) {
                return None;
            }
            let mut text = csv_head(csv);
            for t in &parts.texts {
                text.push_str(t);
            }
            out.push(Output::Bytes {
                path: format!("data/{}.csv", csv.name),
                bytes: text.into_bytes(),
            });
        }
        Some(out)
    }
}

/// What the preview keeps of the feeds and the open data.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct LiveExports {
    pub data: LiveData,
    /// Every feed, with the keys of its entries.
    feeds: Vec<Feed<String>>,
}

impl LiveExports {
    /// Every feed (as [`atom::feeds`]), keeping their entries.
    pub(crate) fn feeds(&mut self, cx: Cx) -> Vec<Output> {
        let Cx { site, time, .. } = cx;
        let list = atom::feed_list(cx);
        self.feeds = list
            .iter()
            .filter_map(|f| f.map(|r| Some(r.key())))
            .collect();
        list.iter().map(|f| atom::output(site, time, f)).collect()
    }

    /// Every feed and open data file, made again (and kept).
    pub(crate) fn remake(&mut self, cx: Cx) -> Vec<Output> {
        let mut out = self.feeds(cx);
        opendata::files_with(cx, Some(&mut self.data), &mut |o| out.push(o));
        out
    }

    /// The feeds and open data files that can have changed after the edit of `r` (the site
    /// is the edited one); `None` when they cannot be updated in place.
    pub(crate) fn update(&mut self, cx: Cx, r: &Record) -> Option<Vec<Output>> {
        let Cx { site, facts, time } = cx;
        if !exported(facts, r) {
            return Some(Vec::new());
        }
        let mut out = self.data.update(site, facts, r)?;
        let key = r.key();
        for f in self.feeds.iter().filter(|f| f.entries.contains(&key)) {
            let feed = f.map(|k| site.get(k))?;
            out.push(atom::output(site, time, &feed));
        }
        Some(out)
    }
}
