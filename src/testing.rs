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

/// `count` texts drawn from the characters of `alphabet` by [`xorshift`] from `seed`, the `k`th of
/// `k % max_len` characters (so every length below `max_len` comes, empty included).
pub(crate) fn random_texts<'a>(
    seed: u64,
    alphabet: &'a str,
    count: usize,
    max_len: usize,
) -> impl Iterator<Item = String> + 'a {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut next = xorshift(seed);
    (0..count).map(move |k| {
        (0..k % max_len)
            .map(|_| chars[(next() % chars.len() as u64) as usize])
            .collect()
    })
}
