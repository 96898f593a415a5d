//! What the unit tests share (compiled for them only).

/// A fixed pseudo-random sequence (xorshift64): the differential tests draw the same inputs on
/// every run, and a failure names the input that failed.
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}
