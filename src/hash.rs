//! Content hashes: the one place that turns bytes into a SHA-256 hex digest (input files, rules
//! fingerprints, output folder names).

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A file's hash, size and first bytes, read in one streamed pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    pub sha256: String,
    pub size: u64,
    /// The first [`HEAD_BYTES`] bytes (or the whole file when smaller), to tell its format.
    pub head: Vec<u8>,
}

/// Bytes of a file kept in [`FileDigest::head`].
pub const HEAD_BYTES: usize = 64 << 10;

/// The SHA-256 of the file at `path`, read in blocks: memory stays flat whatever its size.
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<FileDigest> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut head = Vec::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let block = &buf[..n];
        hasher.update(block);
        let room = HEAD_BYTES.saturating_sub(head.len());
        head.extend_from_slice(&block[..room.min(n)]);
        size += n as u64;
    }
    Ok(FileDigest {
        sha256: hex(&hasher.finalize()),
        size,
        head,
    })
}

fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(2 * digest.len());
    for &b in digest {
        hex.push(char::from(DIGITS[usize::from(b >> 4)]));
        hex.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_digests() {
        assert_eq!(
            super::sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_file_hashed_in_blocks_has_the_hash_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let d = super::sha256_file(&path).unwrap();
        assert_eq!(d.sha256, super::sha256_hex(&bytes));
        assert_eq!(d.size, 200_000);
        assert_eq!(d.head, &bytes[..super::HEAD_BYTES]);
    }
}
