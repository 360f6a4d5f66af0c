//! Requests for information (依申请公开, 政府信息公开条例 Chapter 4): the online form, letters
//! and faxes entered by staff, each request's event log and its reply deadline on the
//! official working-day calendar.
//!
//! * `model`    — the words: applicant types, channels, delivery, events, reply categories.
//! * `deadline` — the due day from the log (our reading of 条例 Art. 30–33).
//! * `due`      — what needs attention on a day (`requests due`, `check --feedback-db`).
//! * `store`    — the tables (beside the comments, personal data apart), the event chain.
//! * `form`     — the online form's fields; `html` — the status page (no personal data).
//! * `import`   — requests by letter, in person or by fax from a CSV/XLSX table.
//! * `cli`      — `gongshi requests add | import | event | due | export`.
//!
//! The routes are `feedback::http::request` (they share the receiver's checks and state).

pub mod cli;
pub mod deadline;
pub mod due;
pub mod form;
pub mod html;
pub mod import;
pub mod model;
pub mod store;
