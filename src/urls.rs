//! The addresses of the site. They are pure functions of the configuration and a record, so
//! they live below the kinds, in [`crate::content::urls`]; this module names them for the
//! steps after `content` (plan, export, compliance).

pub(crate) use crate::content::urls::{absolute, record_dir, record_url};
