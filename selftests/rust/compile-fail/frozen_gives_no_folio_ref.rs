// SPDX-License-Identifier: GPL-2.0
//! A `FrozenFolio` gives out no `&Folio`: through one, safe code could take a
//! reference on the frozen count (`ARef::from(&folio)`) or drop one.
//! Expect: E0614 (the guard cannot be dereferenced).
use kernel::mm::folio::{Folio, FrozenFolio};

/// Borrows the folio of a frozen guard.
pub fn borrow(frozen: &FrozenFolio) -> *const Folio {
    //~ OK: let folio: *const Folio = frozen.as_ptr().cast();
    let folio: &Folio = &**frozen; //~ ERROR E0614
    folio
}
