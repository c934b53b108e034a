//! An executable model of the page reference count protocol.
//!
//! The kernel patch series moves "dead" out of the value 0 of
//! `page->_refcount` and into bit 31 (`PAGEREF_FROZEN_BIT`), so that a
//! speculative get is one atomic add. This crate states that protocol, the
//! mainline one and their variants as Rust code with one API
//! ([`scheme::RefScheme`]), checks them exhaustively (up to a preemption
//! bound) with loom against the properties of [`world`], and measures them
//! on real atomics ([`mod@bench`]).
//!
//! See `Documentation/model.md` and `Documentation/host-benchmarks.md`.

pub mod atom;
pub mod bench;
pub mod check;
pub mod consts;
pub mod probe;
pub mod report;
pub mod scheme;
pub mod world;

pub use check::{check, Outcome, Scenario, Verdict};
pub use scheme::{
    AssumeOne, FrozenBit, Mainline, RefScheme, Series, SeriesV6, ZeroDead, PAGEREF_FROZEN_BIT,
    PAGEREF_SATURATED,
};
