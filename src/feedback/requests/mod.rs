//! Requests for information (依申请公开, 政府信息公开条例 Chapter 4): the online form, letters
//! and faxes entered by staff, each request's event log and its reply deadline on the
//! official working-day calendar.
//!
//! * `model`    — the words: applicant types, channels, delivery, events, reply categories.
//! * `deadline` — the due day from the log (our reading of 条例 Art. 30, 31, 33).

pub mod cli;
pub mod deadline;
pub mod form;
pub mod html;
pub mod model;
pub mod store;
