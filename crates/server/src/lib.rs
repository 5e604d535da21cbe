//! HTTP API and web page over the event store.
