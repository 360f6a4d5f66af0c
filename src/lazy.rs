//! A value that the build snapshot (`build/snapshot.rs`) stores as its own encoded bytes and
//! decodes only when it is read: the heavy parts of a record (its rendered body and Markdown
//! fields), the per-kind fragments of the open data files and the search index's shard and
//! entry texts, of which a one-record patch reads a handful out of 100,000; also the warnings
//! of the build memo (`build/cache.rs`), read only for a memo hit (docs/dev/incremental.md,
//! "The snapshot"). A leaf module: it imports nothing of the crate.
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
//!
//! Decoded inside [`reading_from`] (the snapshot maps each part file and decodes it there),
//! a lazy value keeps a range of that shared buffer instead of a copy of its bytes: bytes
//! never read are then neither copied nor, for a mapped file, even read from the disk.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Deref, DerefMut, Range};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// How many lazy values failed to decode in this process.
static FAILURES: AtomicUsize = AtomicUsize::new(0);

/// How many lazy values failed to decode in this process (see the module documentation).
pub fn failures() -> usize {
    FAILURES.load(Ordering::Relaxed)
}

/// A buffer that lazy values decoded from it may keep ranges of (a mapped part file).
pub trait Source: Send + Sync {
    fn bytes(&self) -> &[u8];
    /// The name of the file it holds, when a value still in it may be written as a reference
    /// to it ([`writing_refs`]).
    fn name(&self) -> Option<&str> {
        None
    }
}

impl Source for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// A shared [`Source`].
pub type Shared = Arc<dyn Source>;

/// Finds the source a reference names ([`reading_from`]).
pub type Resolve = Arc<dyn Fn(&str) -> Option<Shared> + Send + Sync>;

thread_local! {
    /// The buffer being decoded on this thread and how to find the buffers its references
    /// name ([`reading_from`]).
    static SOURCE: RefCell<Option<(Shared, Option<Resolve>)>> =
        const { RefCell::new(None) };
    /// The names and lengths of the sources referred to while writing on this thread
    /// ([`writing_refs`]).
    static REFS: RefCell<Option<BTreeMap<String, u64>>> = const { RefCell::new(None) };
}

/// Run `f` with the thread-local `key` set to `value`, then put back what it held before
/// (also when `f` unwinds). Returns what `f` returned and what `key` held when it ended.
fn with_set<T: 'static, R>(
    key: &'static std::thread::LocalKey<RefCell<Option<T>>>,
    value: T,
    f: impl FnOnce() -> R,
) -> (R, Option<T>) {
    struct Restore<T: 'static>(
        &'static std::thread::LocalKey<RefCell<Option<T>>>,
        Option<T>,
    );
    impl<T: 'static> Drop for Restore<T> {
        fn drop(&mut self) {
            let previous = self.1.take();
            self.0.with(|k| *k.borrow_mut() = previous);
        }
    }
    let previous = key.with(|k| k.borrow_mut().replace(value));
    let restore = Restore(key, previous);
    let out = f();
    let last = key.with(|k| k.borrow_mut().take());
    drop(restore);
    (out, last)
}

/// Run `decode` on the bytes of `source`; lazy values it decodes from them keep a range of
/// `source` instead of copying their bytes, and references to other sources (written by
/// [`writing_refs`]) are found with `resolve` (without it they do not decode).
pub fn reading_from<R>(
    source: Shared,
    resolve: Option<Resolve>,
    decode: impl FnOnce(&[u8]) -> R,
) -> R {
    with_set(&SOURCE, (source.clone(), resolve), || {
        decode(source.bytes())
    })
    .0
}

/// Run `write`; lazy values it writes that are still the bytes of a named [`Source`] are
/// written as a reference to that range (name, start, length) instead of the bytes. Returns
/// what `write` returned and the names (with their lengths) of the sources referred to: the
/// files that must be kept while what was written is.
pub fn writing_refs<R>(write: impl FnOnce() -> R) -> (R, BTreeMap<String, u64>) {
    let (out, names) = with_set(&REFS, BTreeMap::new(), write);
    (out, names.unwrap_or_default())
}

/// The bytes of a lazy value read back.
#[derive(Clone)]
enum Raw {
    Owned(Box<[u8]>),
    /// A range of the buffer it was decoded from.
    Shared(Shared, Range<usize>),
}

impl Raw {
    fn bytes(&self) -> &[u8] {
        match self {
            Raw::Owned(b) => b,
            Raw::Shared(s, r) => s.bytes().get(r.clone()).unwrap_or_default(),
        }
    }

    /// `v`, as a range of the buffer being decoded when it lies inside it, else a copy.
    fn of(v: &[u8]) -> Raw {
        SOURCE.with(|s| {
            let s = s.borrow();
            let Some((source, _)) = s.as_ref() else {
                return Raw::Owned(v.into());
            };
            let all = source.bytes();
            let start = (v.as_ptr() as usize).wrapping_sub(all.as_ptr() as usize);
            match start.checked_add(v.len()) {
                Some(end) if start <= all.len() && end <= all.len() => {
                    Raw::Shared(source.clone(), start..end)
                }
                _ => Raw::Owned(v.into()),
            }
        })
    }

    /// The range `start..start + len` of the source named `name`, found by the resolver of
    /// the buffer being decoded (`None` without one, or when the source is not found or is
    /// shorter).
    fn resolve(name: &str, start: u64, len: u64) -> Option<Raw> {
        let source = SOURCE.with(|s| {
            let s = s.borrow();
            let resolve = s.as_ref()?.1.as_ref()?;
            resolve(name)
        })?;
        let start = usize::try_from(start).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        (end <= source.bytes().len()).then_some(Raw::Shared(source, start..end))
    }

    /// Where it is in a named source, when it is and references are being recorded
    /// ([`writing_refs`]; the name is recorded).
    fn reference(&self) -> Option<(&str, u64, u64)> {
        let Raw::Shared(s, r) = self else {
            return None;
        };
        let name = s.name()?;
        REFS.with(|refs| {
            let mut refs = refs.borrow_mut();
            let refs = refs.as_mut()?;
            if !refs.contains_key(name) {
                refs.insert(name.to_string(), s.bytes().len() as u64);
            }
            Some((name, r.start as u64, (r.end - r.start) as u64))
        })
    }
}

/// A value, or the MessagePack bytes (with field names) it is decoded from when first read.
pub struct Lazy<T> {
    value: OnceLock<T>,
    /// The bytes read from the snapshot, while they are the value's.
    raw: Option<Raw>,
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
                .as_ref()
                .and_then(|b| rmp_serde::from_slice::<T>(b.bytes()).ok());
            decoded.unwrap_or_else(|| {
                FAILURES.fetch_add(1, Ordering::Relaxed);
                T::default()
            })
        })
    }

    /// The value, decoded if it was not.
    pub fn into_inner(self) -> T {
        self.get();
        self.value.into_inner().unwrap_or_default()
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
            (None, Some(b)) => write!(f, "Lazy({} bytes)", b.bytes().len()),
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
            (Some(raw), _) => match raw.reference() {
                Some(r) => r.serialize(s),
                None => s.serialize_bytes(raw.bytes()),
            },
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
        /// The bytes, or a reference to them ([`writing_refs`]).
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the encoded bytes of a lazy value, or a reference to them")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> Result<Raw, E> {
                Ok(Raw::of(v))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw::Owned(v.into()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Raw, E> {
                Ok(Raw::Owned(v.into_boxed_slice()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                use serde::de::Error;
                let missing = || A::Error::custom("an incomplete reference");
                let name: String = a.next_element()?.ok_or_else(missing)?;
                let start: u64 = a.next_element()?.ok_or_else(missing)?;
                let len: u64 = a.next_element()?.ok_or_else(missing)?;
                Raw::resolve(&name, start, len)
                    .ok_or_else(|| A::Error::custom(format!("a reference to {name} not found")))
            }
        }
        let raw = d.deserialize_any(Bytes)?;
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
    fn decoded_inside_reading_from_it_keeps_a_range_of_the_buffer() {
        let values = vec![Lazy::new(v()), Lazy::new(V::default())];
        let bytes = rmp_serde::to_vec_named(&values).unwrap_or_default();
        let shared: Shared = Arc::new(bytes.clone());
        let back: Vec<Lazy<V>> = reading_from(shared.clone(), None, |b| rmp_serde::from_slice(b))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(back.iter().all(|l| matches!(l.raw, Some(Raw::Shared(..)))));
        // Held by both values, not copied; the thread forgets the buffer afterwards.
        assert_eq!(Arc::strong_count(&shared), 3);
        assert!(SOURCE.with(|s| s.borrow().is_none()));
        // Written again unread: the same bytes; read: the values.
        assert_eq!(rmp_serde::to_vec_named(&back).unwrap_or_default(), bytes);
        assert_eq!((*back[0]).clone(), v());
        assert_eq!((*back[1]).clone(), V::default());
        // Decoded elsewhere: a copy.
        let copied: Vec<Lazy<V>> = rmp_serde::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(copied.iter().all(|l| matches!(l.raw, Some(Raw::Owned(_)))));
        assert_eq!(*copied[0], v());
    }

    #[test]
    fn unchanged_values_are_written_as_references_to_a_named_source() {
        struct Named(Vec<u8>);
        impl Source for Named {
            fn bytes(&self) -> &[u8] {
                &self.0
            }
            fn name(&self) -> Option<&str> {
                Some("a")
            }
        }
        let long = V {
            a: "正文".repeat(100),
            n: vec![7; 50],
        };
        let bytes = rmp_serde::to_vec_named(&vec![Lazy::new(long.clone()), Lazy::new(v())])
            .unwrap_or_default();
        let a: Shared = Arc::new(Named(bytes));
        let mut back: Vec<Lazy<V>> = reading_from(a.clone(), None, |b| rmp_serde::from_slice(b))
            .unwrap_or_else(|e| panic!("{e}"));
        back[1].a.push('！');
        // The unchanged value is a reference to "a", the changed one its bytes.
        let (written, refs) = writing_refs(|| rmp_serde::to_vec_named(&back));
        let written = written.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            refs.into_iter().collect::<Vec<_>>(),
            vec![("a".to_string(), a.bytes().len() as u64)]
        );
        assert!(written.len() < a.bytes().len() / 4);
        // Read back: without a resolver, or with one that does not know "a", it does not
        // decode; with one, both values.
        let w: Shared = Arc::new(written);
        let read = |resolve: Option<Resolve>| {
            reading_from(w.clone(), resolve, |b| {
                rmp_serde::from_slice::<Vec<Lazy<V>>>(b).ok()
            })
        };
        assert!(read(None).is_none());
        assert!(read(Some(Arc::new(|_: &str| None))).is_none());
        let found = a.clone();
        let again = read(Some(Arc::new(move |n: &str| {
            (n == "a").then(|| found.clone())
        })))
        .unwrap_or_else(|| panic!("did not decode"));
        assert_eq!(*again[0], long);
        assert_eq!(again[1].a, "正文！");
        // A source shorter than the reference: refused.
        let short: Shared = Arc::new(Named(a.bytes()[..4].to_vec()));
        assert!(read(Some(Arc::new(move |_: &str| Some(short.clone())))).is_none());
        // Outside `writing_refs`: the bytes themselves.
        let plain = rmp_serde::to_vec_named(&back).unwrap_or_default();
        let plain: Vec<Lazy<V>> = rmp_serde::from_slice(&plain).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(*plain[0], long);
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
