//! A throw-away PostgreSQL cluster for the tests: `initdb` into a temporary folder, a server
//! on a private unix socket in that folder (no TCP), one fresh database per test.
//!
//! * The server binaries: `$GONGSHI_PG_BIN`, else Debian's `/usr/lib/postgresql/<newest>/bin`,
//!   else `initdb` on `PATH`.
//! * PostgreSQL refuses to run as root. Running as root (CI containers), the folder is given to
//!   `nobody` and `initdb`/`pg_ctl` run through `setpriv --reuid nobody` (util-linux, on
//!   every Debian); otherwise as the current user.
//! * One cluster per test process. A watchdog shell stops it (`pg_ctl stop -m immediate`)
//!   and deletes the folder when the test process is gone, however it ended.
//! * No server can be started: each PostgreSQL test writes why to stderr (uncaptured, so it
//!   shows in `cargo test` output) and returns. With `GONGSHI_PG_REQUIRED=1` (set by
//!   `.ci/run`) it fails instead: in CI the PostgreSQL tests must run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Cluster {
    pub dir: PathBuf,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

fn bin_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("GONGSHI_PG_BIN") {
        return Some(PathBuf::from(d));
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").is_file())
        .collect();
    debian.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(d) = debian.pop() {
        return Some(d);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `cmd args…`, as `nobody` when we are root.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--reset-env",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

fn start() -> Result<Cluster, String> {
    let dir = std::env::temp_dir().join(format!("gongshi-pg-{}", std::process::id()));
    let r = start_in(&dir);
    if r.is_err() {
        // A failed step leaves no server without its watchdog: remove the folder.
        let _ = std::fs::remove_dir_all(&dir);
    }
    r
}

fn start_in(dir: &Path) -> Result<Cluster, String> {
    let dir = dir.to_path_buf();
    let bin = bin_dir().ok_or(
        "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql package or set GONGSHI_PG_BIN",
    )?;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if is_root() {
        let mut c = Command::new("chown");
        c.args(["nobody:nogroup"]).arg(&dir);
        run(c, "chown nobody")?;
    }
    let data = dir.join("data");
    let mut c = as_server_user(&bin.join("initdb"));
    c.arg("-D").arg(&data).args([
        "-U",
        "gongshi",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
    ]);
    run(c, "initdb")?;
    // Only the unix socket in our folder; synchronous_commit stays on (the default).
    let opts = format!(
        "-k {} -c listen_addresses= -c max_connections=100",
        dir.display()
    );
    let mut c = as_server_user(&bin.join("pg_ctl"));
    c.arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-o", &opts, "-w", "-t", "60", "start"]);
    run(c, "pg_ctl start")?;
    // The watchdog: stops the server and removes the folder once this process is gone.
    let stop = if is_root() {
        format!(
            "setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env {} -D {} stop -m immediate",
            bin.join("pg_ctl").display(),
            data.display()
        )
    } else {
        format!(
            "{} -D {} stop -m immediate",
            bin.join("pg_ctl").display(),
            data.display()
        )
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("watchdog: {e}"))?;
    let cluster = Cluster { dir };
    // The server is up once a connection works.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match postgres::Client::connect(&cluster.url("postgres"), postgres::NoTls) {
            Ok(_) => return Ok(cluster),
            Err(e) if Instant::now() > deadline => return Err(format!("connect: {e}")),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

impl Cluster {
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgresql:///{db}?host={}&user=gongshi",
            self.dir.display()
        )
    }

    /// A new, empty database; its URL.
    pub fn fresh_db(&self) -> String {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        );
        let mut c = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        self.url(&name)
    }
}

/// The cluster, or None after saying why on stderr (a failure with GONGSHI_PG_REQUIRED=1).
pub fn cluster(test: &str) -> Option<&'static Cluster> {
    match CLUSTER.get_or_init(start) {
        Ok(c) => Some(c),
        Err(why) => {
            if std::env::var_os("GONGSHI_PG_REQUIRED").is_some_and(|v| v == "1") {
                panic!("GONGSHI_PG_REQUIRED=1 but no PostgreSQL server could be started: {why}");
            }
            // Straight to the process's stderr: the test harness does not capture this.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: no PostgreSQL server could be started: {why}"
            );
            None
        }
    }
}

/// A fresh database URL for `test`, or None (skipped, reason printed).
pub fn fresh_url(test: &str) -> Option<String> {
    cluster(test).map(|c| c.fresh_db())
}
