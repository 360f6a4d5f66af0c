//! Is the database there, ours, whole and writable? Run before the receiver (or `add`)
//! uses it, and by `verify`.
//!
//! * **Missing, empty or not ours.** `--db` that does not exist, is an empty file, an empty
//!   SQLite file, a folder, or another program's database is refused: a new database gets a
//!   new receipt secret, and every receipt issued so far could no longer be looked up. A new
//!   database is created only with `--init`.
//! * **Not writable.** Checked before SQLite opens anything: the file, any `-wal`/`-shm`/
//!   `-journal` beside it, and the folder (SQLite creates `-wal` and `-shm` there, with the
//!   database file's permissions — so a read-only start would leave read-only `-wal`/`-shm`
//!   behind that keep failing after the file itself is fixed). Then one real write (a
//!   committed row in `meta`) proves it, disk space included.
//! * **Corrupt.** `PRAGMA quick_check` at start (O(size), no full index check), `PRAGMA
//!   integrity_check` in `verify`, plus a scan of every text column for invalid UTF-8, each
//!   problem reported with where it is (page / table / entry id, stream, seq, receipt).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::store;
use super::FeedbackError;

/// What to do when there is no database yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// Refuse (`--db` must name an existing feedback database).
    Never,
    /// `--init`: create it (an existing feedback database is opened as usual).
    IfMissing,
}

/// An opened, checked, writable database.
pub struct Opened {
    pub conn: Connection,
    /// True when this call created the database (and its receipt secret).
    pub created: bool,
}

const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

fn missing(path: &Path) -> FeedbackError {
    FeedbackError::Invalid(format!(
        "数据库不存在 (database not found): {}\n  \
         如果是第一次运行，请加 --init 新建数据库；否则请检查 --db 路径是否写错、所在磁盘是否已挂载 \
         (first run: add --init to create it; otherwise check the --db path and that its disk is mounted)",
        path.display()
    ))
}

fn uninitialised(path: &Path, what: &str) -> FeedbackError {
    FeedbackError::Invalid(format!(
        "{what}: {}\n  \
         新建数据库会生成新的回执密钥，以前的回执将无法查询。确认要在这里新建时请加 --init；\
         否则请检查 --db 路径，或从备份恢复 \
         (a new database gets a new receipt secret; pass --init only if a new one is really wanted, \
         otherwise check --db or restore from backup)",
        path.display()
    ))
}

fn unwritable(path: &Path, why: &str) -> FeedbackError {
    FeedbackError::Unusable(format!(
        "数据库不可写 (database not writable): {}: {why}\n  \
         请确认运行用户能写该文件、同目录的 -wal/-shm 文件和所在目录，且磁盘有剩余空间 \
         (the service user must be able to write the file, its -wal/-shm files and the folder, \
         and the disk must have free space)",
        path.display()
    ))
}

fn corrupt(path: &Path, problems: &[String]) -> FeedbackError {
    let mut s = format!(
        "数据库已损坏 (database is corrupt): {}\n  \
         请停止使用该文件，从备份恢复后运行 gongshi feedback verify (docs/feedback.md「备份与恢复」)",
        path.display()
    );
    for p in problems.iter().take(5) {
        let _ = write!(s, "\n  {p}");
    }
    if problems.len() > 5 {
        let _ = write!(s, "\n  … {} more", problems.len() - 5);
    }
    FeedbackError::Integrity(s)
}

fn error_code(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

/// A readable reason for a failed write.
fn write_reason(e: &rusqlite::Error) -> String {
    match error_code(e) {
        Some(ErrorCode::ReadOnly) => format!("只读 (read-only): {e}"),
        Some(ErrorCode::DiskFull) => format!("磁盘已满 (disk full): {e}"),
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            format!("无权限 (permission denied): {e}")
        }
        _ => e.to_string(),
    }
}

/// The file, its side files and its folder must be writable by this process.
fn check_writable(path: &Path) -> Result<(), FeedbackError> {
    let try_write = |p: &Path| -> Result<(), FeedbackError> {
        match std::fs::OpenOptions::new().read(true).write(true).open(p) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(unwritable(path, &format!("{}: {e}", p.display()))),
        }
    };
    try_write(path)?;
    for s in SIDE_FILES {
        try_write(&side(path, s))?;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Unique per process and call: two threads opening stores at once must not collide.
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let probe = dir.join(format!(
        ".gongshi-write-check-{}-{}",
        std::process::id(),
        PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(unwritable(
            path,
            &format!(
                "目录 {} 不可写，SQLite 无法在其中建立 -wal/-shm 文件 (folder not writable): {e}",
                dir.display()
            ),
        )),
    }
}

/// Removes `-wal`/`-shm` files this process created when it gives up on a database (they
/// would carry this process's owner and permissions). A `-wal` with content is never removed.
struct SideFiles {
    path: PathBuf,
    existed: Vec<bool>,
    keep: bool,
}

impl SideFiles {
    fn note(path: &Path) -> SideFiles {
        SideFiles {
            path: path.to_path_buf(),
            existed: SIDE_FILES.iter().map(|s| side(path, s).exists()).collect(),
            keep: false,
        }
    }
}

impl Drop for SideFiles {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        let wal = side(&self.path, "-wal");
        let wal_empty = std::fs::metadata(&wal)
            .map(|m| m.len() == 0)
            .unwrap_or(true);
        if !wal_empty {
            return;
        }
        for (s, existed) in SIDE_FILES.iter().zip(&self.existed) {
            if !existed {
                let _ = std::fs::remove_file(side(&self.path, s));
            }
        }
    }
}

/// One committed write of the size of a large submission (16 KiB): proves the file, the
/// `-wal` and the disk take a write now (the row is overwritten each time).
pub fn probe_write(conn: &mut Connection) -> Result<(), rusqlite::Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = jiff::Timestamp::now().to_string();
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('last_write_check', ?1 || zeroblob(16384))
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![now.as_bytes()],
    )?;
    tx.commit()
}

fn open_plain(path: &Path) -> Result<Connection, rusqlite::Error> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    c.busy_timeout(Duration::from_secs(10))?;
    Ok(c)
}

fn tables(conn: &Connection) -> Result<Vec<String>, rusqlite::Error> {
    let mut st = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    )?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// The rows of a check pragma. SQLite may report problems and then stop with an error
/// ("database disk image is malformed"): the rows so far are kept and the error is the last
/// line. Err only when nothing could be read at all.
fn pragma_rows(conn: &Connection, pragma: &str) -> Result<Vec<String>, rusqlite::Error> {
    let mut st = conn.prepare(pragma)?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    loop {
        match rows.next() {
            Ok(Some(r)) => out.push(match r.get_ref(0)? {
                ValueRef::Text(t) => String::from_utf8_lossy(t).to_string(),
                v => format!("{v:?}"),
            }),
            Ok(None) => break,
            Err(e) if out.is_empty() => return Err(e),
            Err(e) => {
                out.push(e.to_string());
                break;
            }
        }
    }
    Ok(out)
}

/// Opens the database for the receiver or `add`, refusing (with a message saying what to do)
/// a missing, empty, foreign, corrupt or unwritable one; creates one only with
/// `Create::IfMissing`.
pub fn open_store(path: &Path, create: Create) -> Result<Opened, FeedbackError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(super::io_err(path)(e)),
    };
    let Some(meta) = meta else {
        if create == Create::Never {
            return Err(missing(path));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(super::io_err(dir))?;
        }
        check_writable(path)?;
        return init(path);
    };
    if meta.is_dir() {
        return Err(FeedbackError::Invalid(format!(
            "--db 指向一个文件夹，应为数据库文件 (--db is a folder, not a database file): {}",
            path.display()
        )));
    }
    if !meta.is_file() {
        return Err(FeedbackError::Invalid(format!(
            "--db 不是普通文件 (--db is not a regular file): {}",
            path.display()
        )));
    }
    check_writable(path)?;
    let wal_len = std::fs::metadata(side(path, "-wal"))
        .map(|m| m.len())
        .unwrap_or(0);
    if meta.len() == 0 && wal_len == 0 {
        if create == Create::Never {
            return Err(uninitialised(
                path,
                "数据库文件是空的 (the database file is empty)",
            ));
        }
        return init(path);
    }
    let mut guard = SideFiles::note(path);
    let conn = open_plain(path).map_err(|e| unwritable(path, &write_reason(&e)))?;
    let problems = match pragma_rows(&conn, "PRAGMA quick_check") {
        Ok(rows) => rows,
        Err(e) if error_code(&e) == Some(ErrorCode::NotADatabase) => {
            return Err(FeedbackError::Invalid(format!(
                "不是 SQLite 数据库，或其文件头已损坏 (not an SQLite database, or its header is damaged): {}\n  \
                 请检查 --db 是否写错；如果它确实是意见数据库，请从备份恢复",
                path.display()
            )))
        }
        Err(e) => vec![e.to_string()],
    };
    if problems != ["ok"] {
        let lines: Vec<String> = problems
            .iter()
            .flat_map(|r| r.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("*** in database"))
            .map(str::to_string)
            .collect();
        return Err(corrupt(path, &lines));
    }
    let names = tables(&conn).map_err(|e| corrupt(path, &[e.to_string()]))?;
    let ours = names.iter().any(|n| n == "meta") && names.iter().any(|n| n == "entries");
    if !ours {
        if !names.is_empty() {
            return Err(FeedbackError::Invalid(format!(
                "不是意见数据库 (not a gongshi feedback database — it has the tables {}): {}\n  请检查 --db 是否写错",
                names.join(", "),
                path.display()
            )));
        }
        if create == Create::Never {
            return Err(uninitialised(
                path,
                "数据库是空的，还没有建表 (the database has no tables yet)",
            ));
        }
        drop(conn);
        guard.keep = true;
        return init(path);
    }
    let has_secret: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'secret')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| corrupt(path, &[e.to_string()]))?;
    if !has_secret && create == Create::Never {
        return Err(uninitialised(
            path,
            "数据库中没有回执密钥 (the database has no receipt secret)",
        ));
    }
    drop(conn);
    let mut conn = store::open(path).map_err(|e| match e {
        FeedbackError::Db(e) => unwritable(path, &write_reason(&e)),
        e => e,
    })?;
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        return Err(unwritable(path, "只读 (opened read-only)"));
    }
    probe_write(&mut conn).map_err(|e| unwritable(path, &write_reason(&e)))?;
    guard.keep = true;
    Ok(Opened {
        conn,
        created: false,
    })
}

fn init(path: &Path) -> Result<Opened, FeedbackError> {
    let mut conn = store::open(path).map_err(|e| match e {
        FeedbackError::Db(e) => unwritable(path, &write_reason(&e)),
        e => e,
    })?;
    store::secret(&conn)?;
    probe_write(&mut conn).map_err(|e| unwritable(path, &write_reason(&e)))?;
    Ok(Opened {
        conn,
        created: true,
    })
}

/// `verify`'s physical checks: `PRAGMA integrity_check` and a scan of every text column for
/// invalid UTF-8. Each problem says where it is. Empty = the file is sound (the hash chains
/// are checked after this, by `store::verify_stream`).
pub fn database_problems(path: &Path) -> Result<Vec<String>, FeedbackError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing(path)),
        Err(e) => return Err(super::io_err(path)(e)),
    };
    let at = path.display().to_string();
    if !meta.is_file() {
        return Err(FeedbackError::Invalid(format!(
            "--db 不是数据库文件 (--db is not a database file): {at}"
        )));
    }
    let conn = match open_plain(path)
        .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY))
    {
        Ok(c) => c,
        Err(e) => return Ok(vec![format!("{at}: 无法打开 (cannot open): {e}")]),
    };
    let mut problems = Vec::new();
    let trees = tree_names(&conn);
    match pragma_rows(&conn, "PRAGMA integrity_check") {
        Ok(rows) if rows == ["ok"] => {}
        Ok(rows) => {
            // Which table (with its indexes) each problem belongs to.
            let mut owner: HashMap<String, String> = HashMap::new();
            for t in tables(&conn).unwrap_or_default() {
                let pragma = format!("PRAGMA integrity_check(\"{}\")", t.replace('"', "\"\""));
                for r in pragma_rows(&conn, &pragma).unwrap_or_default() {
                    for line in r.lines().map(str::trim) {
                        owner.entry(line.to_string()).or_insert_with(|| t.clone());
                    }
                }
            }
            for r in rows {
                for line in r.lines().map(str::trim) {
                    if line.is_empty() || line.starts_with("*** in database") {
                        continue;
                    }
                    let table = match owner.get(line) {
                        Some(t) if line != "ok" => format!(" [table {t}]"),
                        _ => String::new(),
                    };
                    problems.push(format!(
                        "{at}: integrity_check: {line}{}{table}",
                        tree_label(line, &trees)
                    ));
                }
            }
        }
        Err(e) => {
            problems.push(format!("{at}: 数据库无法读取 (cannot be read): {e}"));
            return Ok(problems);
        }
    }
    match text_problems(&conn) {
        Ok(p) => problems.extend(p.into_iter().map(|p| format!("{at}: {p}"))),
        Err(e) => problems.push(format!("{at}: 扫描中止 (scan stopped): {e}")),
    }
    let names = tables(&conn).unwrap_or_default();
    if problems.is_empty()
        && !(names.iter().any(|n| n == "meta") && names.iter().any(|n| n == "entries"))
    {
        problems.push(format!(
            "{at}: 不是意见数据库 (not a gongshi feedback database)"
        ));
    }
    Ok(problems)
}

/// rootpage → table or index name, for "Tree N" in integrity_check messages.
fn tree_names(conn: &Connection) -> HashMap<i64, String> {
    let mut out = HashMap::new();
    if let Ok(mut st) = conn.prepare("SELECT rootpage, type, name FROM sqlite_master") {
        if let Ok(rows) = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        }) {
            for (page, kind, name) in rows.flatten() {
                out.insert(page, format!("{kind} {name}"));
            }
        }
    }
    out
}

fn tree_label(line: &str, trees: &HashMap<i64, String>) -> String {
    let n = line
        .split_once("Tree ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse::<i64>().ok());
    match n.and_then(|n| trees.get(&n)) {
        Some(name) => format!(" ({name})"),
        None => String::new(),
    }
}

/// Every text value that is not valid UTF-8, located by table and row (entries: id, stream,
/// seq, receipt; private: the entry's receipt).
fn text_problems(conn: &Connection) -> Result<Vec<String>, rusqlite::Error> {
    let mut problems = Vec::new();
    let mut receipts: HashMap<i64, String> = HashMap::new();
    let lossy = |v: ValueRef<'_>| match v {
        ValueRef::Text(t) => String::from_utf8_lossy(t).to_string(),
        ValueRef::Integer(i) => i.to_string(),
        _ => "?".into(),
    };
    let mut names = tables(conn)?;
    // entries first: private rows are located by their entry's receipt.
    names.sort_by_key(|n| n != "entries");
    for table in names {
        let mut st = conn.prepare(&format!(
            "SELECT rowid, * FROM \"{}\"",
            table.replace('"', "\"\"")
        ))?;
        let cols: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
        let idx = |name: &str| cols.iter().position(|c| c == name);
        let (i_stream, i_seq, i_receipt, i_entry) =
            (idx("stream"), idx("seq"), idx("receipt"), idx("entry_id"));
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            let rowid: i64 = row.get(0).unwrap_or(0);
            if table == "entries" {
                if let Some(i) = i_receipt {
                    receipts.insert(rowid, lossy(row.get_ref(i)?));
                }
            }
            for (i, col) in cols.iter().enumerate().skip(1) {
                let ValueRef::Text(t) = row.get_ref(i)? else {
                    continue;
                };
                let Err(err) = std::str::from_utf8(t) else {
                    continue;
                };
                let place = match table.as_str() {
                    "entries" => format!(
                        "entries id {rowid} ({} seq {}, {})",
                        i_stream
                            .map(|i| row.get_ref(i).map(lossy).unwrap_or_default())
                            .unwrap_or_default(),
                        i_seq
                            .map(|i| row.get_ref(i).map(lossy).unwrap_or_default())
                            .unwrap_or_default(),
                        i_receipt
                            .map(|i| row.get_ref(i).map(lossy).unwrap_or_default())
                            .unwrap_or_default(),
                    ),
                    "private" => {
                        let entry: i64 = i_entry.and_then(|i| row.get(i).ok()).unwrap_or(rowid);
                        format!(
                            "private row of entries id {entry} ({})",
                            receipts.get(&entry).map(String::as_str).unwrap_or("?")
                        )
                    }
                    t => format!("{t} row {rowid}"),
                };
                problems.push(format!(
                    "{place}: 列 {col} 不是有效的 UTF-8，第 {} 字节起 (column {col} is not valid UTF-8 at byte {}) — 数据已损坏，请从备份恢复",
                    err.valid_up_to(),
                    err.valid_up_to()
                ));
            }
        }
    }
    Ok(problems)
}
