//! Work over independent items: on rayon's thread pool with the `parallel` feature, one after
//! the other on the calling thread without it. Either way the results come back in the items'
//! order, so nothing downstream depends on the feature or on the number of threads.

/// `f(index, item)` for every item, results in the items' order.
#[cfg(feature = "parallel")]
pub(crate) fn map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(usize, T) -> R + Sync + Send,
{
    use rayon::prelude::*;
    items.into_par_iter().enumerate().map(|(i, item)| f(i, item)).collect()
}

/// `f(index, item)` for every item, results in the items' order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    F: Fn(usize, T) -> R,
{
    items.into_iter().enumerate().map(|(i, item)| f(i, item)).collect()
}
