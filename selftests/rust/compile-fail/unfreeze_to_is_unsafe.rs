// SPDX-License-Identifier: GPL-2.0
//! `FrozenFolio::unfreeze_to(n)` creates `n - 1` references that no value
//! owns, so calling it is unsafe: the caller promises to drop each once.
//! Expect: E0133 (call to unsafe function requires an unsafe block).
use core::num::NonZeroU32;
use kernel::mm::folio::{Folio, FrozenFolio};
use kernel::sync::aref::ARef;

/// Unfreezes to a count of `n` without saying who owns the extra references.
pub fn thaw(frozen: FrozenFolio, n: NonZeroU32) -> Option<ARef<Folio>> {
    //~ OK: let folio = Some(frozen.unfreeze()).filter(|_| n.get() > 0);
    let folio = frozen.unfreeze_to(n).ok(); //~ ERROR E0133
    folio
}
