//! Embedded event store, de-duplication and exports.
