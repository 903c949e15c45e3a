//! A bounded map shared by the worker threads: per-code answers that cost far more to
//! compute than to look up (suggestions, Excludes1 notes), computed once per code per run.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use foldhash::fast::RandomState;

/// Answers by key, at most `cap` of them; the map starts over when full (a batch repeats a
/// few thousand codes, so eviction order does not matter and bookkeeping would cost more).
#[derive(Debug)]
pub(crate) struct Shared<K, V: ?Sized> {
    cap: usize,
    map: Mutex<HashMap<K, Arc<V>, RandomState>>,
}

impl<K: Hash + Eq, V: ?Sized> Shared<K, V> {
    /// An empty cache that keeps at most `cap` answers.
    pub(crate) fn new(cap: usize) -> Self {
        Shared {
            cap,
            map: Mutex::new(HashMap::default()),
        }
    }

    /// The answer for `key`, computed by `make` (outside the lock) on first sight.
    pub(crate) fn get_or_insert<Q>(&self, key: &Q, make: impl FnOnce() -> (K, Arc<V>)) -> Arc<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let lock = || self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = lock().get(key) {
            return hit.clone();
        }
        let (k, v) = make();
        let mut map = lock();
        if map.len() >= self.cap {
            map.clear();
        }
        map.insert(k, v.clone());
        v
    }
}

impl<T: Clone> Shared<(String, u32), [T]> {
    /// The list for `(code, n)` (a code and a date or distance), made by `make` on first
    /// sight; an owned copy, so callers never hold the lock.
    pub(crate) fn list(&self, code: String, n: u32, make: impl FnOnce(&str) -> Vec<T>) -> Vec<T> {
        let key = (code, n);
        self.get_or_insert(&key, || {
            let found = make(&key.0);
            (key.clone(), found.into())
        })
        .to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_and_starts_over_when_full() {
        let c: Shared<String, usize> = Shared::new(2);
        let mut made = 0;
        for k in ["a", "a", "b", "a"] {
            c.get_or_insert(k, || {
                made += 1;
                (k.to_string(), Arc::new(k.len()))
            });
        }
        assert_eq!(made, 2);
        c.get_or_insert("c", || (String::from("c"), Arc::new(1)));
        // Full at two: "c" cleared the map, so "a" is computed again.
        c.get_or_insert("a", || {
            made += 1;
            (String::from("a"), Arc::new(1))
        });
        assert_eq!(made, 3);
    }
}
