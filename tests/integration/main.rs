//! The integration tests, one module per file, in one test binary: each test binary links the
//! whole crate (about 56 MB with line tables), and two dozen of them filled CI's disk. Run one
//! file's tests with `cargo test --test integration <file>::`. `tests/memory.rs` stays a binary of
//! its own: it reads the peak memory of every child of its process.

mod common;

mod architecture;
mod audit_2021;
mod audit_checks;
mod bulk;
mod cli;
mod cmaps;
mod compile;
mod content_streams;
mod encodings;
mod hostile;
mod install;
mod pdf;
mod properties;
mod reading;
mod relations;
mod review;
mod rule_cases;
mod rules;
mod schemas;
mod segment_2021;
mod spanish;
mod values_2021;
mod word_export;
mod zoo;
