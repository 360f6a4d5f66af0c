//! A value that the build snapshot (`build/snapshot.rs`) stores as its own encoded bytes and
//! decodes only when it is read: the heavy parts of a record (its rendered body and Markdown
//! fields) and the per-kind fragments of the open data files, of which a one-record patch reads
//! a handful out of 100,000 (docs/dev/incremental.md, "The snapshot").
//!
//! Everywhere else (the loader, the preview server) a [`Lazy`] is made from its value and is
//! that value behind [`Deref`]. Read back from MessagePack it holds the bytes only; the first
//! read decodes them. Written to MessagePack it writes the bytes it was read from unless it
//! was changed ([`DerefMut`] forgets them), so that an unchanged value is neither decoded nor
//! encoded again. A human-readable format (JSON) reads and writes the value itself.
//!
//! A read cannot fail: bytes that do not decode give the default value and are counted
//! ([`failures`]); the snapshot's patch compares the count before and after and builds in
//! full when it moved, before the output folder is touched.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// How many lazy values failed to decode in this process.
static FAILURES: AtomicUsize = AtomicUsize::new(0);

/// How many lazy values failed to decode in this process (see the module documentation).
pub fn failures() -> usize {
    FAILURES.load(Ordering::Relaxed)
}

/// A value, or the MessagePack bytes (with field names) it is decoded from when first read.
pub struct Lazy<T> {
    value: OnceLock<T>,
    /// The bytes read from the snapshot, while they are the value's.
    raw: Option<Box<[u8]>>,
}

impl<T> Lazy<T> {
    /// A value (nothing to decode).
    pub fn new(value: T) -> Lazy<T> {
        Lazy {
            value: OnceLock::from(value),
            raw: None,
        }
    }

    /// Whether the value was decoded (or given): for tests and the curious.
    pub fn is_decoded(&self) -> bool {
        self.value.get().is_some()
    }
}

impl<T: serde::de::DeserializeOwned + Default> Lazy<T> {
    fn get(&self) -> &T {
        self.value.get_or_init(|| {
            let decoded = self
                .raw
                .as_deref()
                .and_then(|b| rmp_serde::from_slice::<T>(b).ok());
            decoded.unwrap_or_else(|| {
                FAILURES.fetch_add(1, Ordering::Relaxed);
                T::default()
            })
        })
    }
}

impl<T: serde::de::DeserializeOwned + Default> Deref for Lazy<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: serde::de::DeserializeOwned + Default> DerefMut for Lazy<T> {
    /// The value, to change: the bytes it was read from are forgotten.
    fn deref_mut(&mut self) -> &mut T {
        self.get();
        self.raw = None;
        match self.value.get_mut() {
            Some(v) => v,
            // `get` has just set it.
            None => unreachable!("a lazy value read is set"),
        }
    }
}

impl<T> From<T> for Lazy<T> {
    fn from(value: T) -> Lazy<T> {
        Lazy::new(value)
    }
}

impl<T: Default> Default for Lazy<T> {
    fn default() -> Lazy<T> {
        Lazy::new(T::default())
    }
}

impl<T: Clone> Clone for Lazy<T> {
    fn clone(&self) -> Lazy<T> {
        Lazy {
            value: self.value.clone(),
            raw: self.raw.clone(),
        }
    }
}

impl<T: serde::de::DeserializeOwned + Default + PartialEq> PartialEq for Lazy<T> {
    fn eq(&self, other: &Lazy<T>) -> bool {
        **self == **other
    }
}

impl<T: fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.value.get(), &self.raw) {
            (Some(v), _) => v.fmt(f),
            (None, Some(b)) => write!(f, "Lazy({} bytes)", b.len()),
            (None, None) => f.write_str("Lazy(?)"),
        }
    }
}

impl<T: Serialize + serde::de::DeserializeOwned + Default> Serialize for Lazy<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return self.get().serialize(s);
        }
        match (&self.raw, self.value.get()) {
            (Some(raw), _) => s.serialize_bytes(raw),
            (None, Some(v)) => {
                let bytes = rmp_serde::to_vec_named(v).map_err(serde::ser::Error::custom)?;
                s.serialize_bytes(&bytes)
            }
            (None, None) => Err(serde::ser::Error::custom("a lazy value has no value")),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lazy<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lazy<T>, D::Error> {
        if d.is_human_readable() {
            return T::deserialize(d).map(Lazy::new);
        }
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Box<[u8]>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the encoded bytes of a lazy value")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Box<[u8]>, E> {
                Ok(v.into())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Box<[u8]>, E> {
                Ok(v.into_boxed_slice())
            }
        }
        let raw = d.deserialize_byte_buf(Bytes)?;
        Ok(Lazy {
            value: OnceLock::new(),
            raw: Some(raw),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
    struct V {
        a: String,
        n: Vec<u32>,
    }

    fn v() -> V {
        V {
            a: "正文".into(),
            n: vec![1, 2, 3],
        }
    }

    #[test]
    fn read_back_it_decodes_when_read_and_writes_its_bytes_again() {
        let bytes = rmp_serde::to_vec_named(&Lazy::new(v())).unwrap_or_default();
        let back: Lazy<V> = rmp_serde::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(!back.is_decoded());
        // Written again unread: the same bytes, still not decoded.
        assert_eq!(rmp_serde::to_vec_named(&back).unwrap_or_default(), bytes);
        assert!(!back.is_decoded());
        assert_eq!(*back, v());
        assert!(back.is_decoded());
        // Changed: encoded from the value.
        let mut changed = back.clone();
        changed.a.push('！');
        let again: Lazy<V> =
            rmp_serde::from_slice(&rmp_serde::to_vec_named(&changed).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.a, "正文！");
        // JSON: the value itself.
        let json = serde_json::to_string(&back).unwrap_or_default();
        assert_eq!(json, serde_json::to_string(&v()).unwrap_or_default());
        let from_json: Lazy<V> = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert!(from_json.is_decoded() && *from_json == v());
    }

    #[test]
    fn bytes_that_do_not_decode_are_counted() {
        let mut bytes = rmp_serde::to_vec_named(&Lazy::new(v())).unwrap_or_default();
        // The bytes of the inner value start after the bin header (2 bytes for < 256): make
        // the map's first field name another type.
        bytes.truncate(bytes.len() - 3);
        let len = bytes.len() - 2;
        bytes[1] = u8::try_from(len).unwrap_or(0);
        let back: Lazy<V> = rmp_serde::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let before = failures();
        assert_eq!(*back, V::default());
        assert!(failures() > before);
    }
}
