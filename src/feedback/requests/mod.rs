//! Requests for information (依申请公开, 政府信息公开条例 Chapter 4): the online form, letters
//! and faxes entered by staff, each request's event log and its reply deadline on the
//! official working-day calendar.
//!
//! * `model`    — the words: applicant types, channels, delivery, events, reply categories.
//! * `deadline` — the due day from the log (our reading of 条例 Art. 30–33).
//! * `due`      — what needs attention on a day (`requests due`, `check --feedback-db`).
//! * `store`    — the request store trait (personal data apart, the event chain), `open`,
//!   `migrate`; `sqlite` and `pg` its two implementations.
//! * `form`     — the online form's fields; `html` — the status page (no personal data).
//! * `import`   — requests by letter, in person or by fax from a CSV/XLSX table.
//! * `cli`      — `gongshi requests add | import | event | due | export`.
//!
//! The routes are `feedback::http::request` (they share the receiver's checks and state).

/// The working-day calendar the deadlines are counted on (for callers of the store).
pub use crate::calendar::Calendar;

pub mod cli;
pub mod deadline;
pub mod due;
pub mod form;
pub mod html;
pub mod import;
pub mod model;
pub mod pg;
pub mod sqlite;
pub mod store;
