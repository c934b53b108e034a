// SPDX-License-Identifier: GPL-2.0
//! `kunit::SuppressedWarnings` suppresses the warnings of the current task
//! only: it cannot be sent to another thread, where ending the suppression
//! would end another task's.
//! Expect: E0277 (the trait bound `Send` is not satisfied).
use kernel::kunit::SuppressedWarnings;

fn needs_send<T: Send>(_: &T) {}

/// Hands the suppression to code that may send it away.
pub fn send(suppressed: SuppressedWarnings) -> i32 {
    //~ OK: let _ = &suppressed;
    needs_send(&suppressed); //~ ERROR E0277
    suppressed.count()
}
